package import Jobs

package import struct Foundation.Data

/// Identical requests in flight at once, by cache key: the first to arrive leads (it makes the upstream call),
/// the others wait for its outcome. A pure state machine; `ResponseCache` keeps it under a lock and resumes the
/// waiters it hands back.
///
/// ```swift
/// var table = InFlightTable<String>()
/// table.arrive(key, ticket: a, waiterID: 1, waiter: "a")   // .lead
/// table.arrive(key, ticket: b, waiterID: 2, waiter: "b")   // .follow ("b" is kept)
/// table.finish(key, ticket: a)                              // ["b"]: answer them, or let them try again
/// ```
package struct InFlightTable<Waiter> {
    package enum Arrival: Sendable, Equatable {
        /// Nobody is in flight with this key: the caller leads and must `finish` when its attempt ends.
        case lead
        /// Another attempt leads; the waiter is kept until it finishes (or the waiter `leave`s).
        case follow
    }

    private struct Flight {
        var leader: JobLease
        var waiters: [(id: Int, waiter: Waiter)] = []
    }

    private var flights: [Data: Flight] = [:]

    package init() {}

    /// How many keys are in flight.
    package var count: Int { flights.count }

    /// How many wait on `key`.
    package func waiting(on key: Data) -> Int { flights[key]?.waiters.count ?? 0 }

    /// Whether `ticket` leads the flight of `key`.
    package func isLeader(_ key: Data, ticket: JobLease) -> Bool { flights[key]?.leader == ticket }

    /// Joins the flight of `key`, or starts it. `waiter` is kept only when the caller follows.
    package mutating func arrive(_ key: Data, ticket: JobLease, waiterID: Int, waiter: Waiter) -> Arrival {
        if lead(key, ticket: ticket) { return .lead }
        flights[key]!.waiters.append((waiterID, waiter))
        return .follow
    }

    /// Starts the flight of `key`, led by `ticket`, unless one is in progress; returns whether it started.
    package mutating func lead(_ key: Data, ticket: JobLease) -> Bool {
        guard flights[key] == nil else { return false }
        flights[key] = Flight(leader: ticket)
        return true
    }

    /// Removes a waiting follower (its job was cancelled); returns its waiter if it was still waiting.
    package mutating func leave(_ key: Data, waiterID: Int) -> Waiter? {
        guard let index = flights[key]?.waiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
        return flights[key]!.waiters.remove(at: index).waiter
    }

    /// Ends the flight led by `ticket` and returns its waiters, oldest first (empty when `ticket` does not lead).
    package mutating func finish(_ key: Data, ticket: JobLease) -> [Waiter] {
        guard let flight = flights[key], flight.leader == ticket else { return [] }
        flights[key] = nil
        return flight.waiters.map(\.waiter)
    }
}

import Foundation
import Testing

@testable import Jobs
@testable import Workers

@Suite struct InFlightTableTests {
    let key = Data([1])
    let a = JobLease(jobID: JobID(1), token: 1)
    let b = JobLease(jobID: JobID(2), token: 2)
    let c = JobLease(jobID: JobID(3), token: 3)

    @Test func arrive_firstLeads_othersFollow_andFinishHandsBackTheFollowersInOrder() {
        var table = InFlightTable<String>()
        let arrivals = [
            table.arrive(key, ticket: a, waiterID: 1, waiter: "a"),
            table.arrive(key, ticket: b, waiterID: 2, waiter: "b"),
            table.arrive(key, ticket: c, waiterID: 3, waiter: "c"),
        ]
        #expect(arrivals == [.lead, .follow, .follow])
        #expect(table.waiting(on: key) == 2)
        let notTheLeader = table.finish(key, ticket: b)
        #expect(notTheLeader.isEmpty)
        let followers = table.finish(key, ticket: a)
        #expect(followers == ["b", "c"])
        #expect(table.count == 0)
    }

    @Test func arrive_afterTheLeaderFinished_startsANewFlight() {
        var table = InFlightTable<String>()
        _ = table.arrive(key, ticket: a, waiterID: 1, waiter: "a")
        _ = table.arrive(key, ticket: b, waiterID: 2, waiter: "b")
        _ = table.finish(key, ticket: a)
        let again = table.arrive(key, ticket: b, waiterID: 3, waiter: "b")
        #expect(again == .lead)
        #expect(table.isLeader(key, ticket: b))
    }

    @Test func leave_removesOnlyThatWaiter() {
        var table = InFlightTable<String>()
        _ = table.arrive(key, ticket: a, waiterID: 1, waiter: "a")
        _ = table.arrive(key, ticket: b, waiterID: 2, waiter: "b")
        _ = table.arrive(key, ticket: c, waiterID: 3, waiter: "c")
        let left = table.leave(key, waiterID: 2)
        let leftAgain = table.leave(key, waiterID: 2)
        #expect(left == "b" && leftAgain == nil)
        let followers = table.finish(key, ticket: a)
        #expect(followers == ["c"])
    }

    @Test func lead_startsAFlightOnlyWhenNoneIsInProgress() {
        var table = InFlightTable<String>()
        let first = table.lead(key, ticket: a)
        let second = table.lead(key, ticket: b)
        let otherKey = table.arrive(Data([2]), ticket: b, waiterID: 1, waiter: "b")
        #expect(first && !second)
        #expect(otherKey == .lead)
        #expect(table.count == 2)
    }
}

import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a host name into the addresses a connection could go to. A seam so tests can make a name resolve to
/// anything (DNS rebinding) without touching DNS.
///
/// ```swift
/// let addresses = try await SystemHostResolver().resolve("hooks.example.com")
/// ```
package protocol HostResolver: Sendable {
    /// Every address the name resolves to (empty when it resolves to none).
    /// - Throws: `OutboundURLRefusal` with code `.unresolvableHost` when the lookup fails.
    func resolve(_ host: String) async throws -> [IPAddress]
}

/// The system resolver (`getaddrinfo`), run on a Dispatch queue: the lookup blocks for as long as DNS takes, and
/// blocking calls never run on Swift concurrency's cooperative pool. The caller stops waiting after `timeout` (or
/// when its task is cancelled); the lookup itself runs to its end on the queue and its answer is dropped.
package struct SystemHostResolver: HostResolver {
    /// Default limit on one lookup: 10 s.
    package static let defaultTimeout: Duration = .seconds(10)

    private static let queue = DispatchQueue(label: "sluice-dns", attributes: .concurrent)
    private let timeout: Duration
    private let lookUp: @Sendable (String) throws -> [IPAddress]

    package init(timeout: Duration = SystemHostResolver.defaultTimeout) {
        self.init(timeout: timeout, lookUp: Self.lookUp)
    }

    /// With another blocking lookup in place of `getaddrinfo` (tests: a lookup that hangs).
    init(timeout: Duration, lookUp: @escaping @Sendable (String) throws -> [IPAddress]) {
        self.timeout = timeout
        self.lookUp = lookUp
    }

    package func resolve(_ host: String) async throws -> [IPAddress] {
        let answer = LookupAnswer()
        let timeout = self.timeout
        let lookUp = self.lookUp
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard answer.wait(continuation) else { return }
                Self.queue.async {
                    answer.resume(with: Result { try lookUp(host) })
                }
                let (seconds, attoseconds) = timeout.components
                let nanoseconds = Int(clamping: seconds) &* 1_000_000_000 &+ Int(attoseconds / 1_000_000_000)
                Self.queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) {
                    answer.resume(
                        with: .failure(
                            OutboundURLRefusal(.unresolvableHost, message: "the URL's host did not resolve in time")
                        )
                    )
                }
            }
        } onCancel: {
            answer.resume(with: .failure(CancellationError()))
        }
    }

    /// - SeeAlso: https://man7.org/linux/man-pages/man3/getaddrinfo.3.html
    private static func lookUp(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            throw OutboundURLRefusal(.unresolvableHost, message: "the URL's host does not resolve")
        }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var entry = list
        while let current = entry {
            if let address = current.pointee.ai_addr {
                switch Int32(current.pointee.ai_family) {
                case AF_INET:
                    var v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    addresses.append(IPAddress(bytes: withUnsafeBytes(of: &v4) { Array($0) }))
                case AF_INET6:
                    var v6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    addresses.append(IPAddress(bytes: withUnsafeBytes(of: &v6) { Array($0) }))
                default:
                    break
                }
            }
            entry = current.pointee.ai_next
        }
        var seen = Set<IPAddress>()
        return addresses.filter { seen.insert($0).inserted }
    }
}

/// The one answer of a lookup: the first of the lookup, the timeout and the cancellation resumes the caller.
final class LookupAnswer: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<[IPAddress], any Error>)
        case answered(Result<[IPAddress], any Error>?)
    }

    private let state = Mutex(State.idle)

    /// Keeps the continuation; false (after resuming it) when an answer (a cancellation) came first.
    func wait(_ continuation: CheckedContinuation<[IPAddress], any Error>) -> Bool {
        let early = state.withLock { state -> Result<[IPAddress], any Error>? in
            guard case .answered(let result) = state else {
                state = .waiting(continuation)
                return nil
            }
            state = .answered(nil)
            return result ?? .failure(CancellationError())
        }
        guard let early else { return true }
        continuation.resume(with: early)
        return false
    }

    /// Resumes the caller with the first answer; later ones are dropped.
    func resume(with result: Result<[IPAddress], any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<[IPAddress], any Error>? in
            switch state {
            case .idle:
                state = .answered(result)
                return nil
            case .waiting(let continuation):
                state = .answered(nil)
                return continuation
            case .answered:
                return nil
            }
        }
        continuation?.resume(with: result)
    }
}

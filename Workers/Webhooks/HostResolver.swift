import Dispatch

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
/// blocking calls never run on Swift concurrency's cooperative pool.
package struct SystemHostResolver: HostResolver {
    private static let queue = DispatchQueue(label: "sluice-dns", attributes: .concurrent)

    package init() {}

    package func resolve(_ host: String) async throws -> [IPAddress] {
        try await withCheckedThrowingContinuation { continuation in
            Self.queue.async {
                continuation.resume(with: Result { try Self.lookUp(host) })
            }
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

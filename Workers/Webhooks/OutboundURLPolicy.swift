import Foundation

/// The guard against server-side request forgery for outbound (webhook) URLs.
///
/// A URL passes when it is an absolute `http`/`https` URL with a host and no user information, and every address
/// its host resolves to is `global` or of a class the operator allowed (`webhooks: {allow: [loopback]}`). Metadata,
/// unspecified, multicast, broadcast and reserved addresses are never allowed. When a name resolves to several
/// addresses, one refused address refuses the URL.
///
/// Check once when the URL is registered, and again right before each delivery, sending to the checked addresses
/// only (`CheckedOutboundURL.resolveEntries` into `HTTPRequest.resolve`), so a name that resolves elsewhere later
/// (DNS rebinding) cannot slip through.
///
/// ```swift
/// let policy = OutboundURLPolicy(allowing: [.loopback])
/// let checked = try await policy.check("https://hooks.example.com/sluice")   // throws OutboundURLRefusal
/// let request = HTTPRequest(url: checked.url, body: body, resolve: checked.resolveEntries)
/// ```
package struct OutboundURLPolicy: Sendable {
    /// The longest URL accepted.
    package static let maxURLLength = 2048

    /// The non-global classes allowed (a subset of `OutboundAddressClass.allowable`).
    package let allowed: Set<OutboundAddressClass>
    private let resolver: any HostResolver

    /// - Parameters:
    ///   - allowed: non-global classes to allow; classes outside `OutboundAddressClass.allowable` are ignored.
    ///   - resolver: the name resolver (the system's `getaddrinfo` by default).
    package init(allowing allowed: Set<OutboundAddressClass> = [], resolver: any HostResolver = SystemHostResolver()) {
        self.allowed = allowed.intersection(OutboundAddressClass.allowable)
        self.resolver = resolver
    }

    /// Parses, resolves and classifies a URL.
    /// - Parameter url: the URL as the tenant gave it.
    /// - Returns: the URL with the addresses a connection may use.
    /// - Throws: `OutboundURLRefusal` naming the rule the URL breaks.
    package func check(_ url: String) async throws -> CheckedOutboundURL {
        let target = try Self.parse(url)
        let addresses: [IPAddress]
        if let literal = target.literalAddress {
            addresses = [literal]
        } else {
            addresses = try await resolver.resolve(target.host)
            guard !addresses.isEmpty else {
                throw OutboundURLRefusal(.unresolvableHost, message: "the URL's host does not resolve")
            }
        }
        for address in addresses {
            if let refused = refusedClass(of: address) {
                throw Self.refusal(refused)
            }
        }
        return CheckedOutboundURL(
            url: url,
            host: target.host,
            port: target.port,
            addresses: addresses,
            hasTrailingDot: target.hasTrailingDot
        )
    }

    /// The class of `address` when it is refused, nil when a connection to it is allowed. Pure.
    package func refusedClass(of address: IPAddress) -> OutboundAddressClass? {
        let addressClass = OutboundAddressClass.classify(address)
        return addressClass == .global || allowed.contains(addressClass) ? nil : addressClass
    }

    private static func refusal(_ addressClass: OutboundAddressClass) -> OutboundURLRefusal {
        let hint =
            OutboundAddressClass.allowable.contains(addressClass)
            ? " (an operator may allow it with webhooks.allow: [\(addressClass)])" : ""
        return OutboundURLRefusal(
            .forbiddenAddress,
            message: "the URL's host is or resolves to a \(addressClass) address, which is refused\(hint)",
            addressClass: addressClass
        )
    }

    /// The parts of a URL the policy checks.
    package struct Target: Sendable, Equatable {
        /// The host, lower-cased, without IPv6 brackets or one trailing dot (`example.com.` is `example.com`).
        package var host: String
        /// The port, explicit or the scheme's default.
        package var port: Int
        /// The address when the host is a numeric IP address.
        package var literalAddress: IPAddress?
        /// Whether the URL wrote the host with a trailing dot (`example.com.`).
        package var hasTrailingDot = false
    }

    /// Checks the URL's form without resolving anything. Pure.
    /// - Throws: `OutboundURLRefusal` (`.invalidURL`, `.unsupportedScheme`, `.credentialsInURL`).
    package static func parse(_ url: String) throws -> Target {
        guard url.utf8.count <= maxURLLength, url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            let components = URLComponents(string: url)
        else {
            throw OutboundURLRefusal(.invalidURL, message: "not a valid absolute URL (ASCII, at most 2048 bytes)")
        }
        let scheme = components.scheme?.lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw OutboundURLRefusal(.unsupportedScheme, message: "the URL's scheme must be http or https")
        }
        guard components.percentEncodedUser == nil, components.percentEncodedPassword == nil else {
            throw OutboundURLRefusal(.credentialsInURL, message: "the URL must not contain a user name or password")
        }
        guard var host = components.percentEncodedHost?.lowercased(), !host.isEmpty, !host.contains("%") else {
            throw OutboundURLRefusal(.invalidURL, message: "the URL has no host, or an encoded one")
        }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        // One trailing dot (`example.com.`) names the same host; the checked name is without it. Which form libcurl
        // looks up in its DNS cache depends on its version (7.88 keeps the dot), so `resolveEntries` pins both forms.
        let hasTrailingDot = host.hasSuffix(".")
        if hasTrailingDot {
            host.removeLast()
        }
        guard !host.isEmpty, !host.hasPrefix("."), !host.hasSuffix("."), !host.contains("..") else {
            throw OutboundURLRefusal(.invalidURL, message: "the URL's host has an empty label")
        }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65_535).contains(port) else {
            throw OutboundURLRefusal(.invalidURL, message: "the URL's port is out of range")
        }
        if let literal = IPAddress(host) {
            return Target(host: host, port: port, literalAddress: literal, hasTrailingDot: hasTrailingDot)
        }
        // Shorthand numeric IPv4 forms (`127.1`, `0x7f.1`, `2130706433`) are read differently by different
        // parsers; no real top-level domain starts with a digit, so a host whose last label does is refused.
        guard host.contains(where: { $0.isLetter }), !(host.split(separator: ".").last?.first?.isNumber ?? true),
            host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" })
        else {
            throw OutboundURLRefusal(.invalidURL, message: "the URL's host is neither a DNS name nor an IP address")
        }
        return Target(host: host, port: port, literalAddress: nil, hasTrailingDot: hasTrailingDot)
    }
}

/// A URL that passed `OutboundURLPolicy.check`, with the addresses a connection may go to.
package struct CheckedOutboundURL: Sendable, Equatable {
    /// The URL, as given.
    package var url: String
    /// The host, lower-cased, without IPv6 brackets or one trailing dot.
    package var host: String
    /// The port, explicit or the scheme's default.
    package var port: Int
    /// The checked addresses.
    package var addresses: [IPAddress]
    /// Whether the URL wrote the host with a trailing dot (`example.com.`).
    package var hasTrailingDot = false

    /// CURLOPT_RESOLVE entries (`+host:port:addr[,addr]`) that pin the connection to the checked addresses; when
    /// the URL wrote the host with a trailing dot, for `host.` too: libcurl looks its DNS cache up with the dot
    /// (7.88) or without it (versions that strip it), so both are pinned. Empty when the host is an IP address
    /// already. The `+` lets the entries time out of libcurl's DNS cache like a lookup would
    /// (without it they would stay for the transport's life). The deliverer also runs on its own transport, so its
    /// pins never reach the provider lanes' shared cache.
    package var resolveEntries: [String] {
        guard IPAddress(host) == nil else { return [] }
        let pinned = ":\(port):" + addresses.map(\.resolveText).joined(separator: ",")
        return hasTrailingDot ? ["+\(host)" + pinned, "+\(host)." + pinned] : ["+\(host)" + pinned]
    }
}

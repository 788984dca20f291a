/// What kind of destination an IP address is, for the outbound (webhook) request-forgery guard.
///
/// Only `global` addresses are reachable by default. An operator may allow `loopback`, `private`, `link_local`
/// and `cgnat` in configuration (`webhooks: {allow: [loopback]}`); the others are never allowed.
package enum OutboundAddressClass: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A globally routable unicast address.
    case global
    /// 127.0.0.0/8, ::1.
    case loopback
    /// RFC 1918 (10/8, 172.16/12, 192.168/16), unique local fc00::/7, deprecated site-local fec0::/10.
    case `private`
    /// 169.254.0.0/16, fe80::/10.
    case linkLocal = "link_local"
    /// Shared address space for carrier-grade NAT, 100.64.0.0/10 (RFC 6598).
    case sharedAddressSpace = "cgnat"
    /// A cloud instance-metadata service: 169.254.169.254, fd00:ec2::254, 168.63.129.16 (Azure), 100.100.100.200
    /// (Alibaba Cloud, inside the CGNAT range an operator may allow). Never allowed.
    case metadata
    /// 0.0.0.0/8 ("this network"), ::.
    case unspecified
    /// 224.0.0.0/4, ff00::/8.
    case multicast
    /// 255.255.255.255.
    case broadcast
    /// Reserved, documentation and benchmarking ranges (240/4, 192.0.0/24, 192.0.2/24, 198.18/15, 198.51.100/24,
    /// 203.0.113/24, 2001:db8::/32, 100::/64, Teredo 2001::/32).
    case reserved

    /// The classes an operator may allow in configuration.
    package static let allowable: Set<OutboundAddressClass> = [.loopback, .private, .linkLocal, .sharedAddressSpace]

    package var description: String { rawValue }

    /// Classifies an address. Pure: no I/O.
    ///
    /// IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64
    /// `64:ff9b::/96` and local-use `64:ff9b:1::/48` (its last 32 bits), 6to4 `2002::/16`) are classified by the
    /// IPv4 address they carry.
    package static func classify(_ address: IPAddress) -> OutboundAddressClass {
        address.isIPv4 ? classifyV4(address.bytes) : classifyV6(address.bytes)
    }

    private static func classifyV4(_ b: [UInt8]) -> OutboundAddressClass {
        switch (b[0], b[1], b[2], b[3]) {
        case (169, 254, 169, 254), (168, 63, 129, 16), (100, 100, 100, 200): return .metadata
        case (255, 255, 255, 255): return .broadcast
        case (0, _, _, _): return .unspecified
        case (127, _, _, _): return .loopback
        case (10, _, _, _), (172, 16...31, _, _), (192, 168, _, _): return .private
        case (169, 254, _, _): return .linkLocal
        case (100, 64...127, _, _): return .sharedAddressSpace
        case (224...239, _, _, _): return .multicast
        case (240...255, _, _, _), (192, 0, 0, _), (192, 0, 2, _), (198, 18...19, _, _), (198, 51, 100, _),
            (203, 0, 113, _):
            return .reserved
        default: return .global
        }
    }

    private static func classifyV6(_ b: [UInt8]) -> OutboundAddressClass {
        let firstTen = b[0..<10].allSatisfy { $0 == 0 }
        if firstTen && b[10] == 0 && b[11] == 0 {
            // ::, ::1, then the deprecated IPv4-compatible form ::a.b.c.d.
            if b[12..<15].allSatisfy({ $0 == 0 }) && b[15] <= 1 { return b[15] == 0 ? .unspecified : .loopback }
            return classifyV4(Array(b[12..<16]))
        }
        if firstTen && b[10] == 0xFF && b[11] == 0xFF { return classifyV4(Array(b[12..<16])) }  // ::ffff:a.b.c.d
        if b[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return classifyV4(Array(b[12..<16])) }
        // NAT64 local-use 64:ff9b:1::/48 (RFC 8215), read as a /96 translator prefix like 64:ff9b::/96.
        if b[0..<6] == [0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01] { return classifyV4(Array(b[12..<16])) }
        if b[0] == 0x20 && b[1] == 0x02 { return classifyV4(Array(b[2..<6])) }  // 6to4 2002:a.b.c.d::/48
        if b == [0xFD, 0x00, 0x0E, 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54] { return .metadata }
        if b[0] & 0xFE == 0xFC { return .private }  // fc00::/7
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return .linkLocal }  // fe80::/10
        if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return .private }  // fec0::/10, deprecated site-local
        if b[0] == 0xFF { return .multicast }
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return .reserved }  // 2001:db8::/32
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0 { return .reserved }  // Teredo 2001::/32
        if b[0] == 0x01 && b[1..<8].allSatisfy({ $0 == 0 }) { return .reserved }  // discard 100::/64
        return .global
    }
}

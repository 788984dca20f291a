#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A numeric IPv4 (4 bytes) or IPv6 (16 bytes) address, in network byte order.
package struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address bytes: 4 for IPv4, 16 for IPv6.
    package let bytes: [UInt8]

    /// An address from its bytes.
    /// - Parameter bytes: exactly 4 (IPv4) or 16 (IPv6) bytes.
    package init(bytes: [UInt8]) {
        precondition(bytes.count == 4 || bytes.count == 16, "an IP address has 4 or 16 bytes")
        self.bytes = bytes
    }

    /// Parses the strict textual forms only: dotted-quad IPv4 (`192.0.2.1`) or IPv6 (`2001:db8::1`, without
    /// brackets or zone). Shorthand IPv4 forms (`127.1`, `0x7f.0.0.1`, `2130706433`) are not parsed here.
    /// - SeeAlso: https://man7.org/linux/man-pages/man3/inet_pton.3.html
    package init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    /// Whether this is an IPv4 address.
    package var isIPv4: Bool { bytes.count == 4 }

    /// The IPv4 address embedded in the last four bytes of an IPv6 address.
    var lastFourBytes: IPAddress { IPAddress(bytes: Array(bytes.suffix(4))) }

    /// The canonical text (`192.0.2.1`, `2001:db8::1`).
    package var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var copy = bytes
        let family = isIPv4 ? AF_INET : AF_INET6
        let written = copy.withUnsafeMutableBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The address as libcurl's CURLOPT_RESOLVE wants it: IPv6 within brackets (supported since 7.57.0).
    package var resolveText: String { isIPv4 ? description : "[\(description)]" }
}

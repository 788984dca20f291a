import Testing

@testable import Workers

struct OutboundAddressClassTests {
    @Test(
        arguments: [
            ("8.8.8.8", OutboundAddressClass.global),
            ("1.1.1.1", .global),
            ("172.32.0.1", .global),
            ("100.128.0.1", .global),
            ("127.0.0.1", .loopback),
            ("127.255.255.254", .loopback),
            ("10.0.0.1", .private),
            ("172.16.0.1", .private),
            ("172.31.255.255", .private),
            ("192.168.1.1", .private),
            ("169.254.1.1", .linkLocal),
            ("169.254.169.254", .metadata),
            ("168.63.129.16", .metadata),
            ("100.64.0.1", .sharedAddressSpace),
            ("100.127.255.255", .sharedAddressSpace),
            ("100.100.100.200", .metadata),  // Alibaba Cloud, inside CGNAT
            ("100.100.100.201", .sharedAddressSpace),
            ("0.0.0.0", .unspecified),
            ("0.1.2.3", .unspecified),
            ("224.0.0.1", .multicast),
            ("239.255.255.255", .multicast),
            ("255.255.255.255", .broadcast),
            ("240.0.0.1", .reserved),
            ("192.0.2.7", .reserved),
            ("198.18.0.1", .reserved),
            ("203.0.113.9", .reserved),
        ]
    )
    func classify_whenIPv4_returnsItsClass(address: String, expected: OutboundAddressClass) throws {
        let parsed = try #require(IPAddress(address))
        #expect(OutboundAddressClass.classify(parsed) == expected)
    }

    @Test(
        arguments: [
            ("2606:4700:4700::1111", OutboundAddressClass.global),
            ("::1", .loopback),
            ("::", .unspecified),
            ("fc00::1", .private),
            ("fd12:3456::1", .private),
            ("fec0::1", .private),
            ("fe80::1", .linkLocal),
            ("febf::1", .linkLocal),
            ("fd00:ec2::254", .metadata),
            ("ff02::1", .multicast),
            ("2001:db8::1", .reserved),
            ("2001:0:4136:e378::1", .reserved),
            ("100::1", .reserved),
            ("::ffff:127.0.0.1", .loopback),
            ("::ffff:10.1.2.3", .private),
            ("::ffff:169.254.169.254", .metadata),
            ("::ffff:8.8.8.8", .global),
            ("::127.0.0.1", .loopback),
            ("64:ff9b::a9fe:a9fe", .metadata),
            ("64:ff9b::808:808", .global),
            ("64:ff9b:1::a9fe:a9fe", .metadata),
            ("64:ff9b:1::7f00:1", .loopback),
            ("64:ff9b:1::a00:1", .private),
            ("64:ff9b:1:ffff::6464:64c8", .metadata),
            ("64:ff9b:1::808:808", .global),
            ("64:ff9b:2::7f00:1", .global),
            ("2002:7f00:1::1", .loopback),
            ("2002:808:808::1", .global),
        ]
    )
    func classify_whenIPv6_returnsItsClassOrTheEmbeddedIPv4Class(
        address: String,
        expected: OutboundAddressClass
    ) throws {
        let parsed = try #require(IPAddress(address))
        #expect(OutboundAddressClass.classify(parsed) == expected)
    }

    @Test
    func ipAddress_whenShorthandOrGarbage_doesNotParse() {
        #expect(IPAddress("127.1") == nil)
        #expect(IPAddress("2130706433") == nil)
        #expect(IPAddress("0x7f.0.0.1") == nil)
        #expect(IPAddress("example.com") == nil)
        #expect(IPAddress("[::1]") == nil)
    }

    @Test
    func ipAddress_description_isCanonical() throws {
        #expect(try #require(IPAddress("192.0.2.1")).description == "192.0.2.1")
        #expect(try #require(IPAddress("2001:0db8:0:0::1")).description == "2001:db8::1")
        #expect(try #require(IPAddress("::1")).resolveText == "[::1]")
    }
}

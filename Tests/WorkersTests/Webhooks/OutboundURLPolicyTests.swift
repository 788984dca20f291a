import Foundation
import Testing

@testable import Workers

/// A resolver answering from a table; unknown names do not resolve.
struct TableResolver: HostResolver {
    var table: [String: [String]]

    func resolve(_ host: String) async throws -> [IPAddress] {
        guard let addresses = table[host] else {
            throw OutboundURLRefusal(.unresolvableHost, message: "the URL's host does not resolve")
        }
        return addresses.compactMap(IPAddress.init)
    }
}

struct OutboundURLPolicyTests {
    private let resolver = TableResolver(table: [
        "hooks.example.com": ["93.184.215.14"],
        "internal.example.com": ["10.0.0.5"],
        "mixed.example.com": ["93.184.215.14", "127.0.0.1"],
        "localhost": ["127.0.0.1", "::1"],
        "metadata.google.internal": ["169.254.169.254"],
        "v6.example.com": ["2606:4700:4700::1111"],
    ])

    @Test(.timeLimit(.minutes(1)))
    func check_whenPublicName_returnsAddressesAndResolveEntry() async throws {
        let policy = OutboundURLPolicy(resolver: resolver)
        let checked = try await policy.check("https://Hooks.Example.com/sluice?x=1")
        #expect(checked.host == "hooks.example.com")
        #expect(checked.port == 443)
        #expect(checked.addresses == [IPAddress("93.184.215.14")!])
        #expect(checked.resolveEntries == ["+hooks.example.com:443:93.184.215.14"])
    }

    @Test(.timeLimit(.minutes(1)))
    func check_whenHostHasTrailingDot_checksTheNameWithoutItAndPinsBothForms() async throws {
        let checked = try await OutboundURLPolicy(resolver: resolver).check("https://hooks.example.com./sluice")
        #expect(checked.url == "https://hooks.example.com./sluice")
        #expect(checked.host == "hooks.example.com")
        #expect(
            checked.resolveEntries == ["+hooks.example.com:443:93.184.215.14", "+hooks.example.com.:443:93.184.215.14"]
        )
    }

    @Test(.timeLimit(.minutes(1)))
    func check_whenHostHasTrailingDotOrNot_theLinkedLibcurlConnectsThroughThePin() async throws {
        try await CurlTransportTestServer.with { baseURL, _ in
            let port = try #require(URLComponents(string: baseURL)?.port)
            // `.invalid` never resolves (RFC 6761): only a pin that matches the name libcurl looks up gets through.
            let policy = OutboundURLPolicy(
                allowing: [.loopback],
                resolver: TableResolver(table: ["sluice-pinned.invalid": ["127.0.0.1"]])
            )
            let transport = try CurlTransport()
            defer { transport.shutdown() }
            for url in ["http://sluice-pinned.invalid.:\(port)/hello", "http://sluice-pinned.invalid:\(port)/hello"] {
                let checked = try await policy.check(url)
                let response = try await transport.send(
                    HTTPRequest(method: "GET", url: checked.url, resolve: checked.resolveEntries)
                )
                #expect(response.status == 200, "\(url)")
            }
        }
    }

    @Test
    func parse_whenHostHasOneTrailingDot_stripsIt() throws {
        #expect(try OutboundURLPolicy.parse("https://Hooks.Example.com.:8443/x").host == "hooks.example.com")
        let dotted = try OutboundURLPolicy.parse("https://hooks.example.com.:8443/x")
        #expect(dotted.port == 8443)
        #expect(dotted.hasTrailingDot)
        #expect(try !OutboundURLPolicy.parse("https://hooks.example.com/x").hasTrailingDot)
        let literal = try OutboundURLPolicy.parse("http://127.0.0.1./")
        #expect(literal.host == "127.0.0.1")
        #expect(literal.literalAddress == IPAddress("127.0.0.1"))
    }

    @Test(.timeLimit(.minutes(1)))
    func check_whenIPv6Name_bracketsTheResolveAddress() async throws {
        let checked = try await OutboundURLPolicy(resolver: resolver).check("http://v6.example.com:8080/")
        #expect(checked.resolveEntries == ["+v6.example.com:8080:[2606:4700:4700::1111]"])
    }

    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            ("http://localhost:9000/hook", OutboundAddressClass.loopback),
            ("http://127.0.0.1/hook", .loopback),
            ("http://[::1]:8080/hook", .loopback),
            ("http://[::ffff:127.0.0.1]/hook", .loopback),
            ("http://internal.example.com/", .private),
            ("http://192.168.0.10/", .private),
            ("http://mixed.example.com/", .loopback),
            ("http://169.254.169.254/latest/meta-data/", .metadata),
            ("http://metadata.google.internal/", .metadata),
            ("http://[fd00:ec2::254]/", .metadata),
            ("http://100.64.1.1/", .sharedAddressSpace),
            ("http://0.0.0.0:8080/", .unspecified),
            ("http://[fe80::1]/", .linkLocal),
        ]
    )
    func check_whenForbiddenAddress_refusesNamingTheClass(url: String, expected: OutboundAddressClass) async {
        let policy = OutboundURLPolicy(resolver: resolver)
        await #expect {
            _ = try await policy.check(url)
        } throws: { error in
            let refusal = error as? OutboundURLRefusal
            return refusal?.code == .forbiddenAddress && refusal?.addressClass == expected
                && refusal?.message.contains(expected.rawValue) == true
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func check_whenLoopbackAllowed_acceptsLoopbackButNotMetadataOrPrivate() async throws {
        let policy = OutboundURLPolicy(allowing: [.loopback], resolver: resolver)
        let checked = try await policy.check("http://localhost:9000/hook")
        #expect(checked.resolveEntries == ["+localhost:9000:127.0.0.1,[::1]"])
        _ = try await policy.check("http://127.0.0.1:9000/hook")
        await #expect(throws: OutboundURLRefusal.self) { try await policy.check("http://169.254.169.254/") }
        await #expect(throws: OutboundURLRefusal.self) { try await policy.check("http://10.0.0.1/") }
    }

    @Test
    func init_whenMetadataOrUnspecifiedListed_neverAllowsThem() {
        let policy = OutboundURLPolicy(allowing: [.metadata, .unspecified, .linkLocal], resolver: resolver)
        #expect(policy.allowed == [.linkLocal])
        #expect(policy.refusedClass(of: IPAddress("169.254.169.254")!) == .metadata)
        #expect(policy.refusedClass(of: IPAddress("169.254.1.1")!) == nil)
    }

    @Test
    func refusedClass_whenCGNATAllowed_stillRefusesAlibabaMetadata() {
        let policy = OutboundURLPolicy(allowing: [.sharedAddressSpace], resolver: resolver)
        #expect(policy.refusedClass(of: IPAddress("100.100.100.200")!) == .metadata)
        #expect(policy.refusedClass(of: IPAddress("64:ff9b:1::6464:64c8")!) == .metadata)
        #expect(policy.refusedClass(of: IPAddress("100.64.0.1")!) == nil)
    }

    @Test(
        arguments: [
            ("ftp://example.com/", OutboundURLRefusal.Code.unsupportedScheme),
            ("file:///etc/passwd", .unsupportedScheme),
            ("gopher://example.com/", .unsupportedScheme),
            ("http://user:pass@example.com/", .credentialsInURL),
            ("http://user@example.com/", .credentialsInURL),
            ("/relative/path", .unsupportedScheme),
            ("http:///nohost", .invalidURL),
            ("http://127.1/", .invalidURL),
            ("http://2130706433/", .invalidURL),
            ("http://0x7f.0.0.1/", .invalidURL),
            ("http://127.0.0.%31/", .invalidURL),
            ("http://exa mple.com/", .invalidURL),
            ("http://bücher.example/", .invalidURL),
            ("http://example.com:0/", .invalidURL),
            ("http://example.com../", .invalidURL),
            ("http://./", .invalidURL),
            ("http://.example.com/", .invalidURL),
        ]
    )
    func parse_whenMalformedOrUnsafe_refuses(url: String, expected: OutboundURLRefusal.Code) {
        #expect {
            _ = try OutboundURLPolicy.parse(url)
        } throws: { error in
            (error as? OutboundURLRefusal)?.code == expected
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func check_whenNameDoesNotResolve_refusesUnresolvable() async {
        await #expect {
            _ = try await OutboundURLPolicy(resolver: resolver).check("https://nowhere.example.org/")
        } throws: { error in
            (error as? OutboundURLRefusal)?.code == .unresolvableHost
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func systemResolver_whenLocalhost_resolvesToLoopback() async throws {
        let addresses = try await SystemHostResolver().resolve("localhost")
        #expect(!addresses.isEmpty)
        #expect(addresses.allSatisfy { OutboundAddressClass.classify($0) == .loopback })
    }
}

struct LookupAnswerTests {
    @Test(.timeLimit(.minutes(1)))
    func resume_firstAnswerWins_laterOnesAreDropped() async throws {
        let answer = LookupAnswer()
        let addresses = try await withCheckedThrowingContinuation { continuation in
            #expect(answer.wait(continuation))
            answer.resume(with: .success([IPAddress("192.0.2.1")!]))
            answer.resume(with: .failure(CancellationError()))  // the timeout, too late
        }
        #expect(addresses == [IPAddress("192.0.2.1")!])
    }

    @Test(.timeLimit(.minutes(1)))
    func wait_whenCancelledBeforeWaiting_resumesAtOnceWithTheCancellation() async {
        let answer = LookupAnswer()
        answer.resume(with: .failure(CancellationError()))
        await #expect(throws: CancellationError.self) {
            _ = try await withCheckedThrowingContinuation { continuation in
                #expect(!answer.wait(continuation))
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func systemResolver_whenTheTimeoutPassesFirst_refusesAsUnresolvable() async {
        // A lookup that hangs until the test ends, as getaddrinfo does against a silent DNS server.
        let release = DispatchSemaphore(value: 0)
        defer { release.signal() }
        let resolver = SystemHostResolver(timeout: .milliseconds(20)) { _ in
            release.wait()
            return [IPAddress("127.0.0.1")!]
        }
        await #expect {
            _ = try await resolver.resolve("hangs.example")
        } throws: { error in
            (error as? OutboundURLRefusal)?.code == .unresolvableHost
        }
    }
}

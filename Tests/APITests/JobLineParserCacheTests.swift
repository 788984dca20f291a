import Foundation
import Testing

@testable import API
@testable import Jobs

@Suite struct JobLineParserCacheTests {
    let parser = BatchRequestParser(
        lineParser: JobLineParser(router: ModelRouter(providers: testProviders), defaultMaxAttempts: 5),
        maxRequests: 50_000
    )

    func parse(_ cache: String?) throws -> NewJob {
        let member = cache.map { #","cache":\#($0)"# } ?? ""
        let line = #"{"url":"/v1/embeddings","body":{"model":"mock-embed","input":"x"}\#(member)}"#
        let bytes = Array(line.utf8)
        let parsed = try bytes.withUnsafeBufferPointer { try parser.parseJSONL($0) }
        return try #require(parsed.jobs.first)
    }

    @Test func parse_cache_readsTheControl_andDefaultsToAuto() throws {
        #expect(try parse(nil).cache == .auto)
        #expect(try parse("null").cache == .auto)
        #expect(try parse(#""use""#).cache == .use)
        #expect(try parse(#""bypass""#).cache == .bypass)
        #expect(try parse(#""refresh""#).cache == .refresh)
    }

    @Test(arguments: [#""auto""#, #""USE""#, #""""#, "true", "1", #"{"mode":"use"}"#])
    func parse_cache_rejectsAnythingElse_namingTheField(_ value: String) {
        do {
            _ = try parse(value)
            Issue.record("accepted \(value)")
        } catch let error as APIError {
            #expect(error.param == "line 1")
            #expect(error.message.contains("`cache`"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

import Foundation
import Testing

@testable import Jobs
@testable import Workers

@Suite struct CacheUseTests {
    func use(_ mode: CacheMode, _ body: String, endpoint: String = "/v1/chat/completions") throws -> CacheUse {
        CacheUse.decide(mode: mode, endpoint: endpoint, body: try CanonicalJSON(parsing: Array(body.utf8)))
    }

    @Test func decide_byDefault_cachesEmbeddingsAndTemperatureZeroChatOnly() throws {
        #expect(try use(.auto, #"{"input":"x"}"#, endpoint: "/v1/embeddings") == .lookupAndStore)
        #expect(try use(.auto, #"{"temperature":0}"#) == .lookupAndStore)
        #expect(try use(.auto, #"{"temperature":0.0}"#) == .lookupAndStore)
        #expect(try use(.auto, #"{"temperature":0.2}"#) == .off)
        #expect(try use(.auto, #"{"messages":[]}"#) == .off)  // absent means 1: sampled
        #expect(try use(.auto, #"{"temperature":null}"#) == .off)
    }

    @Test func decide_followsTheJobsControl() throws {
        #expect(try use(.use, #"{"temperature":1}"#) == .lookupAndStore)
        #expect(try use(.bypass, #"{"temperature":0}"#) == .off)
        #expect(try use(.bypass, #"{"input":"x"}"#, endpoint: "/v1/embeddings") == .off)
        #expect(try use(.refresh, #"{"temperature":1}"#) == .storeOnly)
    }
}

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

    @Test func mayApply_isTrueWheneverDecideCouldCache_andFalseForChatWithoutATemperature() throws {
        let cases: [(CacheMode, String, String)] = [
            (.auto, #"{"input":"x"}"#, "/v1/embeddings"),
            (.auto, #"{"temperature":0,"messages":[]}"#, "/v1/chat/completions"),
            (.auto, #"{"messages":[{"role":"user","content":"hi"}],"temperature":0.0}"#, "/v1/chat/completions"),
            (.auto, #"{"temperature":0.7}"#, "/v1/chat/completions"),
            (.auto, #"{"messages":[]}"#, "/v1/chat/completions"),
            (.auto, #"{"prompt":"x"}"#, "/v1/completions"),
            (.use, #"{"messages":[]}"#, "/v1/chat/completions"),
            (.refresh, #"{"messages":[]}"#, "/v1/chat/completions"),
            (.bypass, #"{"temperature":0}"#, "/v1/chat/completions"),
        ]
        for (mode, body, endpoint) in cases where try use(mode, body, endpoint: endpoint) != .off {
            #expect(CacheUse.mayApply(mode: mode, endpoint: endpoint, rawBody: Data(body.utf8)), "\(mode) \(body)")
        }
        #expect(
            !CacheUse.mayApply(mode: .auto, endpoint: "/v1/chat/completions", rawBody: Data(#"{"messages":[]}"#.utf8))
        )
        #expect(!CacheUse.mayApply(mode: .auto, endpoint: "/v1/completions", rawBody: Data(#"{"prompt":"x"}"#.utf8)))
        #expect(!CacheUse.mayApply(mode: .bypass, endpoint: "/v1/embeddings", rawBody: Data(#"{"input":"x"}"#.utf8)))
    }
}

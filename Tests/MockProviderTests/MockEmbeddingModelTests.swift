import Foundation
import Testing

@testable import MockProvider

@Suite struct MockEmbeddingModelTests {
    private func request(_ json: String) throws -> EmbeddingRequest {
        try JSONDecoder().decode(EmbeddingRequest.self, from: Data(json.utf8))
    }

    private func norm(_ vector: [Float]) -> Double {
        vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
    }

    @Test(arguments: [1, 2, 8, 256, 3072])
    func vector_isUnitLength(dimensions: Int) {
        let vector = MockEmbeddingModel.vector(seed: 42, dimensions: dimensions)
        #expect(vector.count == dimensions)
        #expect(abs(norm(vector) - 1) < 1e-5)
    }

    @Test func embed_sameInputSameVector_acrossCalls() throws {
        let first = try MockEmbeddingModel.embed(request(#"{"model":"e","input":"hello"}"#), defaultDimensions: 8)
        let second = try MockEmbeddingModel.embed(request(#"{"model":"e","input":["hello"]}"#), defaultDimensions: 8)
        #expect(first.vectors == second.vectors)
    }

    @Test func embed_tokenInputs_countTokensAsGiven() throws {
        let single = try MockEmbeddingModel.embed(request(#"{"model":"e","input":[1,2,3]}"#), defaultDimensions: 8)
        #expect(single.vectors.count == 1)
        #expect(single.promptTokens == 3)
        let batch = try MockEmbeddingModel.embed(request(#"{"model":"e","input":[[1,2],[3]]}"#), defaultDimensions: 4)
        #expect(batch.vectors.count == 2)
        #expect(batch.vectors.allSatisfy { $0.count == 4 })
        #expect(batch.promptTokens == 3)
    }

    @Test(arguments: [
        (#"{"model":"e"}"#, "input"),
        (#"{"input":"x"}"#, "model"),
        (#"{"model":"e","input":[]}"#, "input"),
        (#"{"model":"e","input":""}"#, "input"),
        (#"{"model":"e","input":"x","dimensions":0}"#, "dimensions"),
        (#"{"model":"e","input":"x","encoding_format":"int8"}"#, "encoding_format"),
    ])
    func embed_invalidRequest_throws400NamingParameter(json: String, param: String) throws {
        let error = try #require(throws: OpenAIErrorReply.self) {
            try MockEmbeddingModel.embed(request(json), defaultDimensions: 8)
        }
        #expect(error.statusCode == 400)
        #expect(error.param == param)
    }
}

/// The part of an OpenAI embeddings request the mock reads (wire-formats.md §2.2).
struct EmbeddingRequest: Decodable, Sendable {
    /// `input` in any of its four shapes: a string, strings, one token array, or token arrays.
    enum Input: Decodable, Sendable {
        case text(String)
        case texts([String])
        case tokens([Int])
        case tokenBatches([[Int]])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if let texts = try? container.decode([String].self) {
                self = .texts(texts)
            } else if let tokens = try? container.decode([Int].self) {
                self = .tokens(tokens)
            } else if let batches = try? container.decode([[Int]].self) {
                self = .tokenBatches(batches)
            } else {
                throw DecodingError.typeMismatch(
                    Input.self,
                    .init(codingPath: decoder.codingPath, debugDescription: "input must be strings or token arrays")
                )
            }
        }
    }

    var model: String?
    var input: Input?
    var dimensions: Int?
    var encodingFormat: String?

    private enum CodingKeys: String, CodingKey {
        case model, input, dimensions
        case encodingFormat = "encoding_format"
    }
}

import Foundation

/// An OpenAI embeddings `list` object (wire-formats.md §2.2).
struct EmbeddingResponse: Encodable, Sendable {
    /// One vector, sent as a float array or, for `encoding_format: base64`, as base64 of little-endian float32.
    struct Item: Sendable {
        var index: Int
        var vector: [Float]
        var base64: Bool
    }

    var model: String
    var data: [Item]
    var promptTokens: Int

    private enum CodingKeys: String, CodingKey { case object, data, model, usage }
    private enum UsageKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case totalTokens = "total_tokens"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("list", forKey: .object)
        try container.encode(data, forKey: .data)
        try container.encode(model, forKey: .model)
        var usage = container.nestedContainer(keyedBy: UsageKeys.self, forKey: .usage)
        try usage.encode(promptTokens, forKey: .promptTokens)
        try usage.encode(promptTokens, forKey: .totalTokens)
    }
}

extension EmbeddingResponse.Item: Encodable {
    private enum CodingKeys: String, CodingKey { case object, index, embedding }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("embedding", forKey: .object)
        try container.encode(index, forKey: .index)
        if base64 {
            var bytes = [UInt8]()
            bytes.reserveCapacity(vector.count * 4)
            for value in vector {
                let bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
            }
            try container.encode(Data(bytes).base64EncodedString(), forKey: .embedding)
        } else {
            try container.encode(vector, forKey: .embedding)
        }
    }
}

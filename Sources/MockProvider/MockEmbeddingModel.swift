/// The mock's embedding "model": deterministic unit-length vectors, a pure function of the model name, the
/// input and the dimension. Tested directly, without I/O.
enum MockEmbeddingModel {
    /// Largest `dimensions` accepted (text-embedding-3-large has 3072).
    static let maxDimensions = 4096
    /// Largest number of inputs in one request (OpenAI's documented limit).
    static let maxInputs = 2048

    struct Embeddings: Sendable, Equatable {
        var model: String
        var vectors: [[Float]]
        var promptTokens: Int
        var base64: Bool
    }

    /// Validates `request` and embeds every input.
    ///
    /// - Parameters:
    ///   - request: The decoded request body.
    ///   - defaultDimensions: The dimension when the request names none.
    ///   - models: Model names served, or `nil` for every name.
    /// - Throws: `OpenAIErrorReply` for a request OpenAI would reject.
    static func embed(
        _ request: EmbeddingRequest,
        defaultDimensions: Int,
        models: Set<String>? = nil
    ) throws
        -> Embeddings
    {
        let model = try MockChatModel.validatedModel(request.model, models: models)
        guard let input = request.input else { throw OpenAIErrorReply.missing("input") }
        let dimensions = request.dimensions ?? defaultDimensions
        guard (1...maxDimensions).contains(dimensions) else {
            throw OpenAIErrorReply.invalidRequest(
                "Invalid 'dimensions': must be between 1 and \(maxDimensions).",
                param: "dimensions",
                code: "invalid_value"
            )
        }
        let base64: Bool
        switch request.encodingFormat {
        case nil, "float": base64 = false
        case "base64": base64 = true
        default:
            throw OpenAIErrorReply.invalidRequest(
                "Invalid 'encoding_format': expected 'float' or 'base64'.",
                param: "encoding_format",
                code: "invalid_value"
            )
        }

        var hashes: [UInt64] = []
        var promptTokens = 0
        switch input {
        case .text(let text):
            hashes = [StableHash.of(text)]
            promptTokens = TokenEstimate.tokens(in: text)
        case .texts(let texts):
            hashes = texts.map(StableHash.of)
            promptTokens = texts.reduce(0) { $0 + TokenEstimate.tokens(in: $1) }
        case .tokens(let tokens):
            hashes = [hash(tokens: tokens)]
            promptTokens = tokens.count
        case .tokenBatches(let batches):
            hashes = batches.map(hash(tokens:))
            promptTokens = batches.reduce(0) { $0 + $1.count }
        }
        guard !hashes.isEmpty, hashes.count <= maxInputs else {
            throw OpenAIErrorReply.invalidRequest(
                "Invalid 'input': expected between 1 and \(maxInputs) inputs.",
                param: "input",
                code: "invalid_value"
            )
        }
        guard promptTokens > 0 else {
            throw OpenAIErrorReply.invalidRequest(
                "Invalid 'input': must not be empty.",
                param: "input",
                code: "invalid_value"
            )
        }
        let modelHash = StableHash.of(model)
        let vectors = hashes.map { vector(seed: $0 ^ modelHash, dimensions: dimensions) }
        return Embeddings(model: model, vectors: vectors, promptTokens: promptTokens, base64: base64)
    }

    /// A unit-length vector whose components are drawn from SplitMix64 seeded with `seed`.
    static func vector(seed: UInt64, dimensions: Int) -> [Float] {
        var generator = SplitMix64(seed: seed)
        var components = [Double](repeating: 0, count: dimensions)
        var squares = 0.0
        for index in 0..<dimensions {
            let value = generator.nextUnit() * 2 - 1
            components[index] = value
            squares += value * value
        }
        guard squares > 0 else {
            var unit = [Float](repeating: 0, count: dimensions)
            unit[0] = 1
            return unit
        }
        let norm = squares.squareRoot()
        return components.map { Float($0 / norm) }
    }

    private static func hash(tokens: [Int]) -> UInt64 {
        var hash = StableHash()
        for token in tokens { hash.combine(UInt64(bitPattern: Int64(token))) }
        return hash.value
    }
}

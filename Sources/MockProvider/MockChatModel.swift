/// The mock's chat "model": a pure function from a request to a deterministic answer and realistic usage.
/// Same request, same answer; no I/O, so it is tested directly.
///
/// The answer reads `Mock answer <8 hex> to: <first 60 characters of the last user message>`, where the hex is
/// a stable hash of the model, every message and the choice index — so two requests that differ anywhere get
/// different answers, and `n > 1` gets `n` different choices.
enum MockChatModel {
    /// How many characters of the last user message the answer quotes.
    static let quotedCharacters = 60
    /// Largest `n` accepted (OpenAI's own limit).
    static let maxChoices = 128

    struct Completion: Sendable, Equatable {
        var model: String
        var choices: [Choice]
        var usage: ChatCompletionResponse.Usage
        /// What the mock's tpm limit charges on arrival: the prompt plus `max_tokens × n` when the request sets a
        /// limit, else the prompt plus the answer.
        var reservedTokens: Int
    }

    struct Choice: Sendable, Equatable {
        var content: String
        var finishReason: String
    }

    /// Validates `request` and answers it.
    ///
    /// - Parameters:
    ///   - request: The decoded request body.
    ///   - models: Model names served, or `nil` for every name.
    /// - Throws: `OpenAIErrorReply` for a request OpenAI would reject.
    static func complete(_ request: ChatCompletionRequest, models: Set<String>? = nil) throws -> Completion {
        let model = try validatedModel(request.model, models: models)
        guard let messages = request.messages else { throw OpenAIErrorReply.missing("messages") }
        guard !messages.isEmpty else {
            throw OpenAIErrorReply.invalidRequest(
                "Invalid 'messages': empty array. Expected an array with minimum length 1.",
                param: "messages",
                code: "empty_array"
            )
        }
        let maxTokens = try validatedMaxTokens(request)
        let choiceCount = request.n ?? 1
        guard (1...maxChoices).contains(choiceCount) else {
            throw OpenAIErrorReply.invalidRequest(
                "Invalid 'n': must be between 1 and \(maxChoices).",
                param: "n",
                code: "invalid_value"
            )
        }

        var fingerprint = StableHash()
        fingerprint.combine(model)
        var lastUserText: String?
        for message in messages {
            let text = message.content?.text ?? ""
            fingerprint.combine(message.role)
            fingerprint.combine(text)
            if message.role == "user" { lastUserText = text }
        }

        var choices: [Choice] = []
        choices.reserveCapacity(choiceCount)
        var completionTokens = 0
        for index in 0..<choiceCount {
            var choiceHash = fingerprint
            choiceHash.combine(UInt64(index))
            let full = answer(hash: choiceHash.value, quoting: lastUserText)
            var choice = Choice(content: full, finishReason: "stop")
            if let maxTokens, TokenEstimate.tokens(in: full) > maxTokens {
                choice = Choice(
                    content: String(TokenEstimate.prefix(of: full, maxTokens: maxTokens)),
                    finishReason: "length"
                )
            }
            completionTokens += TokenEstimate.tokens(in: choice.content)
            choices.append(choice)
        }
        let prompt = promptTokens(messages)
        return Completion(
            model: model,
            choices: choices,
            usage: .init(promptTokens: prompt, completionTokens: completionTokens),
            reservedTokens: prompt + (maxTokens.map { $0 * choiceCount } ?? completionTokens)
        )
    }

    /// Prompt tokens as OpenAI counts them, roughly: every message's text plus a fixed overhead per message,
    /// plus the reply priming; image parts cost a flat amount.
    static func promptTokens(_ messages: [ChatCompletionRequest.Message]) -> Int {
        var total = TokenEstimate.replyPriming
        for message in messages {
            total += TokenEstimate.perMessage
            switch message.content {
            case .text(let text):
                total += TokenEstimate.tokens(in: text)
            case .parts(let parts):
                for part in parts {
                    if let text = part.text {
                        total += TokenEstimate.tokens(in: text)
                    } else if part.type == "image_url" {
                        total += TokenEstimate.perImagePart
                    }
                }
            case nil:
                break
            }
        }
        return total
    }

    private static func answer(hash: UInt64, quoting text: String?) -> String {
        let tag = String(hash.paddedHex.prefix(8))
        guard let text, !text.isEmpty else { return "Mock answer \(tag)." }
        return "Mock answer \(tag) to: \(text.prefix(quotedCharacters))"
    }

    static func validatedModel(_ model: String?, models: Set<String>?) throws -> String {
        guard let model, !model.isEmpty else {
            throw OpenAIErrorReply.invalidRequest(
                "You must provide a model parameter.",
                param: "model",
                code: "missing_required_parameter"
            )
        }
        if let models, !models.contains(model) { throw OpenAIErrorReply.modelNotFound(model) }
        return model
    }

    private static func validatedMaxTokens(_ request: ChatCompletionRequest) throws -> Int? {
        let (value, name): (Int?, String) =
            request.maxCompletionTokens != nil
            ? (request.maxCompletionTokens, "max_completion_tokens") : (request.maxTokens, "max_tokens")
        guard let value else { return nil }
        guard value >= 1 else {
            throw OpenAIErrorReply.invalidRequest(
                "Invalid '\(name)': integer below minimum value. Expected a value >= 1.",
                param: name,
                code: "integer_below_min_value"
            )
        }
        return value
    }
}

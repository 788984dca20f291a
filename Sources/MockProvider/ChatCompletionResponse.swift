/// An OpenAI `chat.completion` object (wire-formats.md §2.1), encoded with OpenAI's explicit nulls.
struct ChatCompletionResponse: Encodable, Sendable {
    struct Choice: Sendable {
        var index: Int
        var content: String
        var finishReason: String
    }

    struct Usage: Encodable, Sendable, Equatable {
        var promptTokens: Int
        var completionTokens: Int
        var totalTokens: Int { promptTokens + completionTokens }

        private enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
            case promptTokensDetails = "prompt_tokens_details"
            case completionTokensDetails = "completion_tokens_details"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(promptTokens, forKey: .promptTokens)
            try container.encode(completionTokens, forKey: .completionTokens)
            try container.encode(totalTokens, forKey: .totalTokens)
            try container.encode(["cached_tokens": 0, "audio_tokens": 0], forKey: .promptTokensDetails)
            try container.encode(
                [
                    "reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0,
                    "rejected_prediction_tokens": 0,
                ],
                forKey: .completionTokensDetails
            )
        }
    }

    var id: String
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: Usage

    private enum CodingKeys: String, CodingKey {
        case id, object, created, model, choices, usage
        case serviceTier = "service_tier"
        case systemFingerprint = "system_fingerprint"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode("chat.completion", forKey: .object)
        try container.encode(created, forKey: .created)
        try container.encode(model, forKey: .model)
        try container.encode(choices, forKey: .choices)
        try container.encode(usage, forKey: .usage)
        try container.encode("default", forKey: .serviceTier)
        try container.encode("fp_mock", forKey: .systemFingerprint)
    }
}

extension ChatCompletionResponse.Choice: Encodable {
    private enum CodingKeys: String, CodingKey {
        case index, message, logprobs
        case finishReason = "finish_reason"
    }

    private enum MessageKeys: String, CodingKey {
        case role, content, refusal, annotations
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        var message = container.nestedContainer(keyedBy: MessageKeys.self, forKey: .message)
        try message.encode("assistant", forKey: .role)
        try message.encode(content, forKey: .content)
        try message.encodeNil(forKey: .refusal)
        try message.encode([String](), forKey: .annotations)
        try container.encodeNil(forKey: .logprobs)
        try container.encode(finishReason, forKey: .finishReason)
    }
}

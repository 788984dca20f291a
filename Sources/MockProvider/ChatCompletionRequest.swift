/// The part of an OpenAI chat completion request the mock reads (wire-formats.md §2.1); other fields are ignored.
struct ChatCompletionRequest: Decodable, Sendable {
    /// One message; `content` is a string, an array of parts, or null (assistant turns with tool calls).
    struct Message: Decodable, Sendable {
        var role: String
        var content: Content?
    }

    /// Message content in either of OpenAI's two shapes.
    enum Content: Decodable, Sendable {
        case text(String)
        case parts([Part])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .parts(try container.decode([Part].self))
            }
        }

        /// The text of the content: the string itself, or the text parts joined by newlines.
        var text: String {
            switch self {
            case .text(let text): text
            case .parts(let parts): parts.compactMap(\.text).joined(separator: "\n")
            }
        }
    }

    /// One content part (`{"type":"text","text":…}`, `{"type":"image_url",…}`, …).
    struct Part: Decodable, Sendable {
        var type: String
        var text: String?
    }

    var model: String?
    var messages: [Message]?
    var maxTokens: Int?
    var maxCompletionTokens: Int?
    var n: Int?

    private enum CodingKeys: String, CodingKey {
        case model, messages, n
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
    }
}

/// The mock's tokenizer: about four UTF-8 bytes per token, like OpenAI's rule of thumb for English.
/// Deterministic and cheap; real tokenizers differ, and nothing here pretends otherwise.
enum TokenEstimate {
    /// Tokens OpenAI adds around every chat message (role and separators).
    static let perMessage = 4
    /// Tokens OpenAI adds to prime the assistant's reply.
    static let replyPriming = 3
    /// Tokens charged for one image part (OpenAI's low-detail figure).
    static let perImagePart = 85

    /// `ceil(utf8Bytes / 4)`, so the empty string costs 0 tokens.
    static func tokens(in text: String) -> Int {
        (text.utf8.count + 3) / 4
    }

    /// The longest prefix of `text`, cut at a character boundary, that costs at most `maxTokens` tokens.
    static func prefix(of text: String, maxTokens: Int) -> Substring {
        let budget = maxTokens * 4
        var used = 0
        var end = text.startIndex
        for character in text {
            used += character.utf8.count
            if used > budget { break }
            end = text.index(after: end)
        }
        return text[..<end]
    }
}

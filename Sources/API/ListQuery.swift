import Hummingbird
import HummingbirdCore

/// Reads the query parameters of the routes: list cursors and limits, filters, long-poll waits.
/// Bad values are a 400 naming the parameter, never a crash or a silent default.
struct ListQuery {
    /// Default page size of list routes (OpenAI's).
    static let defaultLimit = 20
    /// Accepted page sizes (OpenAI's).
    static let limitRange = 1...100

    let parameters: FlatDictionary<Substring, Substring>

    init(_ request: Request) {
        self.parameters = request.uri.queryParameters
    }

    func string(_ name: Substring) -> String? {
        guard let value = parameters[name], !value.isEmpty else { return nil }
        return String(value)
    }

    func limit() throws -> Int {
        guard let text = string("limit") else { return Self.defaultLimit }
        guard let limit = Int(text), Self.limitRange.contains(limit) else {
            throw APIError.invalidRequest(
                "`limit` must be an integer from \(Self.limitRange.lowerBound) to \(Self.limitRange.upperBound).",
                param: "limit"
            )
        }
        return limit
    }

    /// Parses an id parameter with `parse`; a malformed id is a 400 naming the parameter.
    func id<ID>(_ name: Substring, _ parse: (String) -> ID?) throws -> ID? {
        guard let text = string(name) else { return nil }
        guard let id = parse(text) else {
            throw APIError.invalidRequest("`\(name)` is not a valid id.", param: String(name))
        }
        return id
    }

    /// `?wait=SECONDS` (fractions allowed), capped at `maxSeconds`; nil when absent or zero.
    func wait(maxSeconds: Int) throws -> Duration? {
        guard let text = string("wait") else { return nil }
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
            throw APIError.invalidRequest("`wait` must be a number of seconds, 0 or more.", param: "wait")
        }
        let capped = min(seconds, Double(maxSeconds))
        return capped > 0 ? .milliseconds(Int64(capped * 1000)) : nil
    }
}

import HTTPTypes
import Hummingbird

/// The `Idempotency-Key` header of create routes: 1–255 printable ASCII characters.
enum IdempotencyKey {
    static let headerName = HTTPField.Name("idempotency-key")!

    static func from(_ request: Request) throws -> String? {
        guard let value = request.headers[headerName] else { return nil }
        guard (1...255).contains(value.utf8.count), value.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw APIError.invalidRequest(
                "`Idempotency-Key` must be 1 to 255 printable ASCII characters.",
                param: "Idempotency-Key"
            )
        }
        return value
    }
}

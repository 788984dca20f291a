import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Jobs
import NIOCore

/// The `Idempotency-Key` header of create routes: 1–255 printable ASCII characters.
///
/// A repeat with the same key and the same request gets the original object (with the original's status); the
/// same key with a different request is a 422 `idempotency_key_reused`. Requests are compared by a SHA-256
/// ``requestHash(_:body:)`` stored with the created row.
enum IdempotencyKey {
    static let headerName = HTTPField.Name("idempotency-key")!
    static let shouldRetryHeader = HTTPField.Name("x-should-retry")!

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

    /// SHA-256 over the request that matters: method, path with query, and the body bytes as sent.
    static func requestHash(_ request: Request, body: ByteBuffer) -> Data {
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(request.uri.description)\n".utf8))
        body.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        return Data(hasher.finalize())
    }

    /// Runs a store insert, turning `JobsError.Code.idempotencyKeyReused` into the 422.
    static func refusingReuse<T>(_ insert: () async throws -> T) async throws -> T {
        do {
            return try await insert()
        } catch let error as JobsError where error.code == .idempotencyKeyReused {
            throw APIError.idempotencyKeyReused
        }
    }
}

extension APIError {
    /// 422: the `Idempotency-Key` was already used with a different request. Never echoes either request. The
    /// SDK does not retry a 422; `x-should-retry: false` says so to any client.
    static var idempotencyKeyReused: APIError {
        APIError(
            .unprocessableContent,
            .invalidRequest,
            message: "This Idempotency-Key was already used with a different request. Use a new key for a new "
                + "request, or repeat the original request exactly.",
            param: "Idempotency-Key",
            code: "idempotency_key_reused",
            headers: [IdempotencyKey.shouldRetryHeader: "false"]
        )
    }

    /// 500 for a file the server could not write; the message names the step, never the content.
    static func fileStorage(_ message: String) -> APIError {
        APIError(.internalServerError, .server, message: "The file could not be stored: \(message).")
    }
}

import Hummingbird
import NIOCore

/// Collects request bodies under the configured limit: 413 from `Content-Length` before reading, and while
/// collecting when the length is not announced (chunked) or lies.
struct RequestBodyReader: Sendable {
    var maxBytes: Int

    func collect(_ request: Request) async throws -> ByteBuffer {
        if let announced = request.headers[.contentLength].flatMap({ Int($0) }), announced > maxBytes {
            throw APIError.bodyTooLarge(limit: maxBytes)
        }
        do {
            return try await request.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: maxBytes)
        }
    }

    /// Runs `body` over the buffer's bytes without copying them.
    static func withBytes<T>(_ buffer: ByteBuffer, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try buffer.withUnsafeReadableBytes { raw in try body(raw.assumingMemoryBound(to: UInt8.self)) }
    }
}

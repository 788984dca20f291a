import Crypto
import Foundation
import Hummingbird
import NIOCore

/// What a `multipart/form-data` upload held, once its file part is on disk (staged and fsynced).
struct FileUpload {
    /// The `purpose` field, as sent.
    var purpose: String?
    /// The file part's `filename` (nil when the part named none).
    var filename: String?
    /// Whether a `file` part came.
    var hasFile = false
    /// Bytes of the file part.
    var bytes: Int64 = 0
    /// Lines of the file part (a last line without a newline counts).
    var lines = 0
    /// SHA-256 of the file part.
    var sha256 = Data()
    /// The first line that is not a batch request line (checked unless `purpose` came first and is not `batch`).
    var lineFailure: FileLineChecker.LineFailure?
    /// `expires_after[anchor]` and `expires_after[seconds]`, as sent.
    var expiresAfterAnchor: String?
    var expiresAfterSeconds: String?

    /// Reads the request body through ``MultipartParser``, writing the `file` part to `stagedAt` while hashing it,
    /// counting and checking its lines; fsyncs the file before returning. Only about a megabyte of the file is in
    /// memory at any time.
    ///
    /// - Parameters:
    ///   - body: the request body stream.
    ///   - boundary: the multipart boundary of the request's content type.
    ///   - stagedAt: the path to create the content at (`JobStore.stageFileURL()`).
    ///   - maxBytes: largest body accepted; beyond it, 413.
    static func receive(
        _ body: RequestBody,
        boundary: String,
        stagedAt: URL,
        maxBytes: Int
    ) async throws -> FileUpload {
        let writer = try FileStagingWriter(url: stagedAt)
        var parser = MultipartParser(boundary: boundary)
        var receiver = Receiver()
        var received = 0
        do {
            for try await chunk in body {
                received += chunk.readableBytes
                guard received <= maxBytes else { throw APIError.bodyTooLarge(limit: maxBytes) }
                try chunk.withUnsafeReadableBytes { raw in
                    try parser.feed(raw.assumingMemoryBound(to: UInt8.self)) { event in try receiver.handle(event) }
                }
                if receiver.pending.count >= Receiver.flushBytes { try await writer.write(receiver.takePending()) }
            }
            try parser.finish()
        } catch let failure as MultipartParser.Failure {
            throw APIError.invalidRequest(
                "The request body is not valid multipart/form-data: \(failure.reason).",
                code: "invalid_multipart"
            )
        }
        if !receiver.pending.isEmpty { try await writer.write(receiver.takePending()) }
        try await writer.syncAndClose()
        return receiver.finish()
    }

    /// Turns parser events into the upload: small fields collected, the file part hashed, checked and queued for
    /// the disk in ``pending``.
    private struct Receiver {
        /// Bytes gathered before one write to the staged file.
        static let flushBytes = 1024 * 1024
        /// Longest value of a non-file field.
        static let maxFieldBytes = 4096
        /// Most parts in one upload.
        static let maxParts = 32

        enum Part {
            case field(name: String, value: [UInt8])
            case file
        }

        var upload = FileUpload()
        var part: Part?
        var parts = 0
        var hasher = SHA256()
        var checker = FileLineChecker(checksLines: true)
        var pending: [UInt8] = []

        mutating func takePending() -> [UInt8] {
            defer {
                pending = []
                pending.reserveCapacity(Self.flushBytes + 64 * 1024)
            }
            return pending
        }

        mutating func handle(_ event: MultipartParser.Event) throws {
            switch event {
            case .partStart(let headers):
                parts += 1
                guard parts <= Self.maxParts else {
                    throw APIError.invalidRequest("The upload has more than \(Self.maxParts) parts.")
                }
                let name = headers.name ?? ""
                if name == "file" {
                    guard !upload.hasFile else {
                        throw APIError.invalidRequest("The upload has more than one `file` part.", param: "file")
                    }
                    upload.hasFile = true
                    upload.filename = headers.filename
                    // The SDK sends `purpose` first: when it already says the file is not a batch input, skip checks.
                    checker.checksLines = upload.purpose.map { $0 == FilePurposeText.batch } ?? true
                    part = .file
                } else {
                    part = .field(name: name, value: [])
                }
            case .bodyBytes(let bytes):
                switch part {
                case .file:
                    hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes))
                    checker.consume(bytes)
                    upload.bytes += Int64(bytes.count)
                    pending.append(contentsOf: bytes)
                case .field(let name, var value):
                    guard value.count + bytes.count <= Self.maxFieldBytes else {
                        throw APIError.invalidRequest(
                            "The form field `\(APIError.printableID(name))` is longer than \(Self.maxFieldBytes) bytes.",
                            param: name
                        )
                    }
                    value.append(contentsOf: bytes)
                    part = .field(name: name, value: value)
                case nil:
                    break
                }
            case .partEnd:
                if case .field(let name, let value) = part {
                    let text = String(decoding: value, as: UTF8.self)
                    switch name {
                    case "purpose": upload.purpose = text
                    case "expires_after[anchor]": upload.expiresAfterAnchor = text
                    case "expires_after[seconds]": upload.expiresAfterSeconds = text
                    default: break  // unknown fields are ignored, as OpenAI does
                    }
                }
                part = nil
            }
        }

        mutating func finish() -> FileUpload {
            checker.finish()
            var upload = self.upload
            upload.lines = checker.lines
            upload.lineFailure = checker.failure
            upload.sha256 = Data(hasher.finalize())
            return upload
        }
    }
}

/// Purpose strings the upload compares against before the purpose is parsed.
private enum FilePurposeText {
    static let batch = "batch"
}

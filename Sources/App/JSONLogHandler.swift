import Foundation
package import Logging
import Synchronization

/// A swift-log `LogHandler` that writes one JSON object per line:
/// `{"timestamp":"2026-01-01T12:00:00.123Z","level":"info","label":"sluice","message":"…","metadata":{"request_id":"req_…"}}`.
///
/// Metadata is merged in swift-log's order (the handler's, the metadata provider's, then the call's) and nested
/// under `metadata` (omitted when empty); nested dictionaries and arrays stay JSON objects and arrays. The line
/// goes out in one write, so lines of concurrent loggers never interleave.
///
/// ```swift
/// LoggingSystem.bootstrap { label in JSONLogHandler(label: label, output: .standardError) }
/// ```
package struct JSONLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?
    package var logLevel: Logger.Level = .info
    private let label: String
    private let output: LogOutput

    /// - Parameters:
    ///   - label: the logger's label (`label` in every line).
    ///   - output: where lines go (stderr in the app, a buffer in tests).
    ///   - metadataProvider: contextual metadata (default: the one bootstrapped, if any).
    package init(
        label: String,
        output: LogOutput,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    ) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let own = event.metadata, !own.isEmpty {
            merged.merge(own) { _, new in new }
        }
        var line = "{\"timestamp\":\""
        line += Self.timestamp(Date())
        line += "\",\"level\":\""
        line += event.level.rawValue
        line += "\",\"label\":"
        Self.appendString(label, to: &line)
        line += ",\"message\":"
        Self.appendString(event.message.description, to: &line)
        if !merged.isEmpty {
            line += ",\"metadata\":"
            Self.appendDictionary(merged, to: &line)
        }
        line += "}\n"
        output.write(line)
    }

    // MARK: Encoding

    /// RFC 3339 in UTC with milliseconds: `2026-01-01T12:00:00.123Z`.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2) + "."
            + pad(Int32(milliseconds % 1000), 3) + "Z"
    }

    private static func appendValue(_ value: Logger.Metadata.Value, to line: inout String) {
        switch value {
        case .string(let string):
            appendString(string, to: &line)
        case .stringConvertible(let convertible):
            appendString(convertible.description, to: &line)
        case .dictionary(let dictionary):
            appendDictionary(dictionary, to: &line)
        case .array(let array):
            line += "["
            for (index, element) in array.enumerated() {
                if index > 0 { line += "," }
                appendValue(element, to: &line)
            }
            line += "]"
        }
    }

    private static func appendDictionary(_ dictionary: Logger.Metadata, to line: inout String) {
        line += "{"
        for (index, key) in dictionary.keys.sorted().enumerated() {
            if index > 0 { line += "," }
            appendString(key, to: &line)
            line += ":"
            appendValue(dictionary[key]!, to: &line)
        }
        line += "}"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259 §7).
    static func appendString(_ string: String, to line: inout String) {
        line += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16)
                line += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }
}

/// Where log lines go: a file descriptor (one `write` per line, under a lock) or, in tests, a buffer.
package final class LogOutput: Sendable {
    private enum Target {
        case descriptor(Int32)
        case buffer
    }

    private let target: Target
    private let captured = Mutex<[String]>([])

    private init(_ target: Target) {
        self.target = target
    }

    /// The process's stderr.
    package static let standardError = LogOutput(.descriptor(STDERR_FILENO))

    /// Keeps every line in memory (`lines`), for tests.
    package static func capturing() -> LogOutput { LogOutput(.buffer) }

    /// The lines written so far (capturing outputs only).
    package var lines: [String] { captured.withLock { $0 } }

    func write(_ line: String) {
        switch target {
        case .buffer:
            captured.withLock { $0.append(line) }
        case .descriptor(let descriptor):
            captured.withLock { _ in
                var line = line
                line.withUTF8 { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                        if written <= 0 {
                            if written < 0 && errno == EINTR { continue }
                            return
                        }
                        offset += written
                    }
                }
            }
        }
    }
}

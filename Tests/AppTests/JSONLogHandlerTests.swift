import Foundation
import Logging
import Testing

@testable import App

/// The JSON log lines: one object per line, with timestamp, level, label, message and metadata.
@Suite struct JSONLogHandlerTests {
    func logger(_ output: LogOutput, level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "sluice.test") { label in JSONLogHandler(label: label, output: output) }
        logger.logLevel = level
        return logger
    }

    func objects(_ output: LogOutput) throws -> [[String: Any]] {
        try output.lines.map { line in
            #expect(line.hasSuffix("\n"))
            #expect(line.dropLast().contains("\n") == false, "one line per entry")
            return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func log_writesOneJSONObjectPerLine_withTheFieldsAndMergedMetadata() throws {
        let output = LogOutput.capturing()
        var logger = logger(output)
        logger[metadataKey: "request_id"] = "req_123"
        logger[metadataKey: "provider"] = "openai"
        logger.info("job failed", metadata: ["provider": "anthropic", "attempt": "\(2)"])
        logger.debug("plain")

        let lines = try objects(output)
        #expect(lines.count == 2)
        let first = lines[0]
        #expect(first["level"] as? String == "info")
        #expect(first["label"] as? String == "sluice.test")
        #expect(first["message"] as? String == "job failed")
        let metadata = try #require(first["metadata"] as? [String: Any])
        #expect(metadata["request_id"] as? String == "req_123")
        #expect(metadata["provider"] as? String == "anthropic")  // the call's metadata wins
        #expect(metadata["attempt"] as? String == "2")
        let timestamp = try #require(first["timestamp"] as? String)
        #expect(timestamp.count == 24 && timestamp.hasSuffix("Z"))
        #expect(
            try Date(timestamp, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
                <= Date()
        )
        #expect(lines[1]["level"] as? String == "debug")
        #expect(lines[1]["metadata"] as? [String: Any] != nil)
    }

    @Test func log_belowTheLevel_writesNothing() {
        let output = LogOutput.capturing()
        let logger = logger(output, level: .notice)
        logger.info("hidden")
        logger.notice("shown")
        #expect(output.lines.count == 1)
    }

    @Test func log_escapesQuotesBackslashesNewlinesAndControlCharacters_andKeepsNestedValues() throws {
        let output = LogOutput.capturing()
        let logger = logger(output)
        let tricky = "a \"quoted\" \\ back\nslash\ttab\u{01}é🙂"
        logger.error(
            "\(tricky)",
            metadata: ["nested": ["k": "v", "list": ["1", "2"]], "text": "\(tricky)"]
        )
        let line = try #require(try objects(output).first)
        #expect(line["message"] as? String == tricky)
        let metadata = try #require(line["metadata"] as? [String: Any])
        #expect(metadata["text"] as? String == tricky)
        let nested = try #require(metadata["nested"] as? [String: Any])
        #expect(nested["k"] as? String == "v")
        #expect(nested["list"] as? [String] == ["1", "2"])
    }

    @Test func timestamp_isRFC3339InUTCWithMilliseconds() {
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 1_767_225_600.5)) == "2026-01-01T00:00:00.500Z")
    }

    @Test func resolve_flagWinsOverEnvironment_whichWinsOverTheTerminalCheck() throws {
        let json = ["SLUICE_LOG_FORMAT": "json"]
        #expect(try LogFormat.resolve(flag: "text", environment: json, stderrIsTerminal: false) == .text)
        #expect(try LogFormat.resolve(flag: nil, environment: json, stderrIsTerminal: true) == .json)
        #expect(try LogFormat.resolve(flag: nil, environment: ["SLUICE_LOG_FORMAT": "TEXT"]) == .text)
        #expect(try LogFormat.resolve(flag: nil, environment: [:], stderrIsTerminal: true) == .text)
        #expect(try LogFormat.resolve(flag: nil, environment: [:], stderrIsTerminal: false) == .json)
        #expect(throws: ConfigurationError.self) { try LogFormat.resolve(flag: "xml", environment: [:]) }
        #expect(throws: ConfigurationError.self) {
            try LogFormat.resolve(flag: nil, environment: ["SLUICE_LOG_FORMAT": "yaml"])
        }
    }
}

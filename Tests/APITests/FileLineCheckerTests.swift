import Foundation
import Testing

@testable import API

@Suite struct FileLineCheckerTests {
    static func check(_ chunks: [String], checks: Bool = true) -> FileLineChecker {
        var checker = FileLineChecker(checksLines: checks)
        for chunk in chunks {
            Array(chunk.utf8).withUnsafeBufferPointer { checker.consume($0) }
        }
        checker.finish()
        return checker
    }

    static let line = #"{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"m"}}"#

    @Test func consume_countsLinesWhateverTheSplits() {
        let text = "\(Self.line)\n\(Self.line)\r\n\(Self.line)"
        for split in 0...text.utf8.count {
            let bytes = Array(text.utf8)
            let chunks = [
                String(decoding: bytes[..<split], as: UTF8.self), String(decoding: bytes[split...], as: UTF8.self),
            ]
            let checker = Self.check(chunks)
            #expect(checker.lines == 3, "split at \(split)")
            #expect(checker.failure == nil, "split at \(split)")
        }
        #expect(Self.check(["a\nb\n"], checks: false).lines == 2)
        #expect(Self.check([""], checks: false).lines == 0)
    }

    @Test func consume_namesTheFirstBadLine() {
        let checker = Self.check(["\(Self.line)\n{\"custom_id\":\"b\"}\nnot json\n"])
        #expect(checker.failure == FileLineChecker.LineFailure(line: 2, reason: "`method` is missing"))
        #expect(checker.lines == 3)
        let notJSON = Self.check(["\(Self.line)\n\(Self.line)\n{oops\n"])
        #expect(notJSON.failure?.line == 3)
        #expect(notJSON.failure?.reason.hasPrefix("not valid JSON") == true)
        let body = Self.check([#"{"custom_id":"a","method":"POST","url":"/v1/x","body":"text"}"#])
        #expect(body.failure?.reason == "`body` must be an object")
    }

    @Test func consume_withoutChecks_acceptsAnything() {
        #expect(Self.check(["not json\n"], checks: false).failure == nil)
    }

    @Test func consume_skipsBlankLines() {
        let checker = Self.check(["\(Self.line)\n\n  \n\(Self.line)\n"])
        #expect(checker.failure == nil)
        #expect(checker.lines == 4)
    }
}

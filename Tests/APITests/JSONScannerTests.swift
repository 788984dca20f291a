import Foundation
import Testing

@testable import API

@Suite struct JSONScannerTests {
    static func scan(_ text: String, collectLevels: Int = 2) throws -> JSONValue {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { try JSONScanner.scan($0, collectLevels: collectLevels) }
    }

    static func isValid(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBufferPointer { JSONScanner.isValid($0) }
    }

    @Test(arguments: [
        #"{}"#, #"[]"#, #" {"a" : [1, -2.5e+3, 0, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9"]} "#, #""\ud83d\ude00""#,
        #"{"é":"日本"}"#, "0", "-0.0E-1",
    ])
    func scan_acceptsValidJSON(_ text: String) {
        #expect(Self.isValid(text), "\(text)")
    }

    @Test(arguments: [
        "", "{", "}", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, "[1,]", "01", "1.", "-", "1e", "tru", "nul", #""\x""#,
        #""\u12g4""#, "\"a\nb\"", #"{"a":1} x"#, "{a:1}", "'a'", "[1 2]", "+1", "NaN",
    ])
    func scan_rejectsInvalidJSON(_ text: String) {
        #expect(!Self.isValid(text), "\(text)")
    }

    @Test func scan_rejectsInvalidUTF8AndDeepNesting() {
        let invalid: [[UInt8]] = [[0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xC0, 0xAF, 0x22]]
        for bytes in invalid {
            #expect(!bytes.withUnsafeBufferPointer { JSONScanner.isValid($0) })
        }
        #expect(!Self.isValid(String(repeating: "[", count: 100_000)))
        #expect(Self.isValid(String(repeating: "[", count: 60) + String(repeating: "]", count: 60)))
    }

    @Test func scan_recordsRangesAndDecodesStrings() throws {
        let text =
            #"{"body":{"model":"m\u00e9","n":[1,2]},"priority":-3,"p2":1.5,"b\u006fdy2":true,"body":{"model":"last"}}"#
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            let value = try JSONScanner.scan(buffer, collectLevels: 2)
            let view = JSONView(bytes: buffer)
            let body = try #require(view.member("body", of: value))
            let model = try #require(view.member("model", of: body))
            #expect(view.string(model) == "last")  // the last duplicate wins
            #expect(view.int(try #require(view.member("priority", of: value))) == -3)
            #expect(view.int(try #require(view.member("p2", of: value))) == nil)
            #expect(view.member("body2", of: value)?.kind == .bool)  // escaped key matched
        }
        let first = try Self.scan(#"{"a":"x\ny\u00e9\ud83d\ude00"}"#)
        let escaped = Array(#"{"a":"x\ny\u00e9\ud83d\ude00"}"#.utf8)
        escaped.withUnsafeBufferPointer { buffer in
            let view = JSONView(bytes: buffer)
            #expect(view.member("a", of: first).flatMap(view.string) == "x\nyé😀")
        }
    }
}

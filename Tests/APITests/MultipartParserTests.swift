import Foundation
import Testing

@testable import API

@Suite struct MultipartParserTests {
    /// A parsed part: its headers and all its body bytes.
    struct Part: Equatable {
        var headers: MultipartParser.PartHeaders
        var body: [UInt8]
    }

    /// Parses `body` fed in the given chunks; returns the parts and whether `finish()` accepted the end.
    static func parse(_ chunks: [[UInt8]], boundary: String = "b0undary") throws -> [Part] {
        var parser = MultipartParser(boundary: boundary)
        var parts: [Part] = []
        var open = false
        for chunk in chunks {
            try parser.feed(chunk) { event in
                switch event {
                case .partStart(let headers):
                    #expect(!open)
                    parts.append(Part(headers: headers, body: []))
                    open = true
                case .bodyBytes(let bytes):
                    #expect(open)
                    #expect(!bytes.isEmpty)
                    parts[parts.count - 1].body.append(contentsOf: bytes)
                case .partEnd:
                    #expect(open)
                    open = false
                }
            }
        }
        try parser.finish()
        return parts
    }

    static func sdkBody(content: String, boundary: String = "b0undary") -> [UInt8] {
        Array(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"batch_input.jsonl\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n\(content)\r\n--\(boundary)--\r\n").utf8
        )
    }

    static let trickyContent =
        "{\"a\":1}\r\n\r\n--b0undar\r\n--b0undarX is not the end\n\r\r\n-\r\n--\n--b0undary-\r\n--b0undar"

    @Test func parse_sdkUpload_givesPurposeAndFileParts() throws {
        let parts = try Self.parse([Self.sdkBody(content: "{\"x\":1}\n{\"y\":2}\n")])
        #expect(parts.count == 2)
        #expect(parts[0].headers.name == "purpose")
        #expect(parts[0].headers.filename == nil)
        #expect(parts[0].body == Array("batch".utf8))
        #expect(parts[1].headers.name == "file")
        #expect(parts[1].headers.filename == "batch_input.jsonl")
        #expect(parts[1].headers.contentType == "application/octet-stream")
        #expect(parts[1].body == Array("{\"x\":1}\n{\"y\":2}\n".utf8))
    }

    @Test func parse_splitAtEveryByte_givesTheSameParts() throws {
        let body = Self.sdkBody(content: Self.trickyContent)
        let whole = try Self.parse([body])
        #expect(whole[1].body == Array(Self.trickyContent.utf8))
        for split in 0...body.count {
            let parts = try Self.parse([Array(body[..<split]), Array(body[split...])])
            #expect(parts == whole, "split at \(split)")
        }
        for first in stride(from: 0, to: body.count, by: 7) {
            for second in stride(from: first, to: body.count, by: 5) {
                let parts = try Self.parse([Array(body[..<first]), Array(body[first..<second]), Array(body[second...])])
                #expect(parts == whole, "splits at \(first), \(second)")
            }
        }
    }

    @Test func parse_oneByteAtATime_givesTheSameParts() throws {
        let body = Self.sdkBody(content: Self.trickyContent)
        let parts = try Self.parse(body.map { [$0] })
        #expect(parts == (try Self.parse([body])))
    }

    @Test func parse_contentEndingWithCRLF_keepsIt() throws {
        let parts = try Self.parse([Self.sdkBody(content: "line\r\n")])
        #expect(parts[1].body == Array("line\r\n".utf8))
        let empty = try Self.parse([Self.sdkBody(content: "")])
        #expect(empty[1].body.isEmpty)
    }

    @Test func parse_ignoresPreambleAndEpilogue() throws {
        let body =
            Array("This is the preamble.\r\nIt says nothing.\r\n".utf8) + Self.sdkBody(content: "x")
            + Array("epilogue --b0undary\r\n more".utf8)
        let parts = try Self.parse([body])
        #expect(parts.map(\.body) == [Array("batch".utf8), Array("x".utf8)])
    }

    @Test func parse_acceptsTransportPaddingAndPartsWithoutHeaders() throws {
        let body = Array("--b0undary  \t\r\n\r\nno headers\r\n--b0undary\r\nX-Other: 1\r\n\r\nv\r\n--b0undary--".utf8)
        let parts = try Self.parse([body])
        #expect(parts.count == 2)
        #expect(parts[0].headers == MultipartParser.PartHeaders())
        #expect(parts[0].body == Array("no headers".utf8))
        #expect(parts[1].body == Array("v".utf8))
    }

    @Test func parse_withoutTheBoundary_fails() {
        #expect(throws: MultipartParser.Failure.self) {
            try Self.parse([Self.sdkBody(content: "x", boundary: "other")])
        }
        #expect(throws: MultipartParser.Failure.self) { try Self.parse([[]]) }
    }

    @Test func parse_truncatedBody_fails() {
        let body = Self.sdkBody(content: "{\"x\":1}")
        for cut in [10, 60, body.count - 8, body.count - 4] {
            #expect(throws: MultipartParser.Failure.self, "cut at \(cut)") {
                try Self.parse([Array(body[..<cut])])
            }
        }
    }

    @Test func parse_malformedBoundaryLine_fails() {
        #expect(throws: MultipartParser.Failure.self) {
            try Self.parse([Array("--b0undaryjunk\r\n\r\nx\r\n--b0undary--".utf8)])
        }
    }

    @Test func parse_hugeHeaderBlock_fails() {
        let header = "X-Long: " + String(repeating: "a", count: MultipartParser.maxHeaderBytes + 10)
        let body = Array("--b0undary\r\n\(header)\r\n\r\nx\r\n--b0undary--".utf8)
        #expect(throws: MultipartParser.Failure.self) { try Self.parse([body]) }
        // Fed in small chunks, the limit holds too (nothing is buffered without bound).
        #expect(throws: MultipartParser.Failure.self) {
            try Self.parse(stride(from: 0, to: body.count, by: 100).map { Array(body[$0..<min($0 + 100, body.count)]) })
        }
    }

    @Test func parse_largeBody_handsBytesOutWithoutHoldingThem() throws {
        var parser = MultipartParser(boundary: "b0undary")
        var total = 0
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024)
        try parser.feed(Array("--b0undary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n".utf8)) { _ in }
        for _ in 0..<16 {
            try parser.feed(chunk) { event in
                if case .bodyBytes(let bytes) = event { total += bytes.count }
            }
            // Every byte of a chunk with no CR is handed out at once.
            #expect(total % chunk.count == 0)
        }
        try parser.feed(Array("\r\n--b0undary--\r\n".utf8)) { _ in }
        try parser.finish()
        #expect(total == 16 * chunk.count)
    }

    @Test func boundary_fromContentType() {
        #expect(MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=abc123") == "abc123")
        #expect(MultipartParser.boundary(fromContentType: "Multipart/Form-Data;boundary=\"a b:c\"") == "a b:c")
        #expect(MultipartParser.boundary(fromContentType: "multipart/form-data") == nil)
        #expect(MultipartParser.boundary(fromContentType: "application/json; boundary=abc") == nil)
        #expect(MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=") == nil)
        let long = String(repeating: "x", count: 71)
        #expect(MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=\(long)") == nil)
    }

    @Test func parseHeaders_readsQuotedAndExtendedFilenames() throws {
        func headers(_ text: String) throws -> MultipartParser.PartHeaders {
            let bytes = Array(text.utf8)
            return try bytes.withUnsafeBufferPointer { try MultipartParser.parseHeaders($0) }
        }
        let quoted = try headers(#"content-disposition: form-data; name="file"; filename="a \"b\".jsonl""#)
        #expect(quoted.name == "file")
        #expect(quoted.filename == #"a "b".jsonl"#)
        let extended = try headers(
            "Content-Disposition: form-data; name=file; filename=\"x.jsonl\"; filename*=UTF-8''%C3%A9t%C3%A9.jsonl"
        )
        #expect(extended.filename == "été.jsonl")
        let folded = try headers("Content-Disposition: form-data;\r\n name=\"purpose\"\r\nContent-Type: text/plain")
        #expect(folded.name == "purpose")
        #expect(folded.contentType == "text/plain")
        #expect(throws: MultipartParser.Failure.self) { try headers("Content-Disposition: attachment; name=x") }
        #expect(throws: MultipartParser.Failure.self) { try headers("no colon here") }
    }
}

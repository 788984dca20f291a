import Foundation
import Testing

@testable import Workers

@Suite struct CanonicalJSONTests {
    func canonical(_ text: String) throws -> String {
        String(decoding: try CanonicalJSON(parsing: Array(text.utf8)).canonicalBytes, as: UTF8.self)
    }

    @Test func canonicalBytes_sortsKeysAtEveryLevel_andDropsWhitespace() throws {
        #expect(
            try canonical(#" { "b" : 1 , "a" : { "z" : [ 1 , {"y":2,"x":3} ] , "c" : null } } "#)
                == #"{"a":{"c":null,"z":[1,{"x":3,"y":2}]},"b":1}"#
        )
    }

    @Test(arguments: [
        ("0", "0"), ("-0", "0"), ("0.0", "0"), ("0e10", "0"), ("-0.000", "0"),
        ("1", "1"), ("1.0", "1"), ("1e0", "1"), ("10e-1", "1"), ("100", "100"), ("1e2", "100"), ("1E+2", "100"),
        ("0.7", "7e-1"), ("0.70", "7e-1"), ("7e-1", "7e-1"), ("-1.5", "-15e-1"), ("1e21", "1e21"),
        ("123456789012345678901234567890", "123456789012345678901234567890"), ("1000000000000000000000", "1e21"),
    ])
    func canonicalBytes_normalisesNumbers(_ input: String, _ expected: String) throws {
        #expect(try canonical(input) == expected)
    }

    @Test func canonicalBytes_normalisesStringEscapes() throws {
        #expect(try canonical(#""h\u00e9\/\n\"""#) == "\"hé/\\u000a\\\"\"")
        #expect(try canonical(#""\ud83d\ude00""#) == "\"😀\"")
        #expect(try canonical(#"{"\u0061":1}"#) == #"{"a":1}"#)
    }

    @Test func parse_whenAKeyRepeats_keepsTheLastValue() throws {
        #expect(try canonical(#"{"a":1,"a":2}"#) == #"{"a":2}"#)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":}", "01", "1.", "-", "1e", "\"\\x\"", "\"\u{01}\"", "tru", "{} x", "\"\\ud800\"",
        "{1:2}", "1e9999999999",
    ])
    func parse_rejectsInvalidJSON(_ input: String) {
        #expect(throws: CanonicalJSON.ParseError.self) { try CanonicalJSON(parsing: Array(input.utf8)) }
    }

    @Test func parse_refusesNestingDeeperThanTheLimit() {
        let deep =
            String(repeating: "[", count: CanonicalJSON.maxDepth + 1)
            + String(repeating: "]", count: CanonicalJSON.maxDepth + 1)
        #expect(throws: CanonicalJSON.ParseError.self) { try CanonicalJSON(parsing: Array(deep.utf8)) }
        let fine = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        #expect((try? CanonicalJSON(parsing: Array(fine.utf8))) != nil)
    }

    @Test func isZero_readsEveryZeroSpelling() throws {
        for text in ["0", "0.0", "-0", "0e5"] {
            #expect(try CanonicalJSON(parsing: Array(text.utf8)).isZero, "\(text)")
        }
        #expect(try !CanonicalJSON(parsing: Array("0.01".utf8)).isZero)
        #expect(try !CanonicalJSON(parsing: Array("\"0\"".utf8)).isZero)
    }
}

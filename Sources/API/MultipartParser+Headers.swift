import Foundation

extension MultipartParser {
    /// The `boundary` parameter of a `multipart/form-data` content type, or nil when the type is another one or
    /// the boundary is missing or invalid (RFC 2046: 1–70 characters, not ending with a space).
    static func boundary(fromContentType contentType: String) -> String? {
        let (mediaType, parameters) = parseHeaderValue(contentType)
        guard mediaType.lowercased() == "multipart/form-data", let boundary = parameters["boundary"] else {
            return nil
        }
        guard (1...70).contains(boundary.utf8.count), !boundary.hasSuffix(" "),
            boundary.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F })
        else { return nil }
        return boundary
    }

    /// Parses a part's header block (the lines between the boundary line and the empty line, CRLF-separated).
    static func parseHeaders(_ bytes: UnsafeBufferPointer<UInt8>) throws -> PartHeaders {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines: [String] = []
        for line in text.components(separatedBy: "\r\n") {
            // Obsolete line folding (RFC 5322): a line starting with white space continues the previous one.
            if let first = line.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)
            } else {
                lines.append(line)
            }
        }
        var headers = PartHeaders()
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                throw Failure(reason: "a part header line has no colon")
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch name {
            case "content-disposition":
                let (disposition, parameters) = parseHeaderValue(value)
                guard disposition.lowercased() == "form-data" else {
                    throw Failure(reason: "a part's Content-Disposition is not form-data")
                }
                headers.name = parameters["name"]
                headers.filename = parameters["filename*"].flatMap(decodeExtendedValue) ?? parameters["filename"]
            case "content-type":
                headers.contentType = value
            default:
                continue
            }
        }
        return headers
    }

    /// Splits `type; key=value; key="quoted \" value"` into the leading token and its parameters (keys lowercased).
    static func parseHeaderValue(_ value: String) -> (String, [String: String]) {
        var scalars = Substring(value).unicodeScalars[...]
        func skipSpaces() {
            while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        }
        func token(until stops: Set<Unicode.Scalar>) -> String {
            var text = String.UnicodeScalarView()
            while let first = scalars.first, !stops.contains(first) {
                text.append(first)
                scalars.removeFirst()
            }
            return String(text).trimmingCharacters(in: .whitespaces)
        }
        let leading = token(until: [";"])
        var parameters: [String: String] = [:]
        while scalars.first == ";" {
            scalars.removeFirst()
            skipSpaces()
            let key = token(until: ["=", ";"]).lowercased()
            guard scalars.first == "=" else { continue }
            scalars.removeFirst()
            skipSpaces()
            var parsed: String
            if scalars.first == "\"" {
                scalars.removeFirst()
                var text = String.UnicodeScalarView()
                while let first = scalars.first, first != "\"" {
                    scalars.removeFirst()
                    if first == "\\", let escaped = scalars.first {
                        scalars.removeFirst()
                        text.append(escaped)
                    } else {
                        text.append(first)
                    }
                }
                if !scalars.isEmpty { scalars.removeFirst() }
                parsed = String(text)
                _ = token(until: [";"])  // anything after the closing quote is ignored
            } else {
                parsed = token(until: [";"])
            }
            if !key.isEmpty, parameters[key] == nil { parameters[key] = parsed }
        }
        return (leading, parameters)
    }

    /// RFC 8187 `charset'language'percent-encoded` (only UTF-8 is decoded).
    static func decodeExtendedValue(_ value: String) -> String? {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3, pieces[0].lowercased() == "utf-8" else { return nil }
        return String(pieces[2]).removingPercentEncoding
    }
}

import Foundation

/// Finds the first object key given twice in one object of a whole JSON document.
///
/// `JSONSerialization` and `JSONDecoder` resolve `{"sum": 10, "sum": 50}` silently (one keeps
/// the last value, the other may keep the first), so a document holding a repeated key would be
/// read as one of two things the writer may have meant. The readers of whole JSON files (power
/// sums, calibration, saved results) run this first and refuse such a document at the second
/// key, as the JSON Lines readers do. Keys compare as their decoded UTF-8 bytes (`"a"` and
/// `"\u0061"` repeat; `café` in two Unicode forms does not).
///
/// The scan is lenient about everything but keys: a malformed document is left to the decoder,
/// which reports it in its own terms.
public enum JSONDuplicateKeys {
    /// Where the repeated key starts (1-based line and column) and the key, or nil.
    public static func first(in data: Data) -> (line: Int, column: Int, key: String)? {
        data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            return scanner.document()
        }
    }

    /// Throws a ``DataError`` at the repeated key of `data`, if any.
    public static func refuse(_ data: Data, file: String) throws {
        guard let found = first(in: data) else { return }
        throw DataError(file: file, line: found.line, column: found.column, message: "duplicate key '\(found.key)'")
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        /// Nesting guard: a document nested deeper than this is left to the decoder.
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func document() -> (line: Int, column: Int, key: String)? {
            var found: (Int, String)?
            _ = value(&found)
            guard let (offset, key) = found else { return nil }
            var line = 1, lineStart = 0
            for i in 0..<offset where bytes[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            return (line, offset - lineStart + 1, key)
        }

        mutating func skipSpaces() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        /// Scans one value; false when the document is malformed (left to the decoder).
        mutating func value(_ found: inout (Int, String)?) -> Bool {
            skipSpaces()
            guard index < bytes.count, found == nil else { return false }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                guard depth < 512 else { return false }
                depth += 1
                defer { depth -= 1 }
                index += 1
                var keys = Set<[UInt8]>()
                skipSpaces()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return true
                }
                while true {
                    skipSpaces()
                    let start = index
                    guard let key = string() else { return false }
                    guard keys.insert(key).inserted else {
                        found = (start, String(decoding: key, as: UTF8.self))
                        return false
                    }
                    skipSpaces()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                    index += 1
                    guard value(&found) else { return false }
                    guard let more = separator(closing: UInt8(ascii: "}")) else { return false }
                    if !more { return true }
                }
            case UInt8(ascii: "["):
                guard depth < 512 else { return false }
                depth += 1
                defer { depth -= 1 }
                index += 1
                skipSpaces()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return true
                }
                while true {
                    guard value(&found) else { return false }
                    guard let more = separator(closing: UInt8(ascii: "]")) else { return false }
                    if !more { return true }
                }
            case UInt8(ascii: "\""):
                return string() != nil
            default:
                // A number or literal: everything up to the next delimiter.
                let start = index
                while index < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
                    index += 1
                }
                return index > start
            }
        }

        /// After a member or element: true past a `,`, false past `closing`, nil when malformed.
        mutating func separator(closing: UInt8) -> Bool? {
            skipSpaces()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                return true
            }
            guard bytes[index] == closing else { return nil }
            index += 1
            return false
        }

        /// A string at `index` (on its opening quote), decoded; nil when malformed.
        mutating func string() -> [UInt8]? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index
            index += 1
            var escaped = false
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    index += 2
                    continue
                }
                index += 1
                if byte == UInt8(ascii: "\"") {
                    let raw = Array(bytes[(start + 1)..<(index - 1)])
                    guard escaped else { return raw }
                    // Escapes are rare in keys: let Foundation decode this one string.
                    let quoted = Data(bytes[start..<index])
                    guard let text = (try? JSONSerialization.jsonObject(with: quoted, options: .fragmentsAllowed)) as? String else { return raw }
                    return Array(text.utf8)
                }
            }
            return nil
        }
    }
}

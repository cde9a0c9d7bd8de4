/// A batch of rows posted over HTTP: a JSON array of objects or JSON Lines, turned into JSON
/// Lines so the file readers (and their errors) serve requests too.
///
/// An array `[ {…}, {…} ]` may be pretty-printed over many lines; each element is copied onto
/// a line of its own, with the line breaks between tokens turned into spaces (a line break
/// inside a JSON string is invalid JSON and is rejected here, so nothing invalid becomes
/// valid). Errors from the readers then name the element: line N is the array's N-th object.
public enum RequestBody {
    /// The body as JSON Lines, and whether it was an array (its "lines" are then elements).
    ///
    /// - Throws: ``DataError`` for a body that is not valid UTF-8, holds a NUL byte, or is an
    ///   array that is not closed or holds something other than objects.
    public static func jsonLines(_ body: [UInt8], name: String) throws -> (lines: [UInt8], isArray: Bool) {
        // Invalid UTF-8 would come back from the store repaired (U+FFFD), so two malformed ids
        // could merge: refuse the whole body, at the first bad byte.
        if let offset = firstInvalidUTF8(body) {
            throw DataError(file: name, message: "the body is not valid UTF-8 (byte \(offset + 1))")
        }
        var index = 0
        if body.count >= 3, body[0] == 0xEF, body[1] == 0xBB, body[2] == 0xBF { index = 3 }
        while index < body.count, isSpace(body[index]) { index += 1 }
        guard index < body.count else { return ([], false) }
        guard body[index] == UInt8(ascii: "[") else { return (body, false) }
        var lines: [UInt8] = []
        lines.reserveCapacity(body.count)
        index += 1
        var element = 0
        var expectingElement = true
        var closed = false
        while index < body.count {
            let byte = body[index]
            if isSpace(byte) {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "]") {
                guard !expectingElement || element == 0 else {
                    throw DataError(file: name, line: element + 1, message: "expected an object after ',' in the array")
                }
                closed = true
                index += 1
                break
            }
            if !expectingElement {
                guard byte == UInt8(ascii: ",") else {
                    throw DataError(file: name, line: element, message: "expected ',' or ']' after the array's object \(element)")
                }
                expectingElement = true
                index += 1
                continue
            }
            guard byte == UInt8(ascii: "{") else {
                throw DataError(file: name, line: element + 1, message: "array elements must be objects")
            }
            element += 1
            index = try copyObject(body, from: index, into: &lines, element: element, name: name)
            lines.append(0x0A)
            expectingElement = false
        }
        guard closed else { throw DataError(file: name, message: "the array is not closed with ']'") }
        while index < body.count, isSpace(body[index]) { index += 1 }
        guard index == body.count else { throw DataError(file: name, message: "unexpected text after the array") }
        return (lines, true)
    }

    /// Copies the object starting at `start` (a `{`) up to its matching `}`, turning line breaks
    /// between tokens into spaces; returns the offset after it.
    private static func copyObject(_ body: [UInt8], from start: Int, into lines: inout [UInt8], element: Int, name: String) throws -> Int {
        var depth = 0
        var inString = false
        var escaped = false
        var index = start
        while index < body.count {
            let byte = body[index]
            if inString {
                if byte == 0x0A || byte == 0x0D {
                    throw DataError(file: name, line: element, message: "a line break inside a string (write it as \\n)")
                }
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                lines.append(byte)
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
                lines.append(byte == 0x0A || byte == 0x0D ? 0x20 : byte)
                if depth == 0 { return index + 1 }
            }
            index += 1
        }
        throw DataError(file: name, line: element, message: "the array's object \(element) is not closed")
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// The offset of the first byte that is not part of valid UTF-8 (or is NUL), or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == 0 { return index }
            if byte < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch byte {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(byte & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(byte & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(byte & 0x07)
            default: return index
            }
            guard index + length <= count else { return index }
            for offset in 1..<length {
                let next = bytes[index + offset]
                guard next & 0xC0 == 0x80 else { return index }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            // Overlong forms, UTF-16 surrogates and code points beyond U+10FFFF are invalid.
            if scalar < minimum || (0xD800...0xDFFF).contains(scalar) || scalar > 0x10FFFF { return index }
            index += length
        }
        return nil
    }
}

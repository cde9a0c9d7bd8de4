/// Where one field of a row lies in the input, and how its bytes must be read.
///
/// Both input formats of ``CSVReader`` describe their fields this way, so ``CSVRow`` serves
/// both: the common case (no quotes, no escapes) is a range of the input handed out in place,
/// and only fields that need unescaping are copied, when they are read.
struct CSVField {
    enum Kind: UInt8 {
        /// Bytes used as they are: an unquoted CSV field, a JSON number or `true`/`false`.
        case plain
        /// A quoted CSV field holding at least one `""`, which stands for `"`: unescaped into a
        /// copy when read.
        case quoted
        /// A quoted CSV field without `""`: its bytes between the quotes are its text, handed out
        /// in place like a plain field's (the common case in fully quoted exports).
        case quotedVerbatim
        /// A JSON string without escapes; its value starts at the quote before `start`.
        case jsonString
        /// A JSON string with escapes (already checked when the line was scanned).
        case escaped
        /// A JSON `null`, or a nested value skipped for a column nobody asked for; `start` is
        /// where the value starts.
        case empty
        /// A JSON key absent from the line; `start` is the start of the line.
        case missing
    }

    var start: Int
    var end: Int
    var kind: Kind

    /// The first byte of the value as written (for error columns in JSON Lines).
    var valueStart: Int {
        kind == .jsonString || kind == .escaped ? start - 1 : start
    }

    /// `true` for an empty field; a quoted CSV field `""` counts as text, as it always has.
    var isBlank: Bool {
        end == start && kind != .quoted && kind != .quotedVerbatim
    }

    func string(in buffer: UnsafeBufferPointer<UInt8>) -> String {
        switch kind {
        case .quoted:
            return String(decoding: raw(buffer), as: UTF8.self).replacingOccurrences(of: "\"\"", with: "\"")
        case .escaped:
            return String(decoding: decoded(buffer).bytes, as: UTF8.self)
        case .plain, .quotedVerbatim, .jsonString, .empty, .missing:
            return String(decoding: raw(buffer), as: UTF8.self)
        }
    }

    /// Like ``string(in:)``, but `nil` when the text is not valid UTF-8 (or, in JSON, holds a
    /// lone `\u` surrogate), so malformed names are reported instead of repaired.
    func validatedString(in buffer: UnsafeBufferPointer<UInt8>) -> String? {
        switch kind {
        case .quoted:
            return String(validating: raw(buffer), as: UTF8.self)?.replacingOccurrences(of: "\"\"", with: "\"")
        case .escaped:
            let (bytes, exact) = decoded(buffer)
            return exact ? String(validating: bytes, as: UTF8.self) : nil
        case .plain, .quotedVerbatim, .jsonString, .empty, .missing:
            return String(validating: raw(buffer), as: UTF8.self)
        }
    }

    /// Calls `body` with the field's text as bytes: in place unless it needs unescaping.
    func withBytes<R>(in buffer: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        switch kind {
        case .quoted:
            return try unescapedQuotes(buffer).withUnsafeBufferPointer(body)
        case .escaped:
            return try decoded(buffer).bytes.withUnsafeBufferPointer(body)
        case .plain, .quotedVerbatim, .jsonString, .empty, .missing:
            return try body(raw(buffer))
        }
    }

    /// The field's bytes when they can be handed out in place (no unescaping needed), else `nil`.
    func inPlaceBytes(in buffer: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        switch kind {
        case .quoted, .escaped: return nil
        case .plain, .quotedVerbatim, .jsonString, .empty, .missing: return raw(buffer)
        }
    }

    /// The bytes of a quoted CSV field with each `""` made one `"` (the scanner only lets a
    /// quote inside the field occur doubled), without a detour through `String`.
    private func unescapedQuotes(_ buffer: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(end - start)
        var index = start
        while index < end {
            let byte = buffer[index]
            bytes.append(byte)
            index += byte == UInt8(ascii: "\"") ? 2 : 1
        }
        return bytes
    }

    private func raw(_ buffer: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: buffer[start..<end])
    }

    /// The unescaped bytes of a JSON string, and whether every `\u` escape was a valid scalar.
    private func decoded(_ buffer: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8], exact: Bool) {
        var bytes: [UInt8] = []
        // The escapes were checked when the line was scanned, so decoding cannot fail here.
        let exact = (try? JSONLineScanner.decode(buffer, start..<end, into: &bytes)) ?? false
        return (bytes, exact)
    }
}

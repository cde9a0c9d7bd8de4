/// A URL query string split into its parameters, strictly: `+` is a space, `%XX` escapes must be
/// complete and decode to valid UTF-8, and a malformed one is a 400 rather than a value taken
/// literally (which would look up a unit or experiment that nobody asked for).
struct QueryString {
    /// Parameters in order; a name may repeat (`metric=a&metric=b`).
    let parameters: [(name: String, value: String)]

    init(_ query: String?) throws {
        var parameters: [(String, String)] = []
        for part in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(pieces[0])
            let value = pieces.count > 1 ? try Self.decode(pieces[1]) : ""
            parameters.append((name, value))
        }
        self.parameters = parameters
    }

    /// The value of `name`, if given; a name given twice is a 400 (`alpha=0.05&alpha=0.5`: which
    /// one the caller meant cannot be known, and taking either would answer another question).
    subscript(_ name: String) -> String? {
        get throws {
            let values = all(name)
            guard values.count <= 1 else { throw APIError.badRequest("parameter '\(name)' is given \(values.count) times: give it once") }
            return values.first
        }
    }

    /// Every value of `name`, in order.
    func all(_ name: String) -> [String] { parameters.filter { $0.name == name }.map(\.value) }

    static func decode(_ text: Substring) throws -> String {
        // Most parameters have no escape: the text is then already valid UTF-8 (a Swift string)
        // and only NUL needs refusing — no byte copy, no re-validation (a per-request hot path).
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") || $0 == 0 }) {
            return String(text)
        }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%") {
                guard utf8.count >= 2, let high = hexValue(utf8[utf8.startIndex]), let low = hexValue(utf8[utf8.startIndex + 1]) else {
                    throw APIError.badRequest("malformed percent escape in the query string: '\(text)'")
                }
                bytes.append(high << 4 | low)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self), !decoded.utf8.contains(0) else {
            throw APIError.badRequest("the query string does not decode to valid UTF-8 text: '\(text)'")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

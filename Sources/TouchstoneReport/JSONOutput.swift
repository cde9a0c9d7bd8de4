import Foundation

/// JSON encoding for results: stable key order, and `null` for numbers the data left undefined.
///
/// JSON has no NaN or infinity. Results mark undefined numbers with NaN (and one-sided interval
/// ends with ±∞); consumers expect `null` there, not a string. `JSONEncoder` can only map them
/// to strings, so it writes a sentinel string that cannot occur in user text (it contains a
/// NUL, which the readers reject in names) and the sentinel is then replaced by `null`.
public enum JSONOutput {
    private static let sentinel = "\u{0}touchstone-null\u{0}"
    private static let encodedSentinel = "\"\\u0000touchstone-null\\u0000\""

    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: sentinel, negativeInfinity: sentinel, nan: sentinel)
        let data = try encoder.encode(value)
        let text = String(decoding: data, as: UTF8.self)
        return text.replacingOccurrences(of: encodedSentinel, with: "null")
    }
}

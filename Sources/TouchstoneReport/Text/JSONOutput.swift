import Foundation

/// The one JSON encoder of every command: pretty-printed, sorted keys, and one policy for
/// numbers JSON cannot hold.
///
/// JSON has no NaN or infinity. Results mark undefined numbers with NaN (a rate of an empty arm)
/// and one-sided interval ends with ±∞; both are written as `null` — never as a string such as
/// `"nan"` or `"inf"`, which a consumer would read as text. ``encodeCounting(_:)`` also reports
/// how many NaNs became `null`, so the command can say so on standard error (the diagnostic half
/// of the policy; infinite interval ends are expected and not counted).
///
/// `JSONEncoder` can only map non-finite numbers to strings, so it writes sentinel strings that
/// are then replaced by `null`. The sentinels are random per call, so no name in the data can
/// collide with one.
public enum JSONOutput {
    /// Encoded text and the number of undefined (NaN) values written as `null`.
    public struct Encoded: Sendable {
        public var text: String
        public var undefinedNumbers: Int
    }

    public static func encode<T: Encodable>(_ value: T) throws -> String {
        try encodeCounting(value).text
    }

    public static func encodeCounting<T: Encodable>(_ value: T) throws -> Encoded {
        let token = UUID().uuidString
        let nan = "touchstone-nan-\(token)", infinity = "touchstone-infinity-\(token)"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: infinity, negativeInfinity: infinity, nan: nan)
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        let parts = text.components(separatedBy: "\"\(nan)\"")
        return Encoded(
            text: parts.joined(separator: "null").replacingOccurrences(of: "\"\(infinity)\"", with: "null"),
            undefinedNumbers: parts.count - 1)
    }
}

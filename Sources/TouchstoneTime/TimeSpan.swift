/// A positive length of time, in microseconds: metric windows (`--window 14d`), lookbacks
/// (`--lookback 30d`), half-lives (`--half-life 7d`).
///
/// Written as a decimal number and a unit, with no spaces between:
/// ```
/// 90s   30m   12h   14d   2w   1.5d   0.25h   14      (s, m, h, d, w; a bare number is days)
/// ```
/// The value is exact decimal arithmetic, floored to the microsecond. Rejected: zero and
/// negative lengths, signs, exponents, `inf`/`nan`, upper-case or unknown units, and lengths
/// beyond ``maximumMicroseconds``.
///
/// Zero is rejected for every use, not only where it would divide: a zero window holds no
/// event, a zero lookback keeps no touch (``contains(elapsed:)`` is empty), and a zero
/// half-life has no meaning — each is a typo, not a request.
///
/// ## Window convention
///
/// Every window in Touchstone is half-open in the time elapsed from its anchor: an event
/// `elapsed` after the anchor is inside a window of length `W` when `0 ≤ elapsed < W`
/// (``contains(elapsed:)``). The metric window is [t₀, t₀ + W) after the first exposure t₀,
/// retention day N is [t₀ + N days, t₀ + (N + 1) days), the pre-period is [t₀ − W, t₀), and an
/// attribution lookback keeps touches with conversion − touch in [0, L). Consecutive windows
/// therefore never share an instant, and the SQL push-down writes the same `>=`/`<` bounds.
public struct TimeSpan: Sendable, Hashable, Comparable {
    /// The length in microseconds, always positive.
    public let microseconds: Int64

    /// The longest accepted length: the span of the timestamps Touchstone reads (years 0001 to
    /// 9999), so `t ± length` never overflows for any ``Timestamp``.
    public static let maximumMicroseconds: Int64 =
        Timestamp.validMicroseconds.upperBound - Timestamp.validMicroseconds.lowerBound

    /// A length of `microseconds`; `nil` unless 0 < microseconds ≤ ``maximumMicroseconds``.
    public init?(microseconds: Int64) {
        guard microseconds > 0, microseconds <= Self.maximumMicroseconds else { return nil }
        self.microseconds = microseconds
    }

    /// Whole seconds; `nil` unless positive and within ``maximumMicroseconds``.
    public init?(seconds: Int64) {
        guard seconds > 0, seconds <= Self.maximumMicroseconds / 1_000_000 else { return nil }
        self.microseconds = seconds * 1_000_000
    }

    /// Whole days (1 day = 86,400 s; Unix time has no leap seconds), for lengths written in code
    /// such as a default window. Text from users goes through ``init(parsing:)``.
    ///
    /// - Precondition: 1 ≤ `days` ≤ 3,652,058 (``maximumMicroseconds``).
    public init(days: Int) {
        precondition(days >= 1 && Int64(days) <= Self.maximumMicroseconds / 86_400_000_000, "TimeSpan(days:) out of range")
        microseconds = Int64(days) * 86_400_000_000
    }

    /// The length in seconds, as a `Double` (exact below about 285 years).
    public var seconds: Double { Double(microseconds) / 1_000_000 }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.microseconds < rhs.microseconds }

    /// Whether an instant `elapsed` microseconds after a window's anchor lies in a window of this
    /// length: `0 ≤ elapsed < length`. The one window rule (see the type's documentation).
    @inline(__always)
    public func contains(elapsed: Int64) -> Bool {
        elapsed >= 0 && elapsed < microseconds
    }

    // MARK: - Parsing

    /// The length written in `text`, or `nil` when it is not one.
    public static func parse(_ text: String) -> TimeSpan? {
        try? TimeSpan(parsing: text)
    }

    /// Parses `text`, throwing the reason when it is not a positive length of time.
    public init(parsing text: String) throws(TimeSpanError) {
        var bytes = Array(text.utf8)[...]
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes.removeFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
        guard let last = bytes.last else { throw .empty }
        let unit: Int64
        switch last {
        case UInt8(ascii: "s"): unit = 1_000_000
        case UInt8(ascii: "m"): unit = 60_000_000
        case UInt8(ascii: "h"): unit = 3_600_000_000
        case UInt8(ascii: "d"): unit = 86_400_000_000
        case UInt8(ascii: "w"): unit = 604_800_000_000
        default: unit = 0
        }
        if unit != 0 { bytes.removeLast() }
        let scale = unit != 0 ? unit : 86_400_000_000
        if bytes.first == UInt8(ascii: "-") { throw .notPositive }
        // Integer part, then fraction digits: value = (integer + fraction / 10^k) × scale, floored.
        var integer: Int64 = 0, seen = 0
        while let byte = bytes.first, byte &- 0x30 < 10 {
            guard integer <= Self.maximumMicroseconds else { throw .tooLong }
            integer = integer * 10 + Int64(byte &- 0x30)
            seen += 1
            bytes.removeFirst()
        }
        guard seen > 0 else { throw .malformed }
        var fractionMicros: Int64 = 0
        if bytes.first == UInt8(ascii: ".") {
            bytes.removeFirst()
            // ⌊(digits / 10^k) × scale⌋ in 128-bit arithmetic; past the 18th digit the rest is
            // below 10⁻¹⁸ of a week, so it is ignored.
            var numerator: Int64 = 0, denominator: Int64 = 1, count = 0
            while let byte = bytes.first, byte &- 0x30 < 10 {
                if count < 18 {
                    numerator = numerator * 10 + Int64(byte &- 0x30)
                    denominator *= 10
                }
                count += 1
                bytes.removeFirst()
            }
            guard count > 0 else { throw .malformed }
            let wide = numerator.multipliedFullWidth(by: scale)
            fractionMicros = denominator.dividingFullWidth(wide).quotient
        }
        guard bytes.isEmpty else { throw .malformed }
        let (product, overflow) = integer.multipliedReportingOverflow(by: scale)
        guard !overflow, product <= Self.maximumMicroseconds - fractionMicros else { throw .tooLong }
        guard let span = TimeSpan(microseconds: product + fractionMicros) else { throw .notPositive }
        self = span
    }
}

extension TimeSpan: CustomStringConvertible {
    /// The shortest exact text in the largest whole unit: `14d`, `36h`, `90m`, `45s`, `1.5s`.
    public var description: String {
        for (unit, suffix) in [(Int64(604_800_000_000), "w"), (86_400_000_000, "d"), (3_600_000_000, "h"), (60_000_000, "m"), (1_000_000, "s")]
        where microseconds % unit == 0 {
            return "\(microseconds / unit)\(suffix)"
        }
        var digits = TimestampError.pad(microseconds % 1_000_000, 6)
        while digits.last == "0" { digits.removeLast() }
        return "\(microseconds / 1_000_000).\(digits)s"
    }
}

/// Why a text is not a ``TimeSpan``.
public enum TimeSpanError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case malformed
    /// Zero or negative (also: a length that floors to zero microseconds).
    case notPositive
    /// Longer than ``TimeSpan/maximumMicroseconds``.
    case tooLong

    /// The expected forms, for messages.
    public static let expectedForms = "a positive duration such as 14d, 36h, 90m, 45s, 2w or 1.5d (a bare number is days)"

    public var description: String {
        switch self {
        case .empty, .malformed: "expected \(Self.expectedForms)"
        case .notPositive: "a duration must be positive (expected \(Self.expectedForms))"
        case .tooLong: "longer than 10,000 years"
        }
    }
}

extension TimeSpan {
    /// The message every flag gives for a rejected duration:
    /// `--window '0d': a duration must be positive (expected …)`. For a text that
    /// ``parse(_:)`` rejected.
    public static func rejection(of text: String, flag: String) -> String {
        do {
            _ = try TimeSpan(parsing: text)
            return "\(flag) '\(text)': expected \(TimeSpanError.expectedForms)"
        } catch {
            return "\(flag) '\(text)': \(error)"
        }
    }
}

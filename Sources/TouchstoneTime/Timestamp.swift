/// An instant, as microseconds since 1970-01-01T00:00:00Z (Unix time, no leap seconds), between
/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z.
///
/// Every timestamp Touchstone reads — exposure and event logs, the exposure store's ingest,
/// touchpoints, config `start`/`end`, `--at` — goes through ``parse(_:)-(UnsafeBufferPointer<UInt8>)``,
/// so one string means the same instant, or is rejected with the same reason, everywhere.
///
/// Accepted text (leading and trailing spaces and tabs are ignored):
/// ```
/// epoch seconds   1772368496   -86400   +1772368496   1772368496.25   (decimal point only)
/// ISO 8601 date   2026-03-01                                   (midnight UTC)
/// date and time   2026-03-01T12:34   2026-03-01 12:34:56   2026-03-01t12:34:56.123456789
///                 (T, t or one space; fractional seconds after '.' or ',', any number of digits)
/// UTC offset      Z  z  +05  +0530  +05:30  -08:00             (none: UTC)
/// ```
/// Fractional seconds — in ISO text or in epoch seconds alike — are kept to the microsecond;
/// digits beyond are dropped toward the past (the instant is floored to its microsecond), so
/// `1772368496.5` and `2026-03-01T12:34:56.5Z` are the same instant wherever they are read.
///
/// Rejected, with a ``TimestampError`` that says why:
/// - dates that do not exist (`2026-02-31`, `2025-02-29`, `2026-13-01`, `2026-00-10`) and times
///   that do not (`24:00:00`, `12:60`, `23:59:60`): the leap second `:60` is rejected because
///   Unix time has no representation for it (POSIX counts 86,400 seconds every day; Python's
///   `datetime` and pandas reject it too), so accepting it would mean picking a neighbouring
///   second silently;
/// - anything outside years 0001–9999, which is also how epoch *milliseconds* or
///   *microseconds* (`1772368496000`) are caught instead of being read as a date millennia away;
/// - exponents (`1.7e9`), `inf`/`nan`, a decimal comma in epoch seconds, one-digit fields, a
///   date followed by a zone but no time, and every other shape.
///
/// Views: ``microseconds`` (what first-exposure order and windows compare) and ``seconds``
/// (floored), for integer-second consumers such as SQL push-down tables.
public struct Timestamp: Sendable, Hashable, Comparable {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public let microseconds: Int64

    /// Whole seconds since 1970-01-01T00:00:00Z, floored (−0.5 s is second −1, the second it lies in).
    public var seconds: Int64 { CivilCalendar.floorDivide(microseconds, 1_000_000) }

    /// The instants a timestamp may name, in microseconds: years 0001 to 9999, what four-digit
    /// ISO-8601 years can write.
    @inlinable
    public static var validMicroseconds: ClosedRange<Int64> { -62_135_596_800_000_000...253_402_300_799_999_999 }

    /// A timestamp from microseconds since the epoch; `nil` outside ``validMicroseconds``.
    public init?(microseconds: Int64) {
        guard Self.validMicroseconds.contains(microseconds) else { return nil }
        self.microseconds = microseconds
    }

    /// A timestamp from whole seconds since the epoch; `nil` outside years 0001–9999.
    public init?(seconds: Int64) {
        let range = Self.validMicroseconds
        guard seconds >= range.lowerBound / 1_000_000, seconds <= range.upperBound / 1_000_000 else { return nil }
        self.microseconds = seconds * 1_000_000
    }

    /// For values already range-checked by the parser.
    init(checked microseconds: Int64) {
        self.microseconds = microseconds
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    // MARK: - Parsing entry points

    /// The timestamp written in `bytes`, or `nil` when they are not one.
    ///
    /// The hot-loop entry: no Foundation, no allocation, one pass over the bytes. Use
    /// ``init(parsing:)-(UnsafeBufferPointer<UInt8>)`` (or ``rejection(of:)``) to learn why a
    /// text was rejected.
    @inline(__always)
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        var parser = TimestampParser(bytes)
        return parser.parse().map(Timestamp.init(checked:))
    }

    /// The timestamp written in `text`, or `nil` when it is not one.
    public static func parse(_ text: String) -> Timestamp? {
        try? Timestamp(parsing: text)
    }

    /// Parses `bytes`, throwing the reason when they are not a timestamp.
    public init(parsing bytes: UnsafeBufferPointer<UInt8>) throws(TimestampError) {
        var parser = TimestampParser(bytes)
        guard let micros = parser.parse() else { throw parser.failure }
        self.init(checked: micros)
    }

    /// Parses `text`, throwing the reason when it is not a timestamp.
    public init(parsing text: String) throws(TimestampError) {
        var copy = text
        let result: Result<Int64, TimestampError> = copy.withUTF8 { bytes in
            var parser = TimestampParser(bytes)
            return parser.parse().map(Result.success) ?? .failure(parser.failure)
        }
        self.init(checked: try result.get())
    }

    /// The message every reader and flag gives for a rejected timestamp:
    /// `'2026-02-31' is not a timestamp: 2026-02-31 does not exist (February 2026 has 28 days)`.
    /// For a text that ``parse(_:)-(String)`` rejected (should it parse, the message names the
    /// expected forms only).
    public static func rejection(of text: String) -> String {
        do {
            _ = try Timestamp(parsing: text)
            return "'\(text)' is not a timestamp (expected \(TimestampError.expectedForms))"
        } catch {
            return "'\(text)' is not a timestamp: \(error)"
        }
    }
}

// MARK: - Errors

/// Why a text is not a ``Timestamp``.
public enum TimestampError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Nothing but blanks.
    case empty
    /// Not one of the accepted shapes.
    case malformed
    /// A well-formed date that the calendar does not have (2026-02-31, 2026-13-01).
    case noSuchDate(year: Int64, month: Int64, day: Int64)
    /// An hour above 23, a minute or second above 59 (24:00:00, 12:60).
    case noSuchTime(hour: Int64, minute: Int64, second: Int64)
    /// Second 60: Unix time cannot represent a leap second.
    case leapSecond
    /// A UTC offset with hours above 23 or minutes above 59.
    case noSuchOffset
    /// Before 0001-01-01 or after 9999-12-31 (typically epoch milliseconds or microseconds).
    case outOfRange

    /// The expected forms, for messages.
    public static let expectedForms =
        "ISO 8601 such as 2026-03-01, 2026-03-01T12:34:56Z or 2026-03-01 12:34:56.5+02:00, or epoch seconds such as 1772368496"

    public var description: String {
        switch self {
        case .empty: return "empty (expected \(Self.expectedForms))"
        case .malformed: return "expected \(Self.expectedForms)"
        case .noSuchDate(let year, let month, let day):
            let date = "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
            guard (1...12).contains(month) else { return "\(date) does not exist (months are 01 to 12)" }
            let name = CivilCalendar.monthNames[Int(month - 1)]
            return "\(date) does not exist (\(name) \(year) has \(CivilCalendar.daysInMonth(year: year, month: month)) days)"
        case .noSuchTime(let hour, let minute, let second):
            return "\(Self.pad(hour, 2)):\(Self.pad(minute, 2)):\(Self.pad(second, 2)) is not a time of day (hours 00–23, minutes and seconds 00–59)"
        case .leapSecond:
            return "second 60 (a leap second) has no Unix time; write 23:59:59 or the next second"
        case .noSuchOffset:
            return "the UTC offset does not exist (hours 00–23, minutes 00–59)"
        case .outOfRange:
            return "outside years 0001–9999 (epoch values are seconds, not milliseconds or microseconds)"
        }
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

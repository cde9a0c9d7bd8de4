/// Parses exposure and event timestamps from bytes into microseconds since the Unix epoch (UTC).
///
/// Accepted (README, input formats):
/// - integer epoch seconds, optionally signed and with a fraction: `1772368496`, `1772368496.25`;
/// - ISO 8601 / RFC 3339: `2026-03-01`, `2026-03-01T12:34:56Z`, `2026-03-01 12:34:56.123456+05:30`,
///   `2026-03-01T12:34Z`, offsets `Z`, `±HH`, `±HHMM`, `±HH:MM`; no offset means UTC.
///
/// Written for hot loops: no Foundation, no allocation. Fractions beyond microseconds are
/// truncated. Days are counted with the proleptic Gregorian calendar (H. Hinnant,
/// "chrono-Compatible Low-Level Date Algorithms", `days_from_civil`,
/// <https://howardhinnant.github.io/date_algorithms.html>).
public enum MicrosecondTimestamp {
    /// Microseconds since 1970-01-01T00:00:00Z, or `nil` when `bytes` is not a timestamp.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var cursor = Cursor(bytes: bytes)
        cursor.skipSpaces()
        let result: Int64?
        if cursor.count - cursor.index >= 10, cursor.peek(4) == UInt8(ascii: "-"), cursor.peek(7) == UInt8(ascii: "-") {
            result = parseISO(&cursor)
        } else {
            result = parseEpoch(&cursor)
        }
        cursor.skipSpaces()
        guard cursor.index == cursor.count, let result, validRange.contains(result) else { return nil }
        return result
    }

    /// Years 0001 to 9999 (four-digit ISO-8601 years), in microseconds: an epoch value in
    /// milliseconds or microseconds is rejected rather than read as a date millennia away.
    public static let validRange: ClosedRange<Int64> = -62_135_596_800_000_000...253_402_300_799_999_999

    /// Parses a `String` (not for hot loops only because of the call overhead; no allocation for native strings).
    public static func parse(_ text: String) -> Int64? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }

    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var count: Int { bytes.count }

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func peek(_ offset: Int = 0) -> UInt8? {
            let position = index + offset
            return position < bytes.count ? bytes[position] : nil
        }

        mutating func skipSpaces() {
            while let byte = peek(), byte == 0x20 || byte == 0x09 { index += 1 }
        }

        mutating func accept(_ byte: UInt8) -> Bool {
            guard peek() == byte else { return false }
            index += 1
            return true
        }

        /// Exactly `width` decimal digits.
        mutating func digits(_ width: Int) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<width {
                guard let byte = peek(), byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
                index += 1
            }
            return value
        }

        /// A `.ddd…` fraction as microseconds (truncated); 0 when absent, `nil` for a bare dot.
        mutating func fraction() -> Int64? {
            guard accept(UInt8(ascii: ".")) || accept(UInt8(ascii: ",")) else { return 0 }
            var micros: Int64 = 0, scale: Int64 = 100_000, seen = 0
            while let byte = peek(), byte >= 48, byte <= 57 {
                micros += Int64(byte - 48) * scale
                scale /= 10
                seen += 1
                index += 1
            }
            return seen > 0 ? micros : nil
        }
    }

    static func parseEpoch(_ cursor: inout Cursor) -> Int64? {
        let negative = cursor.accept(UInt8(ascii: "-"))
        if !negative { _ = cursor.accept(UInt8(ascii: "+")) }
        var seconds: Int64 = 0, seen = 0
        while let byte = cursor.peek(), byte >= 48, byte <= 57 {
            guard seen < 13 else { return nil }  // beyond year ±300000: not a timestamp
            seconds = seconds * 10 + Int64(byte - 48)
            seen += 1
            cursor.index += 1
        }
        guard seen > 0, let micros = cursor.fraction() else { return nil }
        let total = seconds * 1_000_000 + micros
        return negative ? -total : total
    }

    static func parseISO(_ cursor: inout Cursor) -> Int64? {
        guard let year = cursor.digits(4), cursor.accept(UInt8(ascii: "-")),
            let month = cursor.digits(2), cursor.accept(UInt8(ascii: "-")),
            let day = cursor.digits(2),
            (1...12).contains(month), day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month)
        else { return nil }
        var seconds = CivilCalendar.daysFromCivil(year: year, month: month, day: day) * 86_400
        guard cursor.accept(UInt8(ascii: "T")) || cursor.accept(UInt8(ascii: "t")) || cursor.accept(UInt8(ascii: " ")) else {
            return seconds * 1_000_000
        }
        guard let hour = cursor.digits(2), hour < 24, cursor.accept(UInt8(ascii: ":")),
            let minute = cursor.digits(2), minute < 60
        else { return nil }
        var second: Int64 = 0, micros: Int64 = 0
        if cursor.accept(UInt8(ascii: ":")) {
            guard let value = cursor.digits(2), value <= 60, let fraction = cursor.fraction() else { return nil }
            second = value
            micros = fraction
        }
        seconds += hour * 3600 + minute * 60 + second
        if cursor.accept(UInt8(ascii: "Z")) || cursor.accept(UInt8(ascii: "z")) {
            // UTC
        } else if let sign = cursor.peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            cursor.index += 1
            guard let offsetHours = cursor.digits(2), offsetHours < 24 else { return nil }
            var offsetMinutes: Int64 = 0
            if cursor.accept(UInt8(ascii: ":")) {
                guard let value = cursor.digits(2), value < 60 else { return nil }
                offsetMinutes = value
            } else if let next = cursor.peek(), next >= 48, next <= 57 {
                guard let value = cursor.digits(2), value < 60 else { return nil }
                offsetMinutes = value
            }
            let offset = offsetHours * 3600 + offsetMinutes * 60
            // Local time = UTC + offset, so UTC = local − offset.
            seconds += sign == UInt8(ascii: "+") ? -offset : offset
        }
        return seconds * 1_000_000 + micros
    }

    /// `2026-03-01T12:34:56Z` (with `.ffffff` when the microseconds are not zero).
    public static func format(_ micros: Int64) -> String {
        let seconds = CivilCalendar.floorDivide(micros, 1_000_000)
        let fraction = micros - seconds * 1_000_000
        let days = CivilCalendar.floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilCalendar.civilFromDays(days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2))"
        if fraction != 0 { text += "." + pad(fraction, 6) }
        return text + "Z"
    }
}

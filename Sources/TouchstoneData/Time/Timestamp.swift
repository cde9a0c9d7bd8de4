import Foundation
import TouchstoneExperiment

/// Timestamp parsing straight from bytes, to whole seconds since the Unix epoch (UTC).
///
/// Accepts integer epoch seconds (`1767225600`) and ISO-8601 / RFC 3339 date-times:
/// `2026-03-01T12:34:56Z`, a space instead of `T`, optional fractional seconds (truncated),
/// and `Z`, `±hh:mm`, `±hhmm` or no zone (read as UTC); a bare date `2026-03-01` is midnight
/// UTC. Day counting is ``CivilCalendar``'s. No Foundation formatter runs in the hot loop.
/// (``MicrosecondTimestamp`` keeps sub-second precision where first-exposure order needs it.)
public enum Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z, or `nil` when the bytes are not a timestamp.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        guard start < end else { return nil }
        let length = end - start
        // Epoch seconds: digits only (optionally signed), and not shaped like a date.
        let seconds = length < 10 || bytes[start + 4] != UInt8(ascii: "-")
            ? parseEpoch(bytes, start, end) : parseISO(bytes, start, end)
        guard let seconds, validRange.contains(seconds) else { return nil }
        return seconds
    }

    /// The instants a timestamp may name: years 0001 to 9999 (what four-digit ISO-8601 years
    /// can write), so an epoch value off by a factor of 1000 (milliseconds) is rejected, not
    /// read as a date tens of thousands of years away.
    public static let validRange: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    public static func parse(_ text: String) -> Int64? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }

    private static func digit(_ byte: UInt8) -> Int64? {
        byte >= 0x30 && byte <= 0x39 ? Int64(byte - 0x30) : nil
    }

    private static func parseEpoch(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        var index = start
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < end, end - index <= 12 else { return nil }
        var value: Int64 = 0
        while index < end {
            guard let d = digit(bytes[index]) else { return nil }
            value = value * 10 + d
            index += 1
        }
        return negative ? -value : value
    }

    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int, _ end: Int) -> Int64? {
        guard at + count <= end else { return nil }
        var value: Int64 = 0
        for index in at..<(at + count) {
            guard let d = digit(bytes[index]) else { return nil }
            value = value * 10 + d
        }
        return value
    }

    private static func parseISO(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        guard let year = number(bytes, start, 4, end), bytes[start + 4] == UInt8(ascii: "-"),
            let month = number(bytes, start + 5, 2, end), start + 7 < end, bytes[start + 7] == UInt8(ascii: "-"),
            let day = number(bytes, start + 8, 2, end),
            (1...12).contains(month), day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month)
        else { return nil }
        var seconds = CivilCalendar.daysFromCivil(year: year, month: month, day: day) * 86_400
        var index = start + 10
        if index == end { return seconds }
        guard bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: "t") || bytes[index] == 0x20,
            let hour = number(bytes, index + 1, 2, end), index + 3 < end, bytes[index + 3] == UInt8(ascii: ":"),
            let minute = number(bytes, index + 4, 2, end), hour < 24, minute < 60
        else { return nil }
        index += 6
        var second: Int64 = 0
        if index < end, bytes[index] == UInt8(ascii: ":") {
            guard let s = number(bytes, index + 1, 2, end), s < 61 else { return nil }
            second = s
            index += 3
            if index < end, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
                index += 1
                let fractionStart = index
                while index < end, digit(bytes[index]) != nil { index += 1 }
                guard index > fractionStart else { return nil }
            }
        }
        seconds += hour * 3_600 + minute * 60 + second
        guard index < end else { return seconds }
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            return index + 1 == end ? seconds : nil
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign: Int64 = bytes[index] == UInt8(ascii: "+") ? 1 : -1
            guard let zoneHours = number(bytes, index + 1, 2, end), zoneHours < 24 else { return nil }
            var cursor = index + 3
            if cursor < end, bytes[cursor] == UInt8(ascii: ":") { cursor += 1 }
            guard let zoneMinutes = number(bytes, cursor, 2, end), zoneMinutes < 60, cursor + 2 == end else { return nil }
            return seconds - sign * (zoneHours * 3_600 + zoneMinutes * 60)
        default:
            return nil
        }
    }

    /// ISO-8601 text (`2026-03-01T12:34:56Z`) of epoch seconds, for output.
    public static func format(_ seconds: Int64) -> String {
        MicrosecondTimestamp.format(seconds * 1_000_000)
    }
}

/// Durations written as a number and a unit: `90s`, `30m`, `12h`, `14d`, `2w` (plain numbers are days).
public enum DurationText {
    /// Seconds, or `nil` for malformed or non-positive text.
    public static func seconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let last = trimmed.last else { return nil }
        let multiplier: Double
        var number = Substring(trimmed)
        switch last {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3_600
        case "d": multiplier = 86_400
        case "w": multiplier = 7 * 86_400
        default: multiplier = 86_400
        }
        if last.isLetter { number = number.dropLast() }
        guard let value = Double(number), value > 0, value.isFinite, value * multiplier < 1e15 else { return nil }
        return Int64((value * multiplier).rounded())
    }
}

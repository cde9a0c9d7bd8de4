// MARK: - Formatting

extension Timestamp: CustomStringConvertible {
    /// ISO 8601 in UTC: `2026-03-01T12:34:56Z`, with `.ffffff` when the microseconds are not zero.
    /// ``Timestamp/parse(_:)-(String)`` reads it back to the same instant.
    public var description: String { Self.iso8601(microseconds: microseconds) }

    /// ``description`` of a microsecond count (any value; years outside 0001–9999 print with
    /// more or fewer digits and do not parse back).
    public static func iso8601(microseconds: Int64) -> String {
        let seconds = CivilCalendar.floorDivide(microseconds, 1_000_000)
        let fraction = microseconds - seconds * 1_000_000
        let days = CivilCalendar.floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilCalendar.civilFromDays(days)
        let pad = TimestampError.pad
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2))"
        if fraction != 0 { text += "." + pad(fraction, 6) }
        return text + "Z"
    }

    /// Epoch seconds as text, with a fraction only when there is one (`1772368496`,
    /// `1772368496.25`, `-0.5`): what exports write where integer seconds are the norm, and
    /// what ``Timestamp/parse(_:)-(String)`` reads back exactly.
    public var epochText: String {
        let whole = seconds
        var fraction = microseconds - whole * 1_000_000
        guard fraction != 0 else { return String(whole) }
        // Written as sign, |value|: floor(−0.5) = −1 with fraction 0.5 must print "-0.5".
        let negative = microseconds < 0
        let magnitude = negative ? -microseconds : microseconds
        let integer = magnitude / 1_000_000
        fraction = magnitude % 1_000_000
        var digits = TimestampError.pad(fraction, 6)
        while digits.last == "0" { digits.removeLast() }
        return "\(negative ? "-" : "")\(integer).\(digits)"
    }
}

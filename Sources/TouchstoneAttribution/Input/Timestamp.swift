/// Timestamps as seconds since 1970-01-01T00:00:00Z, parsed from bytes.
///
/// Accepted: integer or decimal epoch seconds, and ISO-8601 `YYYY-MM-DD`,
/// `YYYY-MM-DDTHH:MM[:SS[.fff]]` (`T` or a blank) with `Z`, `±HH:MM`, `±HHMM` or no zone (UTC).
enum Timestamp {
    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var lower = 0, upper = b.count
        while lower < upper, b[lower] == UInt8(ascii: " ") { lower += 1 }
        while upper > lower, b[upper - 1] == UInt8(ascii: " ") { upper -= 1 }
        guard upper > lower else { return nil }
        let seconds = upper - lower >= 10 && b[lower + 4] == UInt8(ascii: "-") ? iso(b, lower, upper) : epoch(b, lower, upper)
        // Years 0001-9999 only (as TouchstoneData's Timestamp): epoch milliseconds are an error, not a far-future date.
        guard let seconds, seconds >= -62_135_596_800, seconds <= 253_402_300_799 else { return nil }
        return seconds
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= 48 && byte <= 57 ? Int(byte - 48) : nil
    }

    private static func number(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ length: Int, _ end: Int) -> Int? {
        guard at + length <= end else { return nil }
        var value = 0
        for k in at..<(at + length) {
            guard let d = digit(b[k]) else { return nil }
            value = value * 10 + d
        }
        return value
    }

    private static func epoch(_ b: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int) -> Double? {
        var index = lower
        var negative = false
        if b[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var whole = 0.0, fraction = 0.0, scale = 1.0
        var sawDigit = false, sawPoint = false
        while index < upper {
            if b[index] == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else if let d = digit(b[index]) {
                sawDigit = true
                if sawPoint {
                    scale /= 10
                    fraction += Double(d) * scale
                } else {
                    whole = whole * 10 + Double(d)
                }
            } else {
                return nil
            }
            index += 1
        }
        guard sawDigit, whole < 1e15 else { return nil }
        return negative ? -(whole + fraction) : whole + fraction
    }

    private static func iso(_ b: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int) -> Double? {
        guard let year = number(b, lower, 4, upper), b[lower + 7] == UInt8(ascii: "-"),
            let month = number(b, lower + 5, 2, upper), let day = number(b, lower + 8, 2, upper),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        var index = lower + 10
        guard index < upper else { return seconds }
        guard b[index] == UInt8(ascii: "T") || b[index] == UInt8(ascii: " ") else { return nil }
        guard let hour = number(b, index + 1, 2, upper), index + 3 < upper, b[index + 3] == UInt8(ascii: ":"),
            let minute = number(b, index + 4, 2, upper), hour < 24, minute < 60
        else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        index += 6
        if index < upper, b[index] == UInt8(ascii: ":") {
            guard let second = number(b, index + 1, 2, upper), second <= 60 else { return nil }
            seconds += Double(second)
            index += 3
            if index < upper, b[index] == UInt8(ascii: ".") {
                index += 1
                var scale = 0.1
                let first = index
                while index < upper, let d = digit(b[index]) {
                    seconds += Double(d) * scale
                    scale /= 10
                    index += 1
                }
                guard index > first else { return nil }
            }
        }
        guard index < upper else { return seconds }
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            return index + 1 == upper ? seconds : nil
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = b[index] == UInt8(ascii: "+") ? 1.0 : -1.0
            guard let hours = number(b, index + 1, 2, upper) else { return nil }
            var minutes = 0
            var next = index + 3
            if next < upper, b[next] == UInt8(ascii: ":") { next += 1 }
            if next < upper {
                guard let m = number(b, next, 2, upper), next + 2 == upper else { return nil }
                minutes = m
            }
            return seconds - sign * Double(hours * 3600 + minutes * 60)
        default:
            return nil
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant, "chrono-Compatible
    /// Low-Level Date Algorithms", `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

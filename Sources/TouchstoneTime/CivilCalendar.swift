/// Proleptic Gregorian calendar arithmetic on days since 1970-01-01 (UTC), shared by every
/// timestamp parser and formatter in the package.
///
/// Howard Hinnant's `days_from_civil` and `civil_from_days`
/// (<https://howardhinnant.github.io/date_algorithms.html>): exact for every representable day,
/// with no table and no Foundation calendar in the hot loop. Those algorithms map *any*
/// (year, month, day) to a day number — 2026-02-31 silently becomes 2026-03-03 — so callers
/// check ``isValid(year:month:day:)`` first; ``Timestamp`` always does.
public enum CivilCalendar {
    /// Gregorian leap year: divisible by 4, except centuries not divisible by 400.
    public static func isLeap(_ year: Int64) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Days in `month` (1–12) of `year`; 0 for a month outside 1–12.
    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        case 1, 3, 5, 7, 8, 10, 12: 31
        default: 0
        }
    }

    /// Whether the date exists: month 1–12 and day 1 to the month's length (2026-02-31 does not).
    public static func isValid(year: Int64, month: Int64, day: Int64) -> Bool {
        day >= 1 && day <= daysInMonth(year: year, month: month)
    }

    /// Days since 1970-01-01 of a valid date (``isValid(year:month:day:)``).
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day counted from 1970-01-01.
    public static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// ⌊a / b⌋ for b > 0 (Swift's `/` truncates toward zero).
    public static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-(a + 1)) / b) - 1
    }

    /// ⌈a / b⌉ for b > 0.
    public static func ceilDivide(_ a: Int64, _ b: Int64) -> Int64 {
        -floorDivide(-a, b)
    }

    /// English month names, for messages.
    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
}

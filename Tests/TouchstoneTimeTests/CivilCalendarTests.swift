import Testing
import TouchstoneTime

@Suite("CivilCalendar")
struct CivilCalendarTests {
    @Test("day numbers and dates convert both ways over years 0001–9999 (every day of 1600–2400, month ends elsewhere)")
    func roundTripEveryDay() {
        var days = CivilCalendar.daysFromCivil(year: 1, month: 1, day: 1)
        var failures = 0
        for year: Int64 in 1...9_999 {
            for month: Int64 in 1...12 {
                let length = CivilCalendar.daysInMonth(year: year, month: month)
                for day in 1...length where (1600...2400).contains(year) || day == 1 || day == length {
                    let number = days + day - 1
                    if CivilCalendar.daysFromCivil(year: year, month: month, day: day) != number
                        || CivilCalendar.civilFromDays(number) != (year, month, day) {
                        failures += 1
                    }
                }
                days += length
            }
        }
        #expect(failures == 0)
        #expect(days == CivilCalendar.daysFromCivil(year: 9_999, month: 12, day: 31) + 1)
    }

    @Test("impossible dates are invalid")
    func validity() {
        #expect(CivilCalendar.isValid(year: 2024, month: 2, day: 29))
        #expect(CivilCalendar.isValid(year: 2000, month: 2, day: 29))
        #expect(!CivilCalendar.isValid(year: 2100, month: 2, day: 29))
        #expect(!CivilCalendar.isValid(year: 2026, month: 2, day: 31))
        #expect(!CivilCalendar.isValid(year: 2026, month: 13, day: 1))
        #expect(!CivilCalendar.isValid(year: 2026, month: 0, day: 1))
        #expect(!CivilCalendar.isValid(year: 2026, month: 4, day: 31))
        #expect(!CivilCalendar.isValid(year: 2026, month: 1, day: 0))
    }

    @Test("floor and ceiling division", arguments: [(Int64(7), Int64(2), Int64(3), Int64(4)), (-7, 2, -4, -3), (-6, 2, -3, -3), (0, 5, 0, 0), (-1, 1_000_000, -1, 0)])
    func division(_ a: Int64, _ b: Int64, _ floor: Int64, _ ceil: Int64) {
        #expect(CivilCalendar.floorDivide(a, b) == floor)
        #expect(CivilCalendar.ceilDivide(a, b) == ceil)
    }
}

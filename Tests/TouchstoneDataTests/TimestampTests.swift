import Foundation
import Testing
import TouchstoneData

@Suite("Timestamps")
struct TimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2026-03-01T12:34:56Z", Int64(1_772_368_496)),
        ("2026-03-01 12:34:56", Int64(1_772_368_496)),
        ("2026-03-01T12:34:56.789Z", Int64(1_772_368_496)),
        ("2026-03-01T14:34:56+02:00", Int64(1_772_368_496)),
        ("2026-03-01T07:04:56-0530", Int64(1_772_368_496)),
        ("2026-03-01", Int64(1_772_323_200)),
        ("2000-02-29T00:00:00Z", Int64(951_782_400)),
        ("1772368496", Int64(1_772_368_496)),
        ("-86400", Int64(-86_400)),
        ("1969-12-31T00:00:00Z", Int64(-86_400)),
    ])
    func parses(_ text: String, _ expected: Int64) {
        #expect(Timestamp.parse(text) == expected)
    }

    @Test(arguments: [
        "", "2026-13-01", "2026-02-30T00:00:00Z", "2025-02-29", "2026-03-01T25:00:00Z", "2026-03-01T12:34:56Q",
        "yesterday", "12.5", "2026-03-01T12:34:56+2", "99999999999999",
    ])
    func rejects(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func agreesWithFoundationOverManyDates() {
        let formatter = ISO8601DateFormatter()
        var seconds: Int64 = -2_208_988_800  // 1900-01-01
        while seconds < 4_102_444_800 {  // 2100-01-01
            let text = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(Timestamp.parse(text) == seconds, "\(text)")
            #expect(Timestamp.format(seconds) == text)
            seconds += 86_400 * 37 + 3_661
        }
    }
}

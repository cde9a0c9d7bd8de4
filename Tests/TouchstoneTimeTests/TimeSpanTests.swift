import Testing
import TouchstoneTestSupport
import TouchstoneTime

/// The duration parser against the shared table, its text form and the window rule.
@Suite("TimeSpan")
struct TimeSpanTests {
    @Test("every duration of the shared table parses to Python's length or is rejected for Python's reason",
          arguments: TimeStringTable.shared.durations)
    func sharedTable(_ entry: TimeStringTable.Entry) {
        do {
            let span = try TimeSpan(parsing: entry.text)
            #expect(span.microseconds == entry.microseconds)
            // The printed form reads back as the same length.
            #expect(TimeSpan.parse(span.description) == span)
        } catch {
            #expect(entry.microseconds == nil)
            let name = switch error {
            case .empty: "empty"
            case .malformed: "malformed"
            case .notPositive: "notPositive"
            case .tooLong: "tooLong"
            }
            #expect(name == entry.rejection)
        }
    }

    @Test("text form: the largest whole unit")
    func description() throws {
        #expect(try TimeSpan(parsing: "14d").description == "2w")
        #expect(try TimeSpan(parsing: "36h").description == "36h")
        #expect(try TimeSpan(parsing: "1.5m").description == "90s")
        #expect(try TimeSpan(parsing: "1.25s").description == "1.25s")
        #expect(TimeSpan(days: 3).description == "3d")
    }

    @Test("windows are half-open: the anchor is inside, the far end outside")
    func halfOpen() throws {
        let day = TimeSpan(days: 1)
        #expect(day.contains(elapsed: 0))
        #expect(day.contains(elapsed: 86_400_000_000 - 1))
        #expect(!day.contains(elapsed: 86_400_000_000))
        #expect(!day.contains(elapsed: -1))
        // Consecutive windows [0, W) and [W, 2W) never share an instant.
        for elapsed: Int64 in [0, 1, 86_399_999_999, 86_400_000_000, 86_400_000_001, 172_799_999_999, 172_800_000_000] {
            let first = day.contains(elapsed: elapsed), second = day.contains(elapsed: elapsed - 86_400_000_000)
            #expect(!(first && second))
            #expect(first || second || elapsed >= 172_800_000_000)
        }
    }

    @Test("constructors refuse zero, negative and overlong lengths")
    func constructors() {
        #expect(TimeSpan(microseconds: 0) == nil)
        #expect(TimeSpan(microseconds: -1) == nil)
        #expect(TimeSpan(seconds: 0) == nil)
        #expect(TimeSpan(microseconds: TimeSpan.maximumMicroseconds + 1) == nil)
        #expect(TimeSpan(microseconds: TimeSpan.maximumMicroseconds) != nil)
        #expect(TimeSpan(seconds: 90)?.seconds == 90)
    }

    @Test("rejections name the flag and the problem")
    func messages() {
        #expect(TimeSpan.rejection(of: "0d", flag: "--window")
            == "--window '0d': a duration must be positive (expected \(TimeSpanError.expectedForms))")
        #expect(TimeSpan.rejection(of: "1y", flag: "--lookback") == "--lookback '1y': expected \(TimeSpanError.expectedForms)")
    }
}

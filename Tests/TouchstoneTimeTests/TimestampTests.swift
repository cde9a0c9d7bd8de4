import Foundation
import Testing
import TouchstoneTestSupport
import TouchstoneTime

/// The timestamp parser against the shared table (reference outcomes from Python's `datetime`
/// and `Decimal`, `Scripts/make_time_reference.py`), and its views and text forms.
@Suite("Timestamp")
struct TimestampTests {
    static let table = TimeStringTable.shared

    @Test("the shared table is there and covers both outcomes")
    func tableLoads() throws {
        let table = try TimeStringTable.load()
        #expect(table.timestamps.count == 80)
        #expect(table.timestamps.filter(\.isAccepted).count == 33)
        #expect(table.durations.count == 32)
    }

    @Test("every string of the shared table parses to Python's instant or is rejected for Python's reason",
          arguments: table.timestamps)
    func sharedTable(_ entry: TimeStringTable.Entry) {
        do {
            let parsed = try Timestamp(parsing: entry.text)
            #expect(parsed.microseconds == entry.microseconds)
        } catch {
            #expect(entry.microseconds == nil)
            #expect(Self.name(of: error) == entry.rejection)
        }
        // The byte entry of the hot loop agrees with the throwing one.
        var text = entry.text
        let fromBytes = text.withUTF8 { Timestamp.parse($0) }
        #expect(fromBytes?.microseconds == entry.microseconds)
    }

    @Test("accepted strings print back (ISO 8601 and epoch text) to the same instant", arguments: table.timestamps.filter(\.isAccepted))
    func roundTrip(_ entry: TimeStringTable.Entry) throws {
        let parsed = try Timestamp(parsing: entry.text)
        #expect(Timestamp.parse(parsed.description) == parsed)
        #expect(Timestamp.parse(parsed.epochText) == parsed)
        // The seconds view is the second the instant lies in.
        #expect(parsed.seconds * 1_000_000 <= parsed.microseconds && parsed.microseconds < (parsed.seconds + 1) * 1_000_000)
    }

    @Test("the seconds view floors toward the past")
    func secondsView() throws {
        #expect(try Timestamp(parsing: "-0.5").seconds == -1)
        #expect(try Timestamp(parsing: "-1").seconds == -1)
        #expect(try Timestamp(parsing: "1772368496.999999").seconds == 1_772_368_496)
        #expect(try Timestamp(parsing: "1969-12-31T23:59:59.5Z").seconds == -1)
    }

    @Test("epoch text: integer when whole, shortest fraction otherwise")
    func epochText() throws {
        #expect(try Timestamp(parsing: "2026-03-01T12:34:56Z").epochText == "1772368496")
        #expect(try Timestamp(parsing: "2026-03-01T12:34:56.25Z").epochText == "1772368496.25")
        #expect(try Timestamp(parsing: "-0.5").epochText == "-0.5")
        #expect(try Timestamp(parsing: "-1.000001").epochText == "-1.000001")
        #expect(try Timestamp(parsing: "1969-12-31T23:59:59Z").epochText == "-1")
    }

    @Test("ISO 8601 output")
    func iso8601() {
        #expect(Timestamp(microseconds: 1_772_368_496_000_000)?.description == "2026-03-01T12:34:56Z")
        #expect(Timestamp(microseconds: 1_772_368_496_250_000)?.description == "2026-03-01T12:34:56.250000Z")
        #expect(Timestamp(microseconds: -1_000_000)?.description == "1969-12-31T23:59:59Z")
        #expect(Timestamp(microseconds: Timestamp.validMicroseconds.upperBound + 1) == nil)
        #expect(Timestamp(seconds: 253_402_300_800) == nil)
        #expect(Timestamp(seconds: -62_135_596_800)?.description == "0001-01-01T00:00:00Z")
    }

    @Test("rejections name the problem")
    func messages() {
        #expect(Timestamp.rejection(of: "2026-02-31")
            == "'2026-02-31' is not a timestamp: 2026-02-31 does not exist (February 2026 has 28 days)")
        #expect(Timestamp.rejection(of: "2026-13-01") == "'2026-13-01' is not a timestamp: 2026-13-01 does not exist (months are 01 to 12)")
        #expect(Timestamp.rejection(of: "2026-03-01T24:00:01Z")
            == "'2026-03-01T24:00:01Z' is not a timestamp: 24:00:01 is not a time of day (hours 00–23, minutes and seconds 00–59)")
        #expect(Timestamp.rejection(of: "1772368496000").contains("not milliseconds"))
        #expect(Timestamp.rejection(of: "2016-12-31T23:59:60Z").contains("leap second"))
        #expect(Timestamp.rejection(of: "soon").contains("expected ISO 8601"))
    }

    @Test("only the given bytes are read: a field inside a longer buffer")
    func boundedByTheBuffer() {
        let line = Array("2026-03-01T12:34:56Z,purchase,2026-03-01".utf8)
        line.withUnsafeBufferPointer { buffer in
            #expect(Timestamp.parse(UnsafeBufferPointer(rebasing: buffer[0..<20]))?.microseconds == 1_772_368_496_000_000)
            #expect(Timestamp.parse(UnsafeBufferPointer(rebasing: buffer[0..<10]))?.microseconds == 1_772_323_200_000_000)
            #expect(Timestamp.parse(UnsafeBufferPointer(rebasing: buffer[0..<19]))?.microseconds == 1_772_368_496_000_000)
            #expect(Timestamp.parse(UnsafeBufferPointer(rebasing: buffer[0..<4])) != nil)  // "2026": epoch seconds
            #expect(Timestamp.parse(UnsafeBufferPointer(rebasing: buffer[0..<5])) == nil)  // "2026-"
            #expect(Timestamp.parse(UnsafeBufferPointer(rebasing: buffer[0..<0])) == nil)
        }
    }

    @Test("agrees with Foundation's ISO 8601 formatter from 1900 to 2100")
    func agreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        var seconds: Int64 = -2_208_988_800  // 1900-01-01
        while seconds < 4_102_444_800 {  // 2100-01-01
            let text = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(Timestamp.parse(text)?.microseconds == seconds * 1_000_000, "\(text)")
            #expect(Timestamp(seconds: seconds)?.description == text)
            seconds += 86_400 * 37 + 3_661
        }
    }

    @Test("random instants over the whole range print and parse back exactly")
    func randomRoundTrip() {
        var generator = SplitMix64(seed: 14)
        let range = Timestamp.validMicroseconds
        for _ in 0..<20_000 {
            let micros = Int64.random(in: range, using: &generator)
            guard let instant = Timestamp(microseconds: micros) else {
                Issue.record("\(micros) is in range")
                continue
            }
            #expect(Timestamp.parse(instant.description) == instant)
            #expect(Timestamp.parse(instant.epochText) == instant)
        }
    }

    static func name(of error: TimestampError) -> String {
        switch error {
        case .empty: "empty"
        case .malformed: "malformed"
        case .noSuchDate: "noSuchDate"
        case .noSuchTime: "noSuchTime"
        case .leapSecond: "leapSecond"
        case .noSuchOffset: "noSuchOffset"
        case .outOfRange: "outOfRange"
        }
    }
}

/// A small seeded generator, so the random test is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

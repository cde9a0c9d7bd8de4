import Testing
@testable import TouchstoneTime

/// The fixed-layout shortcut for `YYYY-MM-DDThh:mm:ss[Z]` must give exactly what the general
/// ISO 8601 grammar gives — the same instant, or the same rejection — on every text near it.
@Suite("ISO 8601 fixed-layout shortcut")
struct TimestampFixedLayoutTests {
    /// Instant (or failure) of `text`, with or without the shortcut.
    static func parse(_ text: [UInt8], fixedLayout: Bool) -> Result<Int64, TimestampError> {
        text.withUnsafeBufferPointer { buffer in
            var parser = TimestampParser(buffer)
            return parser.parse(fixedLayout: fixedLayout).map(Result.success) ?? .failure(parser.failure)
        }
    }

    static let seeds = [
        "2024-02-29T23:59:59Z", "1970-01-01 00:00:00", "9999-12-31t23:59:59z", "0001-01-01T00:00:00Z",
        "2023-02-28T12:34:56", "2000-02-29 00:00:00Z",
    ]

    @Test("every one-byte change of fixed-layout texts: same instant or same rejection as the general grammar",
          arguments: seeds)
    func agreesWithTheGeneralGrammar(seed: String) {
        let original = Array(seed.utf8)
        var texts = [original, Array(original.dropLast()), original + [UInt8(ascii: "Z")], original + [UInt8(ascii: "0")]]
        for position in original.indices {
            for byte in UInt8.min...UInt8.max {
                var text = original
                text[position] = byte
                texts.append(text)
            }
        }
        var accepted = 0
        for text in texts {
            let fast = Self.parse(text, fixedLayout: true), general = Self.parse(text, fixedLayout: false)
            #expect(fast == general, "\(String(decoding: text, as: UTF8.self))")
            if case .success = fast { accepted += 1 }
        }
        #expect(accepted > 20)
    }

    @Test("exact instants and rejections of the common export forms")
    func exactValues() {
        func micros(_ text: String) -> Result<Int64, TimestampError> { Self.parse(Array(text.utf8), fixedLayout: true) }
        #expect(micros("2024-02-29T00:00:00Z") == .success(1_709_164_800_000_000))
        #expect(micros("2024-03-01 12:34:56") == .success(1_709_296_496_000_000))
        #expect(micros("1969-12-31T23:59:59Z") == .success(-1_000_000))
        #expect(micros("2023-02-29T00:00:00Z") == .failure(.noSuchDate(year: 2023, month: 2, day: 29)))
        #expect(micros("2024-00-10T00:00:00Z") == .failure(.noSuchDate(year: 2024, month: 0, day: 10)))
        #expect(micros("2024-03-01T23:60:00Z") == .failure(.noSuchTime(hour: 23, minute: 60, second: 0)))
        #expect(micros("2024-03-01T23:59:60Z") == .failure(.leapSecond))
        #expect(micros("0000-12-31T23:59:59Z") == .failure(.outOfRange))
        #expect(micros("2024-03-01T12:34:5xZ") == .failure(.malformed))
    }
}

import Testing
@testable import TouchstoneTime

/// Eight epoch digits read as one word, against reading them one by one.
@Suite("Epoch seconds, eight digits at a time")
struct EpochDigitsTests {
    @Test("eight bytes are digits exactly when the word test says so, with the same value")
    func eightDigitsAgreeWithTheLoop() {
        // Digits, and the bytes on either side of them and of their nibble tests.
        let palette: [UInt8] = Array(0x30...0x39) + [0x2F, 0x3A, 0x20, 0x2D, 0x2E, 0x00, 0xB0, 0xB9, 0x3F, 0x40, 0x70]
        var state: UInt64 = 0x2026_1202
        func draw(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        for trial in 0..<50_000 {
            // Mostly all digits, sometimes one or two other bytes anywhere.
            var bytes = (0..<8).map { _ in UInt8(0x30 + draw(10)) }
            for _ in 0..<(trial % 3 == 0 ? draw(3) : 0) { bytes[draw(8)] = palette[draw(palette.count)] }
            let expected: Int64? = bytes.allSatisfy { (0x30...0x39).contains($0) }
                ? bytes.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) } : nil
            let found = bytes.withUnsafeBufferPointer { TimestampParser.eightDigits($0, at: 0) }
            #expect(found == expected, "\(bytes)")
        }
        for text in ["00000000", "99999999", "12345678", "90000001"] {
            let bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBufferPointer { TimestampParser.eightDigits($0, at: 0) } == Int64(text))
        }
    }

    @Test("epoch seconds of every length read the same value", arguments: 1...16)
    func everyLength(digits: Int) {
        let text = String("1234567890123456".prefix(digits))
        let seconds = Int64(text) ?? -1
        let parsed = Timestamp.parse(text)
        if seconds <= 253_402_300_799 {
            #expect(parsed?.microseconds == seconds * 1_000_000, "\(text)")
        } else {
            #expect(parsed == nil, "\(text)")
        }
        // Leading zeros, a sign and a fraction around the eight-digit word.
        #expect(Timestamp.parse("-00" + String(text.prefix(8)))?.microseconds == -(Int64(text.prefix(8)) ?? 0) * 1_000_000)
        #expect(Timestamp.parse("+" + String(text.prefix(9)) + ".5")?.microseconds == (Int64(text.prefix(9)) ?? 0) * 1_000_000 + 500_000)
        #expect(Timestamp.parse(String(text.prefix(7)) + "x12") == nil)
    }
}

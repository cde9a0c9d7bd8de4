import Foundation
import Testing
@testable import TouchstoneReport

/// The bucket printer of `assign --format json` writes what `Double.description` writes (what
/// JSONEncoder writes), or declines.
@Suite("Shortest decimal")
struct ShortestDecimalTests {
    static func described(_ value: Double) -> String {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    @Test func agreesWithDescriptionOnBuckets() {
        var state: UInt64 = 42
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        // Native buckets (multiples of 2^-53, some tiny), GrowthBook's n/1000 and n/10000, edges.
        var values: [Double] = [0, 0.5, 0.75, 0.25, 0.1, 0.001, 0.0001, 0.0005, 0x1p-11, 0x1p-12, 1 - 0x1p-53, 1.0 / 3]
        values += (0..<200_000).map { _ in Double(next() >> 11) * 0x1p-53 }
        values += (0..<20_000).map { _ in Double(next() >> (11 + next() % 20)) * 0x1p-53 }
        values += (0..<10_000).map { Double($0) / 10_000 } + (0..<1_000).map { Double($0) / 1_000 }
        let output = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
        defer { output.deallocate() }
        var written = 0, mismatches: [Double] = []
        for value in values {
            guard let count = ShortestDecimal.write(value, to: output) else { continue }
            written += 1
            let text = String(decoding: UnsafeRawBufferPointer(start: output, count: count), as: UTF8.self)
            if text != Self.described(value) { mismatches.append(value) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(written > values.count * 9 / 10)  // declining is the exception
    }
}

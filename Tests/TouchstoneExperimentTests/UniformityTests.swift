import Testing
import TouchstoneStats
@testable import TouchstoneExperiment

/// Writes "user-<n>" into a reused buffer and hashes the bytes: no String per id, so 1,000,000
/// ids take well under a second even in a debug build.
private func forEachId(_ count: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
    var buffer = [UInt8](repeating: 0, count: 32)
    let prefix = Array("user-".utf8)
    for (index, byte) in prefix.enumerated() { buffer[index] = byte }
    for n in 0..<count {
        var digits = 0, value = n
        repeat { digits += 1; value /= 10 } while value > 0
        value = n
        for position in stride(from: prefix.count + digits - 1, through: prefix.count, by: -1) {
            buffer[position] = UInt8(48 + value % 10)
            value /= 10
        }
        buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<(prefix.count + digits)])) }
    }
}

@Suite struct NativeHashStatistics {
    /// Pearson chi-square over 10,000 equal buckets; under uniformity χ² ~ χ²(9999).
    @Test(arguments: ["exp-a", "onboarding_channels", "checkout_v2", ""])
    func uniformOverTenThousandBuckets(salt: String) {
        let seed = XXH64.hash(salt)
        let buckets = 10_000, ids = 1_000_000
        var counts = [Int](repeating: 0, count: buckets)
        forEachId(ids) { bytes in
            let bucket = Double(XXH64.hash(bytes, seed: seed) >> 11) * 0x1p-53
            counts[Int(bucket * Double(buckets))] += 1
        }
        let expected = Double(ids) / Double(buckets)
        let chiSquare = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        let p = ChiSquared(degreesOfFreedom: Double(buckets - 1)).survival(chiSquare)
        #expect(p > 0.001, "salt '\(salt)': χ² = \(chiSquare), p = \(p)")
    }

    /// Assignments under two salts are independent: a 20 × 20 contingency table of buckets has
    /// χ² ~ χ²(361) under independence.
    @Test(arguments: [("exp-a", "exp-b"), ("checkout", "checkout_v2"), ("x", "y")])
    func independentAcrossSalts(salts: (String, String)) {
        let first = XXH64.hash(salts.0), second = XXH64.hash(salts.1)
        let cells = 20, ids = 200_000
        var table = [Int](repeating: 0, count: cells * cells)
        forEachId(ids) { bytes in
            let a = Int(Double(XXH64.hash(bytes, seed: first) >> 11) * 0x1p-53 * Double(cells))
            let b = Int(Double(XXH64.hash(bytes, seed: second) >> 11) * 0x1p-53 * Double(cells))
            table[a * cells + b] += 1
        }
        var rows = [Int](repeating: 0, count: cells), columns = [Int](repeating: 0, count: cells)
        for a in 0..<cells { for b in 0..<cells { rows[a] += table[a * cells + b]; columns[b] += table[a * cells + b] } }
        var chiSquare = 0.0
        for a in 0..<cells {
            for b in 0..<cells {
                let expected = Double(rows[a]) * Double(columns[b]) / Double(ids)
                chiSquare += (Double(table[a * cells + b]) - expected) * (Double(table[a * cells + b]) - expected) / expected
            }
        }
        let p = ChiSquared(degreesOfFreedom: Double((cells - 1) * (cells - 1))).survival(chiSquare)
        #expect(p > 0.001, "salts \(salts): χ² = \(chiSquare), p = \(p)")
    }

    @Test func stringAndByteHashingAgree() {
        var checked = 0
        forEachId(1000) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(XXH64.hash(text, seed: 7) == XXH64.hash(bytes, seed: 7))
            checked += 1
        }
        #expect(checked == 1000)
    }
}

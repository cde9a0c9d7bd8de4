import Foundation
import Testing
@testable import TouchstoneExperiment

/// The byte-level id scanner of batch assignment: its UTF-8 rule is `String(validating:)`'s, and
/// chunks cut anywhere number lines as one pass over the whole buffer does.
@Suite("Unit id scanner")
struct UnitIdScannerTests {
    @Test func utf8ValidationMatchesTheStandardLibrary() {
        var state: UInt64 = 0x5EED
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        // Bytes biased to lead and continuation values, where the edge cases are.
        let interesting: [UInt8] = [0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        var disagreements = 0, valid = 0
        for _ in 0..<200_000 {
            let length = Int(next() % 6)
            let bytes = (0..<length).map { _ in next() % 3 == 0 ? UInt8(truncatingIfNeeded: next()) : interesting[Int(next() % UInt64(interesting.count))] }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let actual = bytes.withUnsafeBytes { UnitIdScanner.isValidUTF8($0) }
            if expected != actual { disagreements += 1 }
            if expected { valid += 1 }
        }
        #expect(disagreements == 0)
        #expect(valid > 10_000)  // both outcomes well represented
    }

    @Test func chunkedScansSeeTheSameIdsAndLines() {
        let text = "\u{FEFF}unit_id\r\na\n\n  \nb\r\nunit_id\n\té\nlast"
        let bytes = Array(text.utf8)
        func scan(_ size: Int) -> (ids: [String], lines: Int) {
            bytes.withUnsafeBytes { buffer in
                var ids: [String] = [], lines = 0
                for chunk in UnitIdScanner.chunks(of: buffer, targetSize: size) {
                    lines += UnitIdScanner.scan(buffer, chunk: chunk) { id, _ in ids.append(String(decoding: id, as: UTF8.self)) }.lines
                }
                return (ids, lines)
            }
        }
        for size in [1, 2, 3, 5, 8, 1000] {
            let result = scan(size)
            #expect(result.ids == ["a", "b", "unit_id", "\té", "last"], "chunks of \(size)")
            #expect(result.lines == 8)
        }
    }

    @Test func bytesHashLikeTheirString() {
        let ids = ["", "a", "user-123", "é", "e\u{301}", "😀", "日本語", String(repeating: "x", count: 100), "\u{212A}"]
        for algorithm in HashAlgorithm.allCases {
            let hash = SaltedHash(algorithm, salt: "salt-é")
            for id in ids {
                let bytes = Array(id.utf8)
                #expect(bytes.withUnsafeBytes { hash.bucket(utf8: $0) } == hash.bucket(id), "\(algorithm) \(id)")
            }
        }
    }
}

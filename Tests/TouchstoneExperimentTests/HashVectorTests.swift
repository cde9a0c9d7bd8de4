import Foundation
import Testing
import TouchstoneTestSupport
@testable import TouchstoneExperiment

private func fixture(_ name: String) throws -> [String: Any] {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "json"))
    return try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
}

@Suite struct NativeHashVectors {
    @Test func matchesTheXXHashReferenceLibrary() throws {
        let data = try fixture("touchstone_hash_vectors")
        let cases = try #require(data["cases"] as? [[Any]])
        #expect(cases.count >= 15)
        for item in cases {
            let salt = try #require(item[0] as? String), id = try #require(item[1] as? String)
            let seedText = try #require(item[2] as? String), digestText = try #require(item[3] as? String)
            let seed = try #require(UInt64(seedText)), digest = try #require(UInt64(digestText))
            let bucketText = try #require(item[4] as? String), bucket = try #require(Double(bucketText))
            #expect(XXH64.hash(salt) == seed, "salt \(salt)")
            #expect(XXH64.hash(id, seed: seed) == digest, "id \(id)")
            #expect(SaltedHash(.touchstone, salt: salt).bucket(id) == bucket, "bucket of \(id)")
        }
    }

    @Test func substringsHashLikeTheirText() {
        let line = "user-123,exp"
        let id = line.split(separator: ",")[0]
        #expect(SaltedHash(.touchstone, salt: "s").bucket(id) == SaltedHash(.touchstone, salt: "s").bucket("user-123"))
    }
}

@Suite struct GrowthBookVectors {
    @Test func hash() throws {
        let data = try fixture("growthbook_hash_cases")
        let cases = try #require(data["hash"] as? [[Any]])
        for item in cases {
            let seed = try #require(item[0] as? String), value = try #require(item[1] as? String)
            let version = try #require(item[2] as? Int)
            let algorithm: HashAlgorithm? = version == 1 ? .growthbookV1 : version == 2 ? .growthbookV2 : nil
            let expected = item[3] as? Double
            #expect(algorithm.map { SaltedHash($0, salt: seed).bucket(value) } == expected, "\(item)")
        }
    }

    /// GrowthBook v2 hashes the decimal text of the inner hash; ``FNV1a/combineDecimal(_:)``
    /// must feed exactly the digits `String(value)` writes, at every digit count and boundary.
    @Test func decimalDigitsAreTheTextOfTheNumber() {
        var values: [UInt32] = [0, 1, 9, 10, 11, 99, 100, 101, UInt32.max, UInt32.max - 1, 4_000_000_000, 999_999_999, 1_000_000_000]
        var power: UInt32 = 1
        for _ in 0..<9 {
            power *= 10
            values += [power - 1, power, power + 1]
        }
        var random = UInt64(0x9E37_79B9_7F4A_7C15)
        for _ in 0..<20_000 {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(UInt32(truncatingIfNeeded: random >> 32) >> UInt32(random % 32))
        }
        for value in values {
            for start in [FNV1a(), { var seeded = FNV1a(); seeded.combine("bench"); return seeded }()] {
                var expected = start
                expected.combine(String(value))
                var actual = start
                actual.combineDecimal(value)
                #expect(actual.state == expected.state, "\(value)")
            }
        }
    }

    @Test func nonASCIIHashFromAnIndependentJavaScriptCopy() throws {
        let data = try fixture("growthbook_nonascii_vectors")
        let cases = try #require(data["hash"] as? [[Any]])
        #expect(cases.count == 20)
        for item in cases {
            let seed = try #require(item[0] as? String), value = try #require(item[1] as? String)
            let algorithm: HashAlgorithm = (item[2] as? Int) == 1 ? .growthbookV1 : .growthbookV2
            #expect(SaltedHash(algorithm, salt: seed).bucket(value) == item[3] as? Double, "\(item)")
        }
    }

    @Test func bucketRanges() throws {
        let data = try fixture("growthbook_hash_cases")
        let cases = try #require(data["getBucketRange"] as? [[Any]])
        func floor8(_ x: Double) -> Double { (x * 1e8).rounded(.down) / 1e8 }
        for item in cases {
            let arguments = try #require(item[1] as? [Any])
            let count = try #require(arguments[0] as? Int), coverage = try #require(arguments[1] as? Double)
            let weights = arguments[2] as? [Double]
            let expected = try #require(item[2] as? [[Double]])
            let ranges = BucketRanges.growthBook(variations: count, coverage: coverage, weights: weights)
            let actual = zip(ranges.starts, ranges.ends).map { [floor8($0), floor8($1)] }
            #expect(actual == expected.map { $0.map(floor8) }, "\(item[0])")
        }
    }

    @Test func chooseVariation() throws {
        let data = try fixture("growthbook_hash_cases")
        let cases = try #require(data["chooseVariation"] as? [[Any]])
        for item in cases {
            let bucket = try #require(item[1] as? Double)
            let ranges = try #require(item[2] as? [[Double]])
            let expected = try #require(item[3] as? Int)
            let table = BucketRanges(starts: ranges.map { $0[0] }, ends: ranges.map { $0[1] })
            #expect(table.variant(for: bucket) ?? -1 == expected, "\(item[0])")
        }
    }

    @Test func inNamespace() throws {
        let data = try fixture("growthbook_hash_cases")
        let cases = try #require(data["inNamespace"] as? [[Any]])
        for item in cases {
            let id = try #require(item[1] as? String)
            let namespace = try #require(item[2] as? [Any])
            let name = try #require(namespace[0] as? String)
            let lower = try #require(namespace[1] as? Double), upper = try #require(namespace[2] as? Double)
            let layer = LayerAllocation(name: name, lower: lower, upper: upper, algorithm: .growthbookV2)
            #expect(layer.contains(id) == (item[3] as? Bool), "\(item[0])")
        }
    }

    @Test func equalWeights() throws {
        let data = try fixture("growthbook_hash_cases")
        let cases = try #require(data["getEqualWeights"] as? [[Any]])
        for item in cases {
            let count = try #require(item[0] as? Int), expected = try #require(item[1] as? [Double])
            let ranges = BucketRanges.growthBook(variations: count, coverage: 1, weights: nil)
            let widths = zip(ranges.starts, ranges.ends).map { ($1 - $0) }
            #expect(widths.count == expected.count)
            for (width, value) in zip(widths, expected) { #expect(abs(width - value) < 1e-8) }
        }
    }
}


import Foundation
import Testing
import TouchstoneExperiment

/// `touchstone export --growthbook`: GrowthBook's Python SDK, evaluating the exported payload
/// (Scripts/growthbook_export_check.py), assigns 10,003 units exactly as ``Assigner`` does.
@Suite("GrowthBook export")
struct GrowthBookExportTests {
    struct SDKResult: Decodable {
        var sdk: String
        var units: [String]
        var assignments: [String: [Int]]
    }

    static func fixture(_ name: String) throws -> URL {
        let parts = name.split(separator: ".")
        return try #require(Bundle.module.url(forResource: "Fixtures/\(parts[0])", withExtension: String(parts[1])))
    }

    static let date = Date(timeIntervalSince1970: 1_780_272_000)  // 2026-06-01T00:00:00Z, the script's --at

    @Test func payloadIsTheCommittedOne() throws {
        let config = try ExperimentConfig(path: try Self.fixture("growthbook_export.yaml").path)
        let export = try GrowthBookPayload.export(config, at: Self.date)
        let committed = try String(contentsOf: try Self.fixture("growthbook_export_payload.json"), encoding: .utf8)
        #expect(export.json == committed)
        #expect(export.exported == ["banner", "pricing", "onboarding_a", "onboarding_b"])
        #expect(export.notes == ["experiment 'native' is not exported: it uses hash: touchstone, which GrowthBook's SDKs do not compute"])
    }

    @Test func pythonSDKAgreesWithAssign() throws {
        let config = try ExperimentConfig(path: try Self.fixture("growthbook_export.yaml").path)
        let result = try JSONDecoder().decode(SDKResult.self, from: Data(contentsOf: try Self.fixture("growthbook_export_sdk.json")))
        #expect(result.units.count == 10_003)
        let assigner = Assigner(config: config)
        var compared = 0
        for (key, sdk) in result.assignments.sorted(by: { $0.key < $1.key }) {
            let index = try #require(config.experiments.firstIndex { $0.key == key })
            var mismatches = 0
            var enrolled = 0
            for (unit, expected) in zip(result.units, sdk) {
                let ours = assigner.assign(experimentAt: index, unitId: unit, at: Self.date).variantIndex ?? -1
                if ours != expected { mismatches += 1 }
                if ours >= 0 { enrolled += 1 }
                compared += 1
            }
            #expect(mismatches == 0, "\(key): \(mismatches) of \(sdk.count) units assigned differently by \(result.sdk)")
            // Not a vacuous agreement: each experiment enrols a real share (`pricing`, full
            // coverage and no layer, enrols everyone; the others leave units out).
            #expect(enrolled > 1_000, "\(key): \(enrolled) enrolled")
            if key != "pricing" { #expect(enrolled < 10_003, "\(key): \(enrolled) enrolled") }
        }
        #expect(compared == 4 * 10_003)
    }

    @Test func refusesWhatThePayloadCannotExpress() throws {
        let targeted = try ExperimentConfig(text: """
            experiments:
              - key: t
                hash: growthbook-v1
                variants: [a, b]
                targeting: { country: US }
            """, file: "t.yaml")
        #expect(throws: GrowthBookPayload.Refusal.self) { try GrowthBookPayload.export(targeted) }
        let native = try ExperimentConfig(text: "experiments:\n  - key: n\n    variants: [a, b]\n", file: "n.yaml")
        #expect(throws: GrowthBookPayload.Refusal.self) { try GrowthBookPayload.export(native) }
    }
}

/// Relative weights bucket exactly like the normalised weights a config could write instead:
/// GrowthBook buckets are multiples of 1/1000 (v1) or 1/10000 (v2), so a boundary one ulp off
/// (3 · (1/5) = 0.6000000000000001) moved every unit on it.
@Suite("Bucket ranges from relative weights")
struct RelativeWeightRangesTests {
    static let pairs: [(relative: [Double], normalised: [Double])] = [
        ([3, 1, 1], [0.6, 0.2, 0.2]), ([1, 1, 1], [1.0 / 3, 1.0 / 3, 1.0 / 3]), ([7, 3], [0.7, 0.3]), ([2, 3, 5], [0.2, 0.3, 0.5]),
    ]

    @Test(arguments: pairs)
    func sameAsNormalised(relative: [Double], normalised: [Double]) {
        for coverage in [1.0, 0.7, 0.35] {
            let a = BucketRanges(weights: relative, coverage: coverage), b = BucketRanges(weights: normalised, coverage: coverage)
            #expect(a == b, "\(relative) vs \(normalised) at coverage \(coverage): \(a) vs \(b)")
        }
        // v1 buckets on a boundary: 0.6 belongs to the second variant with 3:1:1 as with 0.6:0.2:0.2.
        #expect(BucketRanges(weights: [3, 1, 1], coverage: 1).variant(for: 0.6) == 1)
        // …and 0.74 ends the second range at coverage 0.7 ([0.6, 0.74)): not enrolled, as GrowthBook's SDK says.
        #expect(BucketRanges(weights: [3, 1, 1], coverage: 0.7).variant(for: 0.74) == nil)
    }
}

@Suite("GrowthBook export: a hashed attribute other than the id")
struct GrowthBookUnitAttributeExportTests {
    @Test func notedBecauseTheSDKSkipsUsersWithoutIt() throws {
        let config = try ExperimentConfig(
            text: "experiments:\n  - key: g\n    hash: growthbook-v2\n    unit: user_id\n    variants: [a, b]\n", file: "g.yaml")
        let export = try GrowthBookPayload.export(config, at: GrowthBookExportTests.date)
        #expect(export.exported == ["g"])
        #expect(export.notes.contains { $0.hasPrefix("experiment 'g' hashes the 'user_id' attribute: GrowthBook's SDKs skip a user without it") })
    }
}

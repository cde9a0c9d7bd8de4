import Foundation
import Testing
@testable import TouchstoneExperiment
import TouchstoneTime

private func config(_ yaml: String, file: String = "test.yaml") throws -> ExperimentConfig {
    try ExperimentConfig(text: yaml, file: file)
}

private let ids = (0..<20_000).map { "user-\($0)" }

@Suite struct AssignmentTests {
    @Test func coverageRampKeepsEarlierUnits() throws {
        func assignments(_ coverage: Double) throws -> [Int?] {
            let parsed = try config("experiments: [{ key: ramp, coverage: \(coverage), variants: [{name: a, weight: 1}, {name: b, weight: 3}] }]")
            let assigner = Assigner(config: parsed)
            return ids.map { assigner.assign(experimentAt: 0, unitId: $0).variantIndex }
        }
        let stages = try [0.1, 0.3, 0.6, 1.0].map(assignments)
        for (earlier, later) in zip(stages, stages.dropFirst()) {
            for (before, after) in zip(earlier, later) where before != nil {
                #expect(before == after)
            }
        }
        let enrolled = stages.map { $0.compactMap { $0 }.count }
        #expect(enrolled[0] < enrolled[1] && enrolled[1] < enrolled[2] && enrolled[3] == ids.count)
        #expect(abs(Double(enrolled[1]) / Double(ids.count) - 0.3) < 0.02)
        // Weights 1:3 hold at every coverage.
        let shareB = Double(stages[1].filter { $0 == 1 }.count) / Double(enrolled[1])
        #expect(abs(shareB - 0.75) < 0.03)
    }

    @Test func layerExperimentsAreMutuallyExclusive() throws {
        let parsed = try config("""
            experiments:
              - { key: a, variants: [x, y], layer: { name: L, range: [0, 0.3] } }
              - { key: b, variants: [x, y], layer: { name: L, range: [0.3, 0.5] } }
              - { key: c, variants: [x, y], layer: { name: L, range: [0.5, 1] } }
            """)
        let assigner = Assigner(config: parsed)
        var counts = [0, 0, 0]
        for id in ids {
            let enrolled = (0..<3).filter { assigner.assign(experimentAt: $0, unitId: id).variant != nil }
            #expect(enrolled.count == 1, "\(id) in \(enrolled)")
            for index in enrolled { counts[index] += 1 }
        }
        let shares = counts.map { Double($0) / Double(ids.count) }
        #expect(abs(shares[0] - 0.3) < 0.02 && abs(shares[1] - 0.2) < 0.02 && abs(shares[2] - 0.5) < 0.02)
        let excluded = assigner.assign(experimentAt: 0, unitId: ids.first { assigner.assign(experimentAt: 1, unitId: $0).variant != nil }!)
        #expect(excluded.reason == .excludedByLayer)
    }

    @Test func holdoutsForcedTargetingAndDates() throws {
        let parsed = try config("""
            experiments:
              - key: e
                unit: user_id
                variants: [control, treatment]
                targeting: { country: US }
                forced: { qa-1: treatment }
                start: 2026-03-01
                end: 2026-04-01
            holdouts: [{ key: h, share: 0.1 }]
            """)
        let assigner = Assigner(config: parsed)
        let march = try #require(Timestamp.parse("2026-03-15T00:00:00Z")).microseconds.seconds
        let may = try #require(Timestamp.parse("2026-05-01T00:00:00Z")).microseconds.seconds
        #expect(assigner.assign(experimentAt: 0, unitId: "qa-1", attributes: ["country": "FR"], at: may).reason == .forced)
        #expect(assigner.assign(experimentAt: 0, unitId: "qa-1", attributes: ["country": "FR"], at: may).variant == "treatment")
        #expect(assigner.assign(experimentAt: 0, unitId: "u1", attributes: ["country": "US"], at: may).reason == .inactive)
        #expect(assigner.assign(experimentAt: 0, unitId: "u1", attributes: ["country": "FR"], at: march).reason == .notTargeted)
        let reasons = ids.map { assigner.assign(experimentAt: 0, unitId: $0, attributes: ["country": "US"], at: march).reason }
        let held = Double(reasons.filter { $0 == .holdout }.count) / Double(ids.count)
        #expect(abs(held - 0.1) < 0.01)
        #expect(Set(reasons) == [.holdout, .enrolled])
        // The hashed unit attribute comes from the attributes when present.
        let viaAttribute = assigner.assign(experimentAt: 0, unitId: "row-1", attributes: ["country": "US", "user_id": "user-7"], at: march)
        let viaId = assigner.assign(experimentAt: 0, unitId: "user-7", attributes: ["country": "US"], at: march)
        #expect(viaAttribute.bucket == viaId.bucket)
    }

    @Test func factorialExpandsToAllArms() throws {
        #expect(Variant.factorial(["email", "push", "in_app"]).map(\.name) == [
            "control", "email", "push", "in_app", "email+push", "email+in_app", "push+in_app", "email+push+in_app",
        ])
        let parsed = try config("experiments: [{ key: f, factorial: [email, push] }]")
        #expect(parsed.experiments[0].variants.map(\.name) == ["control", "email", "push", "email+push"])
        #expect(Set(parsed.experiments[0].weights) == [1])
    }

    @Test func jsonAndYamlGiveTheSameAssignments() throws {
        let yaml = try config("experiments: [{ key: same, salt: s1, variants: [a, b, c], coverage: 0.8 }]")
        let json = try config(#"{"experiments":[{"key":"same","salt":"s1","variants":["a","b","c"],"coverage":0.8}]}"#, file: "t.json")
        let one = Assigner(config: yaml), two = Assigner(config: json)
        for id in ids.prefix(2000) {
            #expect(one.assign(experimentAt: 0, unitId: id) == two.assign(experimentAt: 0, unitId: id))
        }
    }

    @Test func saltDefaultsToKeyAndHotPathAgrees() throws {
        let parsed = try config("experiments: [{ key: k, variants: [a, b] }, { key: k2, salt: k, variants: [a, b] }]")
        let assigner = Assigner(config: parsed)
        for id in ids.prefix(2000) {
            let full = assigner.assign(experimentAt: 0, unitId: id)
            #expect(full == Assignment(
                experiment: "k", variantIndex: assigner.assign(experimentAt: 1, unitId: id).variantIndex,
                variant: full.variant, bucket: full.bucket, reason: .enrolled))
            #expect(Assigner.variant(of: id, in: parsed.experiments[0]) == full.variantIndex)
        }
    }
}

extension Int64 {
    /// Microseconds → Date.
    var seconds: Date { Date(timeIntervalSince1970: Double(self) / 1_000_000) }
}

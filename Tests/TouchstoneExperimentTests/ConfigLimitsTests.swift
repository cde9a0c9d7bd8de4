import Foundation
import Testing
@testable import TouchstoneExperiment

/// Config limits: alias expansion is bounded, identifiers are bytes, and `assign`'s enrolment
/// summary counts every reason.
@Suite("Config limits and enrolment summary")
struct ConfigLimitsTests {
    /// k levels of ten aliases: 10^k values once expanded, a few hundred bytes of YAML.
    static func aliasBomb(levels: Int) -> String {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<levels {
            text += "a\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", "))]\n"
        }
        return text + "experiments: *a\(levels - 1)\n"
    }

    @Test(arguments: [6, 9, 12])
    func aliasBombsAreRefused(levels: Int) {
        do {
            _ = try ExperimentConfig(text: Self.aliasBomb(levels: levels), file: "bomb.yaml")
            Issue.record("a \(levels)-level alias bomb was accepted")
        } catch let error as ExperimentError {
            #expect(error.message.contains("more than 100000 values once YAML aliases are expanded"), "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func aFewAliasesStillWork() throws {
        let text = """
            base: &variants [control, treatment]
            experiments:
              - { key: a, variants: *variants }
              - { key: b, variants: *variants }
            """
        // Top-level `base` is not a config key, so this is rejected by name, not by the budget.
        do {
            _ = try ExperimentConfig(text: text, file: "c.yaml")
        } catch let error as ExperimentError {
            #expect(!error.message.contains("aliases are expanded"), "\(error)")
        }
    }

    /// Names compare as bytes, so `café` in two Unicode forms is not a duplicate; but every
    /// read-out refuses such look-alike arms (they print alike and were merged by text-keyed
    /// steps), so the config refuses them where they are written, before any unit is assigned.
    @Test func variantNamesEqualUpToNormalisationAreRefused() throws {
        let error = #expect(throws: ExperimentError.self) {
            try ExperimentConfig(text: "experiments: [{ key: a, variants: [\"caf\u{E9}\", \"cafe\u{301}\"] }]", file: "c.yaml")
        }
        #expect(error?.keyPath == "experiments[0].variants[1]")
        #expect(error?.message.contains("in another Unicode form") == true, "\(String(describing: error))")
        // Byte-identical names are the plain duplicate.
        let duplicate = #expect(throws: ExperimentError.self) {
            try ExperimentConfig(text: "experiments: [{ key: a, variants: [\"caf\u{E9}\", \"caf\u{E9}\"] }]", file: "c.yaml")
        }
        #expect(duplicate?.message.contains("duplicate variant name") == true)
    }

    @Test func enrolmentSummaryCountsReasons() throws {
        let config = try ExperimentConfig(
            text: "experiments: [{ key: a, variants: [x, y], end: 2020-01-01 }, { key: b, variants: [x, y], coverage: 0.5 }]",
            file: "c.yaml")
        let assigner = Assigner(config: config)
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        var assignments: [Assignment] = []
        for unit in 0..<1_000 {
            for index in config.experiments.indices {
                assignments.append(assigner.assign(experimentAt: index, unitId: "u\(unit)", attributes: [String: String](), at: date))
            }
        }
        let summary = EnrolmentSummary(assignments, experiments: config.experiments, at: date)
        #expect(summary.entries[0].enrolsNobody)
        #expect(summary.entries[0].reasons == [.inactive: 1_000])
        #expect(summary.entries[0].inactiveBecause == "ended 2020-01-01T00:00:00Z")
        let b = summary.entries[1]
        #expect(!b.enrolsNobody)
        #expect(b.enrolled.map(\.units).reduce(0, +) + (b.reasons[.coverage] ?? 0) == 1_000)
        #expect((b.reasons[.coverage] ?? 0) > 400 && (b.reasons[.coverage] ?? 0) < 600)
        #expect(summary.lines[0] == "a: 1000 units: enrolled x 0, y 0; inactive 1000 (ended 2020-01-01T00:00:00Z)")
    }
}

import Foundation
import Testing
import TouchstoneTestSupport

/// `touchstone analyze` with metric roles: `--guardrail`, `--secondary`, `--decrease`,
/// `--planned-units`, the config's `metrics:` roles, their errors, and the `decision` block.
@Suite("touchstone analyze: decisions")
struct AnalyzeDecisionCommandTests {
    struct Output: Decodable {
        struct Metric: Decodable {
            var name: String
            var role: String?
            var direction: String?
            var margin: Double?
        }
        struct Decision: Decodable {
            struct Check: Decodable { var metric: String; var margin: Double; var bound: Double; var level: Double; var nonInferior: Bool }
            struct Arm: Decodable { var variant: String; var verdict: String; var reasons: [String]; var guardrails: [Check]? }
            var verdict: String
            var variant: String?
            var reasons: [String]
            var variants: [Arm]
            var units: Int
            var plannedUnits: Int?
            var daysLeft: Double?
            var firstExposure: String?
            var lastExposure: String?
        }
        var metrics: [Metric]
        var decision: Decision
    }

    static let hillstrom = [
        "analyze", "--units", "Datasets/hillstrom.csv", "--variant-column", "segment", "--control", "No E-Mail",
        "--metric", "conversion", "--metric", "visit", "--metric", "spend", "--format", "json",
    ]
    static let cookieCats = [
        "analyze", "--units", "Datasets/cookie_cats.csv", "--variant-column", "version", "--control", "gate_30", "--format", "json",
    ]

    static func run(_ arguments: [String]) throws -> Output {
        let result = try BinaryRunner.run(arguments)
        #expect(result.exitCode == 0, "stderr: \(result.stderr)")
        return try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
    }

    @Test func rolesFromFlagsShipTheBestArm() throws {
        let output = try Self.run(Self.hillstrom + ["--guardrail", "visit=0.01", "--secondary", "spend"])
        #expect(output.metrics.map(\.role) == ["goal", "guardrail", "secondary"])
        #expect(output.metrics.map(\.margin) == [nil, 0.01, nil])
        #expect(output.metrics.map(\.direction) == ["increase", "increase", "increase"])
        #expect(output.decision.variants.map(\.verdict) == ["ship", "ship"])
        // Both arms win on the one goal; Mens E-Mail's gain in conversion is the larger.
        #expect(output.decision.verdict == "ship")
        #expect(output.decision.variant == "Mens E-Mail")
        #expect(output.decision.reasons.contains { $0.contains("guardrail 'visit' is within its 1% margin") })
        #expect(!output.decision.reasons.contains { $0.contains("spend") })
        #expect(output.decision.units == 64_000)
    }

    @Test func aDecreasingGoalThatRisesRollsBack() throws {
        let output = try Self.run(Self.hillstrom + ["--decrease", "conversion"])
        #expect(output.decision.variants.map(\.verdict) == ["roll-back", "roll-back"])
        #expect(output.decision.verdict == "roll-back")
        #expect(output.decision.variant == "Mens E-Mail")
        #expect(output.decision.reasons.first?.hasPrefix("'Mens E-Mail': goal 'conversion' is significantly worse: +118.8%") == true)
    }

    @Test func aHarmedGuardrailRollsBack() throws {
        // Cookie Cats: gate_40 loses 7-day retention (−4.3%, p ≈ 0.002).
        let output = try Self.run(Self.cookieCats + ["--metric", "retention_1", "--metric", "retention_7", "--guardrail", "retention_7=0.01"])
        #expect(output.decision.verdict == "roll-back")
        #expect(output.decision.variant == "gate_40")
        #expect(output.decision.reasons.contains { $0.hasPrefix("guardrail 'retention_7' is significantly worse: -4.3") })
    }

    @Test func plannedUnitsTellKeepRunningFromNoDifference() throws {
        let arguments = Self.cookieCats + ["--metric", "retention_1"]
        let unplanned = try Self.run(arguments)
        #expect(unplanned.decision.verdict == "keep-running")
        #expect(unplanned.decision.reasons.last?.contains("no planned sample size was given (--planned-units)") == true)
        let early = try Self.run(arguments + ["--planned-units", "200000"])
        #expect(early.decision.verdict == "keep-running")
        #expect(early.decision.plannedUnits == 200_000)
        #expect(early.decision.reasons.last == "90,189 of 200,000 planned units")
        let done = try Self.run(arguments + ["--planned-units", "90000"])
        #expect(done.decision.verdict == "no-difference")
    }

    @Test func rawLogsGiveDatesAndDaysLeft() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try BinaryRunner.run(["simulate", "experiment", "--units", "4000", "--seed", "3", "--out", directory.path]).exitCode == 0)
        let output = try Self.run([
            "analyze", "--exposures", directory.appendingPathComponent("exposures.csv").path,
            "--events", directory.appendingPathComponent("events.csv").path, "--control", "control",
            "--metric", "purchase", "--planned-units", "1000000", "--format", "json",
        ])
        let first = try #require(output.decision.firstExposure)
        let last = try #require(output.decision.lastExposure)
        #expect(first.count == 10 && last.count == 10 && first <= last)
        let daysLeft = try #require(output.decision.daysLeft)
        #expect(daysLeft > 0 && daysLeft.isFinite)
        if output.decision.verdict == "keep-running" {
            #expect(output.decision.reasons.last?.contains("days left at") == true)
        }
    }

    @Test func rolesFromTheConfigAndFlagsOverThem() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("hillstrom.yaml")
        try """
            experiments:
              - key: hillstrom
                variants: [{ name: No E-Mail, weight: 1 }, { name: Mens E-Mail, weight: 1 }, { name: Womens E-Mail, weight: 1 }]
                metrics:
                  - conversion
                  - { name: visit, role: guardrail, margin: 0.01 }
                  - { name: spend, role: secondary, direction: decrease }
            """.write(to: config, atomically: true, encoding: .utf8)
        let base = [
            "analyze", "--units", "Datasets/hillstrom.csv", "--variant-column", "segment", "--control", "No E-Mail",
            "--config", config.path, "--experiment", "hillstrom", "--format", "json",
        ]
        let fromConfig = try Self.run(base)
        #expect(fromConfig.metrics.map(\.role) == ["goal", "guardrail", "secondary"])
        #expect(fromConfig.metrics.map(\.direction) == ["increase", "increase", "decrease"])
        #expect(fromConfig.metrics.map(\.margin) == [nil, 0.01, nil])
        let overridden = try Self.run(base + ["--secondary", "visit"])
        #expect(overridden.metrics.map(\.role) == ["goal", "secondary", "secondary"])
        #expect(overridden.metrics.map(\.margin) == [nil, nil, nil])
    }

    @Test("config role errors are located", arguments: [
        ("{ name: visit, role: guard }", "expected goal, guardrail or secondary, got 'guard'"),
        ("{ name: visit, direction: down }", "expected increase or decrease, got 'down'"),
        ("{ name: visit, margin: 0.01 }", "a margin applies to 'role: guardrail'"),
        ("{ name: visit, role: guardrail, margin: 0 }", "must be a share greater than 0"),
        ("{ name: visit, role: guardrail, margin: nan }", "expected a finite number"),
    ])
    func configErrors(_ entry: String, _ message: String) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("bad.yaml")
        try "experiments:\n  - key: hillstrom\n    variants: [{ name: No E-Mail, weight: 1 }, { name: Mens E-Mail, weight: 1 }, { name: Womens E-Mail, weight: 1 }]\n    metrics:\n      - \(entry)\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run([
            "analyze", "--units", "Datasets/hillstrom.csv", "--variant-column", "segment", "--control", "No E-Mail",
            "--config", config.path, "--experiment", "hillstrom",
        ])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("bad.yaml:5:"), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("flag errors are usage errors naming the flag", arguments: [
        (["--guardrail", "nosuch=0.01"], "--guardrail 'nosuch=0.01': 'nosuch' is not an analysed metric (metrics: 'conversion', 'visit', 'spend')"),
        (["--secondary", "Spend"], "--secondary 'Spend': 'Spend' is not an analysed metric"),
        (["--decrease", "revenue"], "--decrease 'revenue': 'revenue' is not an analysed metric"),
        (["--guardrail", "visit=0"], "--guardrail 'visit=0': the margin must be a finite share greater than 0"),
        (["--guardrail", "visit=-0.01"], "--guardrail 'visit=-0.01': the margin must be a finite share greater than 0"),
        (["--guardrail", "visit=inf"], "--guardrail 'visit=inf': the margin must be a finite share greater than 0"),
        (["--guardrail", "visit=1%"], "--guardrail 'visit=1%': expected NAME or NAME=MARGIN"),
        (["--guardrail", "visit", "--secondary", "visit"], "--secondary 'visit': gives 'visit' a second role (--guardrail already names it)"),
        (["--guardrail", "visit", "--guardrail", "visit=0.01"], "--guardrail 'visit=0.01': names 'visit' a second time"),
        (["--decrease", "visit", "--decrease", "visit"], "--decrease 'visit': names 'visit' a second time"),
        (["--planned-units", "0"], "--planned-units '0': must be a positive number of units"),
        (["--guardrail", "visit=0.01", "--alpha", "0.6"], "--alpha '0.6': must be below 0.5 with a guardrail margin"),
    ])
    func flagErrors(_ flags: [String], _ message: String) throws {
        let result = try BinaryRunner.run(Self.hillstrom + flags)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    struct Reference: Decodable {
        struct Case: Decodable { var dataset, variantColumn, control, metric, variant: String; var lower, upper: Double }
        var level: Double
        var cases: [Case]
    }

    /// The guardrail's interval end at 1 − 2α equals scipy's delta-method interval (normal for
    /// proportions, Welch t for means): Scripts/make_decision_reference.py.
    @Test func guardrailBoundsMatchTheReference() throws {
        let url = repositoryRoot().appendingPathComponent("Tests/TouchstoneCLITests/Fixtures/decision_guardrails.json")
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        #expect(reference.cases.count == 5)
        for c in reference.cases {
            for decrease in [false, true] {
                let output = try Self.run([
                    "analyze", "--units", c.dataset, "--variant-column", c.variantColumn, "--control", c.control,
                    "--metric", c.metric, "--guardrail", "\(c.metric)=0.01", "--format", "json",
                ] + (decrease ? ["--decrease", c.metric] : []))
                let arm = try #require(output.decision.variants.first { $0.variant == c.variant })
                let check = try #require(arm.guardrails?.first)
                let expected = decrease ? c.upper : c.lower
                #expect(isClose(check.bound, expected, relative: 1e-9), "\(c.metric) \(c.variant) decrease=\(decrease): \(check.bound) vs \(expected)")
                #expect(check.level == reference.level)
                #expect(check.nonInferior == (decrease ? expected < 0.01 : expected > -0.01))
            }
        }
    }

    @Test func theTerminalReadOutFitsAndLeadsWithTheDecision() throws {
        let arguments = Array(Self.hillstrom.dropLast(2)) + ["--guardrail", "visit=0.01", "--no-color"]
        let narrow = try BinaryRunner.run(arguments)
        #expect(narrow.exitCode == 0)
        let lines = narrow.stdout.split(separator: "\n")
        #expect(lines.map(\.count).max() ?? 0 <= 100)
        #expect(lines.dropFirst().first == "Decision: SHIP 'Mens E-Mail'")
        let wide = try BinaryRunner.run(arguments + ["--wide"])
        #expect(wide.stdout.split(separator: "\n").map(\.count).max() ?? 0 > 100)
    }
}

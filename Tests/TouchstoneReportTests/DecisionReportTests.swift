import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneReport
import TouchstoneStats
import TouchstoneTestSupport

/// Read-outs with a decision: colour and marks follow each metric's good direction, the summary
/// opens every format, labels are true to the method, and terminal tables fit 100 columns.
@Suite("decision read-outs")
struct DecisionReportTests {
    /// Analyses a per-arm summary (`variant,units,conversions` rows) as the command line would.
    static func analyze(
        _ rows: [(String, Int, Int)], method: AnalysisMethod = .frequentist, experiment: String? = nil,
        configure: (inout AnalysisRequest) -> Void = { _ in }
    ) throws -> AnalysisResult {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("arms.csv")
        try (["variant,units,conversions"] + rows.map { "\($0.0),\($0.1),\($0.2)" }).joined(separator: "\n")
            .write(to: file, atomically: true, encoding: .utf8)
        var request = AnalysisRequest(
            source: .summary(path: file.path),
            settings: AnalysisSettings(experiment: experiment, control: "control", method: method))
        request.metrics = ["churned"]
        configure(&request)
        return try request.run()
    }

    /// Treatment churns 10% less (900 vs 1,000 of 10,000): significant.
    static let lessChurn = [("control", 10_000, 1_000), ("treatment", 10_000, 900)]

    @Test func aSignificantLossIsRedAndMarkedDown() throws {
        let result = try Self.analyze(Self.lessChurn)  // churn read as higher-is-better: a loss
        let text = AnalysisReport.table(result, color: true)
        let row = try #require(text.split(separator: "\n").first { $0.contains("treatment") && $0.contains("%") })
        #expect(row.hasPrefix("\u{1B}[1;31m"), "\(row)")
        #expect(row.contains("▼"))
        #expect(!text.contains("\u{1B}[1;32mtreatment"))
        let html = AnalysisReport.html(result)
        #expect(html.contains("<tr class=\"significant worse\">"))
        #expect(html.contains("class=\"ci significant worse\""))
        #expect(html.contains("▼ worse"))
        #expect(result.decision?.verdict == .rollBack)
    }

    @Test func aDropInALowerIsBetterMetricIsGreen() throws {
        let result = try Self.analyze(Self.lessChurn) { $0.decision.decrease = ["churned"] }
        let text = AnalysisReport.table(result, color: true)
        let row = try #require(text.split(separator: "\n").first { $0.contains("treatment") && $0.contains("%") })
        #expect(row.hasPrefix("\u{1B}[1;32m"), "\(row)")
        #expect(row.contains("▲"))
        #expect(!text.contains("\u{1B}[1;31mtreatment"))
        #expect(text.contains("Metric 'churned' (proportion, goal, lower is better)"))
        let html = AnalysisReport.html(result)
        #expect(html.contains("<tr class=\"significant better\">"))
        #expect(html.contains("▲ better"))
        #expect(result.decision?.verdict == .ship)
        #expect(result.decision?.variant == "treatment")
    }

    @Test func theSummaryOpensEveryFormat() throws {
        let result = try Self.analyze(Self.lessChurn) {
            $0.decision.decrease = ["churned"]
            $0.decision.plannedUnits = 40_000
        }
        let html = AnalysisReport.html(result)
        let summary = try #require(html.range(of: "<section class=\"summary ship\""))
        let firstMetric = try #require(html.range(of: "<section class=\"metric\">"))
        #expect(summary.lowerBound < firstMetric.lowerBound)
        #expect(html.contains("Decision: SHIP “treatment”"))
        #expect(html.contains("20,000 (planned 40,000)"))
        let markdown = AnalysisReport.markdown(result)
        #expect(markdown.contains("### Decision: **SHIP “treatment”**"))
        #expect(markdown.contains("- goal 'churned' is significantly better: -10.0% ["))
        #expect(markdown.contains("**Units**: 20,000 (planned 40,000)"))
        let text = AnalysisReport.table(result)
        #expect(text.contains("Decision: SHIP 'treatment'"))
    }

    @Test func withoutAnExperimentTheTitleSaysWhatWasCompared() throws {
        let result = try Self.analyze(Self.lessChurn)
        #expect(!AnalysisReport.table(result).contains("Experiment analysis"))
        #expect(AnalysisReport.table(result).hasPrefix("Analysis against control 'control' — frequentist"))
        #expect(!AnalysisReport.html(result).contains("Experiment: analysis"))
        #expect(AnalysisReport.html(result).contains("<h1>Analysis against control “control”</h1>"))
        let named = try Self.analyze(Self.lessChurn, experiment: "checkout")
        #expect(AnalysisReport.table(named).hasPrefix("Experiment checkout — control 'control'"))
    }

    @Test func bayesianLabelsSayCredibleIntervalAndNoAlpha() throws {
        let result = try Self.analyze(Self.lessChurn, method: .bayesian)
        for text in [AnalysisReport.table(result), AnalysisReport.markdown(result), AnalysisReport.html(result)] {
            #expect(text.contains("95% credible interval"))
            #expect(!text.contains("α"))
            #expect(!text.contains("95% CI"))
            // Expected loss is never printed in exponent form.
            #expect(text.range(of: #"[0-9]e-[0-9]"#, options: .regularExpression) == nil)
        }
    }

    @Test func theSampleRatioLineNamesTheShortArm() throws {
        let result = try Self.analyze([("control", 10_000, 1_000), ("treatment", 9_000, 900)])
        let markdown = AnalysisReport.markdown(result)
        #expect(markdown.contains("**Sample ratio**: MISMATCH (χ² = 52.6, p < 0.001): 'treatment' has 5.3% fewer units than expected (9,000 vs 9,500)"), "\(markdown)")
        let text = AnalysisReport.table(result)
        #expect(text.contains("Sample ratio: MISMATCH (χ² = 52.6, p < 0.001): 'treatment' has 5.3% fewer units"), "\(text)")
        #expect(!text.contains("e-1"))
        #expect(AnalysisReport.html(result).contains("&#39;treatment&#39; has 5.3% fewer units than expected (9,000 vs 9,500)."))
        #expect(result.warnings.contains { $0.contains("p < 0.001; 'treatment' has 5.3% fewer units than expected") })
    }

    @Test func terminalTablesFitOneHundredColumnsUnlessWide() throws {
        // Eight arms with long names: the default table drops columns to fit, --wide keeps all.
        let arms = [("control", 50_000, 5_000)] + (1...7).map { ("treatment-with-a-long-name-\($0)", 50_000, 5_000 + 40 * $0) }
        for method in [AnalysisMethod.frequentist, .bayesian, .sequential] {
            let result = try Self.analyze(arms, method: method)
            let narrow = AnalysisReport.table(result)
            let widest = narrow.split(separator: "\n").map(\.count).max() ?? 0
            #expect(widest <= 100, "\(method): \(widest) columns\n\(narrow)")
            let wide = AnalysisReport.table(result, wide: true)
            #expect((wide.split(separator: "\n").map(\.count).max() ?? 0) > 100)
        }
    }
}

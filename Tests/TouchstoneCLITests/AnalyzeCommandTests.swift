import Foundation
import Testing
import TouchstoneTestSupport

/// `touchstone analyze` on the bundled data sets reproduces the published figures of
/// `Datasets/README.md` (themselves checked by the data sets' `verify.py`).
@Suite("touchstone analyze")
struct AnalyzeCommandTests {
    struct Output: Decodable {
        struct Metric: Decodable {
            struct Arm: Decodable {
                var variant: String
                var units: Int
                var mean: Double
            }

            struct Comparison: Decodable {
                var variant: String
                var absoluteEffect: Double
                var absoluteCI: [Double?]
                var pValue: Double?
                var statistic: Double?
                var significant: Bool
            }

            var name: String
            var kind: String
            var arms: [Arm]
            var comparisons: [Comparison]
        }

        struct SRM: Decodable {
            var chiSquare: Double
            var pValue: Double
            var mismatch: Bool
        }

        var control: String
        var srm: SRM?
        var metrics: [Metric]

        func comparison(_ metric: String, _ variant: String) throws -> Metric.Comparison {
            let found = metrics.first { $0.name == metric }?.comparisons.first { $0.variant == variant }
            return try #require(found)
        }
    }

    private func analyze(_ arguments: [String]) throws -> Output {
        let result = try BinaryRunner.run(["analyze"] + arguments + ["--format", "json"])
        #expect(result.exitCode == 0, "stderr: \(result.stderr)")
        return try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
    }

    /// Rounded to the digits the README gives, so the check is exactly as strict as the source.
    private func rounded(_ value: Double?, _ digits: Int) -> Double {
        let scale = pow(10.0, Double(digits))
        return ((value ?? .nan) * scale).rounded() / scale
    }

    @Test func hillstromFiguresReproduce() throws {
        let output = try analyze([
            "--units", "Datasets/hillstrom.csv", "--variant-column", "segment", "--control", "No E-Mail",
            "--metric", "visit", "--metric", "conversion", "--metric", "spend", "--correction", "none",
        ])
        let visit = try #require(output.metrics.first { $0.name == "visit" })
        #expect(visit.kind == "proportion")
        #expect(visit.arms.map(\.units).sorted() == [21306, 21307, 21387])

        let mensVisit = try output.comparison("visit", "Mens E-Mail")
        #expect(rounded(mensVisit.absoluteEffect * 100, 3) == 7.659)
        #expect(rounded(mensVisit.absoluteCI[0].map { $0 * 100 }, 3) == 6.995)
        #expect(rounded(mensVisit.absoluteCI[1].map { $0 * 100 }, 3) == 8.323)
        #expect(rounded(mensVisit.statistic, 2) == 22.49)

        let mensConversion = try output.comparison("conversion", "Mens E-Mail")
        #expect(rounded(mensConversion.absoluteEffect * 100, 4) == 0.6805)
        #expect(rounded(mensConversion.absoluteCI[0].map { $0 * 100 }, 3) == 0.500)
        #expect(rounded(mensConversion.absoluteCI[1].map { $0 * 100 }, 3) == 0.861)
        #expect(rounded(mensConversion.statistic, 2) == 7.39)
        #expect(String(format: "%.1e", mensConversion.pValue ?? .nan) == "1.5e-13")

        let womensVisit = try output.comparison("visit", "Womens E-Mail")
        #expect(rounded(womensVisit.absoluteEffect * 100, 3) == 4.523)
        #expect(rounded(womensVisit.absoluteCI[0].map { $0 * 100 }, 3) == 3.889)
        #expect(rounded(womensVisit.absoluteCI[1].map { $0 * 100 }, 3) == 5.157)

        let womensConversion = try output.comparison("conversion", "Womens E-Mail")
        #expect(rounded(womensConversion.absoluteEffect * 100, 4) == 0.3111)
        #expect(rounded(womensConversion.absoluteCI[0].map { $0 * 100 }, 3) == 0.150)
        #expect(rounded(womensConversion.absoluteCI[1].map { $0 * 100 }, 3) == 0.472)
        #expect(String(format: "%.1e", womensConversion.pValue ?? .nan) == "1.6e-04")

        let spend = try #require(output.metrics.first { $0.name == "spend" })
        #expect(spend.kind == "mean")
        let mensSpend = try output.comparison("spend", "Mens E-Mail")
        #expect(rounded(mensSpend.absoluteEffect, 4) == 0.7698)
        #expect(rounded(mensSpend.absoluteCI[0], 3) == 0.485)
        #expect(rounded(mensSpend.absoluteCI[1], 3) == 1.055)
        let womensSpend = try output.comparison("spend", "Womens E-Mail")
        #expect(rounded(womensSpend.absoluteEffect, 4) == 0.4244)
        #expect(rounded(womensSpend.absoluteCI[0], 3) == 0.169)
        #expect(rounded(womensSpend.absoluteCI[1], 3) == 0.680)
        #expect(output.srm?.mismatch == false)
    }

    @Test func cookieCatsFiguresReproduce() throws {
        let output = try analyze([
            "--units", "Datasets/cookie_cats.csv", "--variant-column", "version", "--control", "gate_30",
            "--metric", "retention_1", "--metric", "retention_7", "--correction", "none",
        ])
        let day1 = try output.comparison("retention_1", "gate_40")
        #expect(rounded(day1.absoluteEffect * 100, 4) == -0.5905)
        #expect(rounded(day1.absoluteCI[0].map { $0 * 100 }, 3) == -1.239)
        #expect(rounded(day1.absoluteCI[1].map { $0 * 100 }, 3) == 0.058)
        #expect(rounded(day1.statistic, 3) == -1.784)
        #expect(rounded(day1.pValue, 4) == 0.0744)
        let day7 = try output.comparison("retention_7", "gate_40")
        #expect(rounded(day7.absoluteEffect * 100, 4) == -0.8201)
        #expect(rounded(day7.absoluteCI[0].map { $0 * 100 }, 3) == -1.328)
        #expect(rounded(day7.absoluteCI[1].map { $0 * 100 }, 3) == -0.312)
        #expect(rounded(day7.statistic, 3) == -3.164)
        #expect(rounded(day7.pValue, 5) == 0.00155)
        #expect(day7.significant)
        // The published sample-ratio check against 50/50: χ² = 6.90, p = 0.0086 — notable, but
        // above the 0.001 SRM threshold.
        let srm = try #require(output.srm)
        #expect(rounded(srm.chiSquare, 2) == 6.90)
        #expect(rounded(srm.pValue, 4) == 0.0086)
        #expect(!srm.mismatch)
    }

    @Test func summaryInputMatchesUnitLevelInput() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = directory.appendingPathComponent("arms.csv")
        try "variant,units,conversions\ngate_30,44700,8502\ngate_40,45489,8279\n".write(to: summary, atomically: true, encoding: .utf8)
        let fromSummary = try analyze(["--summary", summary.path, "--control", "gate_30"])
        let fromUnits = try analyze([
            "--units", "Datasets/cookie_cats.csv", "--variant-column", "version", "--control", "gate_30",
            "--metric", "retention_7",
        ])
        let a = try fromSummary.comparison("conversion", "gate_40")
        let b = try fromUnits.comparison("retention_7", "gate_40")
        #expect(abs(a.absoluteEffect - b.absoluteEffect) < 1e-15)
        #expect(abs((a.pValue ?? .nan) - (b.pValue ?? .nan)) < 1e-12)
    }

    @Test func everyFormatRenders() throws {
        let base = [
            "analyze", "--units", "Datasets/cookie_cats.csv", "--variant-column", "version", "--control", "gate_30",
            "--metric", "retention_7",
        ]
        for format in ["table", "csv", "markdown"] {
            let result = try BinaryRunner.run(base + ["--format", format])
            #expect(result.exitCode == 0)
            #expect(result.stdout.contains("gate_40"))
        }
        let csv = try BinaryRunner.run(base + ["--format", "csv"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("metric,kind,variant,control") == true)
        let markdown = try BinaryRunner.run(base + ["--format", "markdown"])
        #expect(markdown.stdout.contains("|---:|"))
    }

    @Test func outputFileIsWrittenWhole() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("result.json").path
        let result = try BinaryRunner.run([
            "analyze", "--units", "Datasets/cookie_cats.csv", "--variant-column", "version", "--control", "gate_30",
            "--metric", "retention_7", "--format", "json", "--output", target,
        ])
        #expect(result.exitCode == 0)
        #expect(result.stdout.isEmpty)
        let written = try Data(contentsOf: URL(fileURLWithPath: target))
        _ = try JSONDecoder().decode(Output.self, from: written)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(leftovers == ["result.json"])
    }
}

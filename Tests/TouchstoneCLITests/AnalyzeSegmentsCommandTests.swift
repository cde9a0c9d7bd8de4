import Foundation
import Testing
import TouchstoneTestSupport

/// `touchstone analyze --by COL`: Hillstrom split by zip code against statsmodels and scipy
/// (Scripts/make_segment_reference.py), every output format, and the flag's errors.
@Suite("touchstone analyze --by")
struct AnalyzeSegmentsCommandTests {
    struct Comparison: Decodable {
        var variant: String
        var absoluteEffect: Double
        var absoluteCI: [Double]
        var pValue: Double
        var adjustedPValue: Double
        var standardError: Double?
    }

    struct Arm: Decodable {
        var variant: String
        var units: Int
        var mean: Double
    }

    struct Metric: Decodable {
        var name: String
        var kind: String
        var arms: [Arm]
        var comparisons: [Comparison]
    }

    struct Segment: Decodable {
        var segment: String
        var units: Int
        var metrics: [Metric]
    }

    struct Heterogeneity: Decodable {
        var metric: String
        var variant: String
        var q: Double
        var degreesOfFreedom: Int
        var pValue: Double
        var iSquared: Double
    }

    struct Reference: Decodable {
        var by: String
        var family: Int
        var segments: [Segment]
        var heterogeneity: [Heterogeneity]
    }

    struct Output: Decodable {
        struct Segments: Decodable {
            var by: String
            var family: Int
            var results: [Segment]
            var heterogeneity: [Heterogeneity]
        }
        var metrics: [Metric]
        var segments: Segments?
    }

    static let hillstrom = [
        "analyze", "--units", "Datasets/hillstrom.csv", "--variant-column", "segment", "--control", "No E-Mail",
        "--metric", "visit", "--metric", "conversion", "--metric", "spend", "--by", "zip_code",
    ]

    @Test func hillstromByZipCodeMatchesStatsmodels() throws {
        let url = repositoryRoot().appendingPathComponent("Tests/TouchstoneCLITests/Fixtures/hillstrom_segments.json")
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        let run = try BinaryRunner.run(Self.hillstrom + ["--format", "json"])
        #expect(run.exitCode == 0, "stderr: \(run.stderr)")
        let output = try JSONDecoder().decode(Output.self, from: Data(run.stdout.utf8))
        let segments = try #require(output.segments)
        #expect(segments.by == reference.by)
        #expect(segments.family == reference.family)
        #expect(segments.results.map(\.segment) == reference.segments.map(\.segment))
        for (actual, expected) in zip(segments.results, reference.segments) {
            #expect(actual.units == expected.units)
            for (metric, reference) in zip(actual.metrics, expected.metrics) {
                #expect(metric.name == reference.name && metric.kind == reference.kind)
                #expect(metric.arms.map(\.variant) == reference.arms.map(\.variant))
                for (arm, ref) in zip(metric.arms, reference.arms) {
                    #expect(arm.units == ref.units)
                    #expect(isClose(arm.mean, ref.mean, relative: 1e-12))
                }
                for (c, ref) in zip(metric.comparisons, reference.comparisons) {
                    let place = "\(actual.segment) \(metric.name) \(c.variant)"
                    #expect(c.variant == ref.variant)
                    #expect(isClose(c.absoluteEffect, ref.absoluteEffect, relative: 1e-9), "\(place) effect")
                    #expect(isClose(c.absoluteCI[0], ref.absoluteCI[0], relative: 1e-9), "\(place) CI")
                    #expect(isClose(c.absoluteCI[1], ref.absoluteCI[1], relative: 1e-9), "\(place) CI")
                    #expect(isClose(c.pValue, ref.pValue, relative: 1e-9), "\(place) p \(c.pValue) vs \(ref.pValue)")
                    #expect(isClose(c.adjustedPValue, ref.adjustedPValue, relative: 1e-9), "\(place) Holm")
                    #expect(isClose(try #require(c.standardError), try #require(ref.standardError), relative: 1e-9), "\(place) SE")
                }
            }
        }
        #expect(segments.heterogeneity.count == reference.heterogeneity.count)
        for (h, ref) in zip(segments.heterogeneity, reference.heterogeneity) {
            #expect(h.metric == ref.metric && h.variant == ref.variant && h.degreesOfFreedom == ref.degreesOfFreedom)
            #expect(isClose(h.q, ref.q, relative: 1e-9), "Q \(h.metric) \(h.variant)")
            #expect(isClose(h.pValue, ref.pValue, relative: 1e-9), "Q p \(h.metric) \(h.variant)")
            #expect(isClose(h.iSquared, ref.iSquared, relative: 1e-9, absoluteFloor: 1e-12))
        }
        // The overall read-out is the one without --by.
        let plain = try BinaryRunner.run(Array(Self.hillstrom.dropLast(2)) + ["--format", "json"])
        let overall = try JSONDecoder().decode(Output.self, from: Data(plain.stdout.utf8))
        #expect(overall.segments == nil)
        for (a, b) in zip(output.metrics, overall.metrics) {
            #expect(a.arms.map(\.units) == b.arms.map(\.units))
            for (x, y) in zip(a.comparisons, b.comparisons) {
                #expect(isClose(x.pValue, y.pValue, relative: 1e-12) && isClose(x.absoluteEffect, y.absoluteEffect, relative: 1e-12))
            }
        }
    }

    @Test func everyFormatShowsTheSegments() throws {
        let table = try BinaryRunner.run(Self.hillstrom)
        #expect(table.exitCode == 0)
        #expect(table.stdout.contains("Segments by 'zip_code' (3 segments; holm correction over the 18 segment comparisons)"))
        #expect(table.stdout.contains("Metric 'spend' by zip_code"))
        #expect(table.stdout.contains("Does the effect differ between segments?"))
        let markdown = try BinaryRunner.run(Self.hillstrom + ["--format", "markdown"])
        #expect(markdown.stdout.contains("## Segments by 'zip_code'"))
        #expect(markdown.stdout.contains("| Surburban | Mens E-Mail |"))
        let csv = try BinaryRunner.run(Self.hillstrom + ["--format", "csv"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first?.hasSuffix(",segment") == true)
        // 6 overall comparisons, then 18 segment comparisons.
        #expect(lines.count == 1 + 6 + 18)
        #expect(lines.dropFirst().prefix(6).allSatisfy { $0.hasSuffix(",") })
        #expect(lines.suffix(6).allSatisfy { $0.hasSuffix(",Urban") })
        let html = try BinaryRunner.run(Self.hillstrom + ["--format", "html"])
        #expect(html.stdout.contains("<section class=\"segments\">"))
        #expect(html.stdout.contains("data-variant=\"Womens E-Mail|Rural\""))
        #expect(html.stdout.contains("Does the effect differ between segments?"))
    }

    @Test func rawLogsBySegmentFromTheCommandLine() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let simulate = try BinaryRunner.run(["simulate", "experiment", "--units", "5000", "--seed", "4", "--out", directory.path])
        #expect(simulate.exitCode == 0)
        let run = try BinaryRunner.run([
            "analyze", "--exposures", directory.appendingPathComponent("exposures.csv").path,
            "--events", directory.appendingPathComponent("events.csv").path, "--control", "control",
            "--metric", "purchase", "--by", "country", "--format", "json",
        ])
        #expect(run.exitCode == 0, "stderr: \(run.stderr)")
        let output = try JSONDecoder().decode(Output.self, from: Data(run.stdout.utf8))
        let segments = try #require(output.segments)
        #expect(segments.results.map(\.segment) == ["BR", "DE", "US"])
        #expect(segments.results.map(\.units).reduce(0, +) == output.metrics[0].arms.map(\.units).reduce(0, +))
    }

    @Test func segmentFlagErrors() throws {
        let summary = try BinaryRunner.run(["analyze", "--summary", "x.csv", "--control", "a", "--by", "country"])
        #expect(summary.exitCode == 2)
        #expect(summary.stderr.contains("--by splits units by an attribute"))
        let store = try BinaryRunner.run([
            "analyze", "--store", "x.db", "--events", "e.csv", "--experiment", "e", "--control", "a", "--by", "country",
        ])
        #expect(store.exitCode == 2)
        #expect(store.stderr.contains("the store keeps only each unit's variant"))
        let missing = try BinaryRunner.run(Array(Self.hillstrom.dropLast(2)) + ["--by", "country"])
        #expect(missing.exitCode != 0)
        #expect(missing.stderr.contains("Datasets/hillstrom.csv"))
        #expect(missing.stderr.contains("missing column 'country'"))
        #expect(missing.stdout.isEmpty)
    }
}

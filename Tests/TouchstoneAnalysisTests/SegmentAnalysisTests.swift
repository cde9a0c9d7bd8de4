import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats
import TouchstoneTestSupport

@Suite("Segment read-outs")
struct SegmentAnalysisTests {
    static let metrics = ["purchase", "session:count"].compactMap(MetricDefinition.init(argument:))

    static func simulated(units: Int, seed: UInt64) throws -> RawLogSummary {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try ExperimentSimulator(units: units, seed: seed).write(to: directory)
        var settings = RawLogSettings(metrics: metrics)
        settings.segmentColumn = "country"
        return try RawLogPipeline.run(
            exposures: CSVReader(path: directory.appendingPathComponent("exposures.csv").path),
            events: CSVReader(path: directory.appendingPathComponent("events.csv").path), settings: settings)
    }

    /// Splitting leaves the overall read-out alone; each segment equals the segment analysed on
    /// its own except for the correction, which runs once over the whole segment family.
    @Test func segmentFamilyIsCorrectedTogether() throws {
        let summary = try Self.simulated(units: 20_000, seed: 9)
        let segments = try #require(summary.segments)
        let settings = AnalysisSettings(control: "control", correction: .holm)
        let plain = try ExperimentAnalysis.analyze(summary.table, settings: settings)
        let split = try ExperimentAnalysis.analyze(segments, settings: settings)
        #expect(split.metrics == plain.metrics)
        #expect(split.srm == plain.srm)
        let block = try #require(split.segments)
        #expect(block.by == "country")
        #expect(block.results.map(\.segment) == ["BR", "DE", "US"])
        #expect(block.family == 3 * 7 * 2)

        var uncorrected = settings
        uncorrected.correction = .none
        var rawPValues: [Double] = []
        for (segment, readout) in zip(segments.segments, block.results) {
            let alone = try ExperimentAnalysis.analyze(segment.table, settings: uncorrected)
            #expect(readout.units == segment.table.units.values.reduce(0, +))
            #expect(readout.srm == alone.srm)
            for (metric, reference) in zip(readout.metrics, alone.metrics) {
                #expect(metric.arms == reference.arms)
                for (c, r) in zip(metric.comparisons, reference.comparisons) {
                    #expect(c.variant == r.variant)
                    #expect(c.pValue == r.pValue && c.absoluteEffect == r.absoluteEffect && c.absoluteCI == r.absoluteCI)
                    rawPValues.append(r.pValue)
                }
            }
        }
        #expect(rawPValues.count == block.family)
        let holm = MultipleTestingCorrection.holm.adjust(rawPValues)
        let reported = block.results.flatMap { $0.metrics.flatMap { $0.comparisons } }
        for (comparison, adjusted) in zip(reported, holm) {
            #expect(comparison.adjustedPValue == adjusted)
            #expect(comparison.significant == (adjusted < 0.05))
        }
        // Heterogeneity: Cochran's Q over the three segments' effects, per metric and treatment.
        #expect(block.heterogeneity.count == 2 * 7)
        for test in block.heterogeneity {
            let m = try #require(split.metrics.firstIndex { $0.name == test.metric })
            let estimates = block.results.compactMap { readout in
                readout.metrics[m].comparisons.first { $0.variant == test.variant }.map { ($0.absoluteEffect, $0.standardError) }
            }
            let q = CochranQ.test(estimates)
            #expect(test.q == q.q && test.pValue == q.pValue && test.degreesOfFreedom == 2 && test.segments == 3)
        }
    }

    /// The simulator plants an e-mail effect of +0.028 (US), +0.02 (DE) and 0 (BR), and
    /// country-independent push and in-app effects. Over seeds, the segment intervals cover the
    /// planted values, the heterogeneity test finds the e-mail difference, and it stays quiet
    /// for push, where there is none.
    @Test func plantedHeterogeneityIsRecovered() throws {
        let planted = ["US": 0.028, "DE": 0.02, "BR": 0.0]
        var intervals = 0, covered = 0, emailDetected = 0, pushFlagged = 0
        let seeds: [UInt64] = [21, 22, 23]
        for seed in seeds {
            let summary = try Self.simulated(units: 300_000, seed: seed)
            let result = try ExperimentAnalysis.analyze(
                try #require(summary.segments), settings: AnalysisSettings(control: "control"))
            let block = try #require(result.segments)
            for readout in block.results {
                // E[purchase] per unit is p · E[activity] = p, so the arm difference is the planted effect.
                let email = try #require(readout.metrics[0].comparisons.first { $0.variant == "email" })
                intervals += 1
                if email.absoluteCI.contains(try #require(planted[readout.segment])) { covered += 1 }
            }
            let tests = block.heterogeneity.filter { $0.metric == "purchase" }
            if try #require(tests.first { $0.variant == "email" }).pValue < 0.05 { emailDetected += 1 }
            if try #require(tests.first { $0.variant == "push" }).pValue < 0.05 { pushFlagged += 1 }
        }
        // 95% intervals: with 9 of them, fewer than 7 covering has probability ≈ 0.8%.
        #expect(covered >= 7, "\(covered) of \(intervals) intervals cover the planted effect")
        // At 300,000 units the Q test's noncentrality for the planted e-mail effects is ≈ 22
        // (power ≈ 0.99 at 2 df), so missing it in two of three runs would mean a defect.
        #expect(emailDetected >= 2, "e-mail heterogeneity found in \(emailDetected) of \(seeds.count) runs")
        #expect(pushFlagged <= 1, "push flagged as heterogeneous in \(pushFlagged) of \(seeds.count) runs")
    }

    /// A group-sequential design splits α over every segment comparison (Bonferroni), so the
    /// segment boundary is the one of α / family.
    @Test func groupSequentialSegmentsSplitAlphaOverTheFamily() throws {
        let summary = try Self.simulated(units: 8_000, seed: 3)
        var settings = AnalysisSettings(control: "control", method: .sequential)
        settings.plannedLooks = .init(looks: 3, look: 2)
        let result = try ExperimentAnalysis.analyze(try #require(summary.segments), settings: settings)
        let block = try #require(result.segments)
        let design = try GroupSequentialDesign.obrienFleming(looks: 3, alpha: 0.05 / Double(block.family))
        for readout in block.results {
            for metric in readout.metrics {
                for c in metric.comparisons where c.statistic.isFinite {
                    #expect(c.significant == (abs(c.statistic) >= design.boundaries[1]))
                }
            }
        }
        #expect(block.heterogeneity.isEmpty)
    }

    /// A segment without units in some arm still lists the arm (0 units) and analyses the rest.
    @Test func aSegmentMissingAnArmIsReportedNotFatal() throws {
        func table(_ arms: [String: (Int, Int)]) -> ArmTable {
            ArmTable(
                variants: arms.keys.sorted(),
                metrics: [.init(
                    name: "m", kind: .proportion,
                    arms: Dictionary(uniqueKeysWithValues: arms.map { (ByteKey($0.key), SufficientStatistics.proportion(units: $0.value.0, conversions: $0.value.1)) }))],
                units: Dictionary(uniqueKeysWithValues: arms.map { (ByteKey($0.key), $0.value.0) }))
        }
        let segmented = SegmentedArmTable(column: "plan", segments: [
            .init(value: "free", table: table(["control": (1_000, 100), "treatment": (1_000, 130)])),
            .init(value: "pro", table: table(["treatment": (50, 10)])),
        ])
        let result = try ExperimentAnalysis.analyze(segmented, settings: AnalysisSettings(control: "control"))
        let pro = try #require(result.segments?.results.first { $0.segment == "pro" })
        #expect(pro.metrics[0].arms.map(\.variant) == ["control", "treatment"])
        #expect(pro.metrics[0].arms[0].units == 0)
        #expect(pro.metrics[0].comparisons[0].pValue.isNaN)
        #expect(pro.srm?.mismatch == true)
        #expect(result.warnings.contains { $0.contains("segment plan = 'pro'") })
        let free = try #require(result.segments?.results.first { $0.segment == "free" })
        #expect(free.metrics[0].comparisons[0].pValue < 0.05)
    }
}

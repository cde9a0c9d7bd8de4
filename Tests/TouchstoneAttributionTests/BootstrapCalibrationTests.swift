import Foundation
import Testing
@testable import TouchstoneAttribution

@Suite struct BootstrapTests {
    @Test("intervals cover the point estimate, are seeded, and resample units for touchpoint logs")
    func intervals() throws {
        let (csv, _) = try JourneySimulator(units: 3000, seed: 5).generate()
        let paths = try TouchpointReader.read(try .init(bytes: csv, name: "sim.csv"))
        var request = AttributionRequest(model: "linear")
        request.bootstrap = Bootstrap(replicates: 60, seed: 9)
        let result = try #require(try request.run(paths).first)
        #expect(result.bootstrap?.resampled == "units")
        for credit in result.channels {
            let ci = try #require(credit.conversionsCI)
            #expect(ci[0] <= credit.conversions && credit.conversions <= ci[1], "\(credit.channel)")
        }
        #expect(try request.run(paths) == [result])
    }

    @Test("aggregated paths resample journeys; Markov intervals work")
    func aggregated() throws {
        let paths = PathSet(paths: [(["a", "b"], 30, 300, 70), (["b"], 10, 50, 90), (["a"], 5, 20, 40)])
        var result = try MarkovModel().attribute(paths)
        try Bootstrap(replicates: 50, seed: 2).addIntervals(to: &result, model: MarkovModel(), paths: paths)
        #expect(result.bootstrap?.resampled == "journeys")
        let a = try #require(result.credit(for: "a")?.conversionsCI)
        #expect(a[0] < a[1])
    }
}

@Suite struct CalibrationTests {
    @Test("measured channels take the measurement, others the pooled factor")
    func calibrate() throws {
        let result = try HeuristicModel.lastTouch.attribute(PathSet(paths: [(["a"], 100, 0, 0), (["b"], 50, 0, 0), (["c"], 10, 0, 0)]))
        let report = Calibration.calibrate(result, by: [
            IncrementalityMeasurement(channel: "a", incrementalConversions: 40),
            IncrementalityMeasurement(channel: "b", incrementalConversions: 35),
        ])
        #expect(report.pooledFactor == 0.5)
        #expect(report.channels.first { $0.channel == "a" }?.factor == 0.4)
        #expect(report.channels.first { $0.channel == "c" }?.calibratedConversions == 5)
        #expect(report.channels.first { $0.channel == "c" }?.basis == "pooled")
    }

    @Test("analyze results: per-unit lift times reach")
    func fromAnalysis() throws {
        let json = #"{"metrics":[{"name":"conversion","comparisons":[{"variant":"email","control":"control","absoluteEffect":0.01,"absoluteCI":[0.005,0.015]}]}]}"#
        let m = try Calibration.measurements(json: Data(json.utf8), reach: ["email": 2000], source: "x.json")
        #expect(m == [IncrementalityMeasurement(channel: "email", incrementalConversions: 20, ci: [10, 30])])
        #expect(throws: AttributionError.self) {
            try Calibration.measurements(json: Data("[1]".utf8), reach: [:], source: "x.json")
        }
    }
}

@Suite struct JourneySimulatorTests {
    @Test("the same seed gives the same bytes, and channels with larger planted effects convert better")
    func deterministic() throws {
        let first = try JourneySimulator(units: 20_000, seed: 3).generate()
        #expect(try JourneySimulator(units: 20_000, seed: 3).generate().csv == first.csv)
        let paths = try TouchpointReader.read(try .init(bytes: first.csv, name: "sim.csv"))
        let report = JourneyReport(paths: paths)
        let rate = Dictionary(uniqueKeysWithValues: report.channelMix.map { ($0.channel, $0.conversionRate) })
        #expect((rate["paid_search"] ?? 0) > (rate["display"] ?? 1))
        #expect(report.observational)
        #expect(paths.totalConversions == Double(first.truth.conversions))
    }
}

@Suite struct BootstrapParallelTests {
    /// Replicate r draws from the seed's stream jumped r times, so spreading the replicates over
    /// threads must not change a single interval.
    @Test("the same seed gives the same intervals on 1, 2 and 3 threads (units and journeys resampled)")
    func threadsDoNotChangeIntervals() throws {
        let (csv, _) = try JourneySimulator(units: 2000, seed: 11).generate()
        let touchpoints = try TouchpointReader.read(try .init(bytes: csv, name: "sim.csv"))
        let aggregated = PathSet(paths: [(["a", "b"], 30, 300, 70), (["b"], 10, 50, 90), (["a"], 5, 20, 40), (["c", "a"], 8, 16, 30)])
        for paths in [touchpoints, aggregated] {
            var results: [AttributionResult] = []
            for threads in [1, 2, 3] {
                var result = try MarkovModel().attribute(paths)
                try Bootstrap(replicates: 41, seed: 7, threads: threads).addIntervals(to: &result, model: MarkovModel(), paths: paths)
                results.append(result)
            }
            #expect(results[0] == results[1])
            #expect(results[0] == results[2])
            #expect(results[0].channels.allSatisfy { ($0.conversionsCI?[0] ?? .nan) <= ($0.conversionsCI?[1] ?? .nan) })
        }
    }

    @Test("jumped streams differ from each other and from the unjumped one")
    func jumpedStreams() {
        var a = SeededGenerator(seed: 3), b = a
        b.jump()
        var c = b
        c.jump()
        let first = (0..<4).map { _ in a.next() }, second = (0..<4).map { _ in b.next() }, third = (0..<4).map { _ in c.next() }
        #expect(first != second && second != third && first != third)
        var again = SeededGenerator(seed: 3)
        again.jump()
        #expect((0..<4).map { _ in again.next() } == second)
    }

    @Test("jump() equals the authors' reference code (Scripts/xoshiro_jump_reference.c)")
    func jumpKnownAnswers() {
        var g = SeededGenerator(seed: 3)
        g.jump()
        #expect([g.next(), g.next(), g.next()] == [12_719_809_526_506_038_857, 5_464_263_441_022_101_068, 11_651_328_765_363_790_197])
        g.jump()
        #expect(g.next() == 2_332_062_225_012_522_583)
    }
}

/// The bootstrap's fast inner loop (flat journey records, chains assembled from a layout) against
/// the definition written plainly: replicate r draws `unitCount` units from the seed's stream
/// jumped r times, weights every journey by its unit's count, and re-runs the model.
@Suite struct BootstrapDefinitionTests {
    static func plainIntervals(model: some AttributionModel, paths: PathSet, replicates: Int, seed: UInt64) throws
        -> [[Double]]
    {
        let (base, mapping) = paths.aggregatedWithMapping()
        let units = try #require(paths.units)
        var draws = [[Double]](repeating: [], count: paths.channels.count)
        var stream = SeededGenerator(seed: seed)
        for _ in 0..<replicates {
            var generator = stream
            stream.jump()
            var multiplicity = [Double](repeating: 0, count: paths.unitCount)
            for _ in 0..<paths.unitCount { multiplicity[generator.nextInt(below: paths.unitCount)] += 1 }
            var conversions = [Double](repeating: 0, count: base.count)
            var values = conversions, nulls = conversions
            for p in 0..<paths.count {
                let m = multiplicity[Int(units[p])]
                guard m > 0 else { continue }
                let target = Int(mapping[p])
                conversions[target] += m * paths.conversions[p]
                values[target] += m * paths.values[p]
                nulls[target] += m * paths.nulls[p]
            }
            let credit = try model.credits(base.reweighted(conversions: conversions, values: values, nulls: nulls))
            for c in draws.indices { draws[c].append(credit.conversions[c]) }
        }
        return draws.map { Bootstrap.percentiles($0, (1 - 0.95) / 2) }  // the tail exactly as addIntervals computes it
    }

    @Test("intervals = the plain definition, bit for bit (Markov orders 1–3, linear)")
    func sameAsDefinition() throws {
        let (csv, _) = try JourneySimulator(units: 1500, seed: 5).generate()
        let paths = try TouchpointReader.read(try .init(bytes: csv, name: "sim.csv"))
        let models: [any AttributionModel] = [MarkovModel(order: 1), MarkovModel(order: 2), MarkovModel(order: 3), HeuristicModel.linear]
        for model in models {
            var result = try model.attribute(paths)
            try Bootstrap(replicates: 20, seed: 4, threads: 2).addIntervals(to: &result, model: model, paths: paths)
            let expected = try Self.plainIntervals(model: model, paths: paths, replicates: 20, seed: 4)
            for channel in result.channels {
                let id = try #require(paths.channels.id(of: channel.channel))
                let interval = try #require(channel.conversionsCI)
                #expect(interval.map(\.bitPattern) == expected[Int(id)].map(\.bitPattern), "\(model.name) \(channel.channel)")
            }
            #expect(result.channels.contains { ($0.conversionsCI?[1] ?? 0) > ($0.conversionsCI?[0] ?? 0) })
        }
    }
}

import Foundation
import Testing
import TouchstoneAttribution
import TouchstoneTestSupport

@Suite struct MarkovModelTests {
    /// Exact removal effects and credits against the numpy/scipy solve of the reference script.
    func checkExact(_ paths: PathSet, _ reference: ReferenceFile.Case, denseLimit: Int = 300) throws {
        for exact in reference.markovExact {
            let model = MarkovModel(order: exact.order, includeNullPaths: exact.includeNullPaths, denseLimit: denseLimit)
            let result = try model.attribute(paths)
            for (channel, effect) in exact.removalEffects {
                let credit = try #require(result.credit(for: channel))
                let label = "\(reference.name) order \(exact.order) nulls \(exact.includeNullPaths) \(channel)"
                #expect(abs((credit.removalEffect ?? .nan) - effect) <= 1e-9, "\(label)")
                #expect(abs((credit.valueRemovalEffect ?? .nan) - (exact.valueRemovalEffects[channel] ?? .nan)) <= 1e-9, "\(label)")
                #expect(isClose(credit.conversions, exact.conversions[channel] ?? .nan, relative: 1e-9, absoluteFloor: 1e-6), "\(label)")
                #expect(isClose(credit.value, exact.values[channel] ?? .nan, relative: 1e-9, absoluteFloor: 1e-6), "\(label)")
            }
        }
    }

    /// ChannelAttribution simulates; the exact answer must sit inside its run-to-run spread:
    /// `|exact − mean of runs| ≤ max(range of runs, 4 · sd of runs) + 0.002` over 8 seeds (the
    /// small floor covers channels so rare that all runs agree by chance). The runs lift the
    /// package's step cap (`max_step`), which otherwise biases removal effects downwards.
    func checkSimulated(_ paths: PathSet, _ reference: ReferenceFile.Case) throws {
        for simulated in reference.markovSimulated {
            let result = try MarkovModel(order: simulated.order, includeNullPaths: simulated.includeNullPaths).attribute(paths)
            for credit in result.channels {
                let runs = simulated.runs.compactMap { $0.removalEffects[credit.channel] }
                let low = try #require(runs.min()), high = try #require(runs.max())
                let mean = runs.reduce(0, +) / Double(runs.count)
                let sd = (runs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(runs.count - 1)).squareRoot()
                let effect = try #require(credit.removalEffect)
                #expect(abs(effect - mean) <= max(high - low, 4 * sd) + 0.002,
                        "\(reference.name) order \(simulated.order) \(credit.channel): \(effect) vs runs in [\(low), \(high)]")
            }
        }
    }

    @Test("exact removal effects match the independent numpy solve to 1e-9 (orders 1-3, with and without nulls)")
    func syntheticExact() throws {
        for reference in try ReferenceFile.synthetic() {
            let paths = try #require(reference.pathSet())
            try checkExact(paths, reference)
            // The sparse iterative path must agree as well.
            try checkExact(paths, reference, denseLimit: 0)
        }
    }

    @Test("exact removal effects lie within ChannelAttribution's simulation spread")
    func syntheticSimulated() throws {
        for reference in try ReferenceFile.synthetic() {
            try checkSimulated(try #require(reference.pathSet()), reference)
        }
    }

    @Test("the example data: exact to 1e-9 and within ChannelAttribution's spread", .enabled(if: ExampleData.isAvailable, ExampleData.skipNote))
    func exampleData() throws {
        let paths = try PathFileReader.read(path: ExampleData.path)
        let reference = try #require(try ReferenceFile.load("attribution_channelattribution_example").cases.first)
        try checkExact(paths, reference)
        try checkSimulated(paths, reference)
        // The published first-order numbers (shared/datasets/README.md §3).
        let result = try MarkovModel().attribute(paths)
        #expect(abs((result.credit(for: "alpha")?.removalEffect ?? 0) - 0.558399) < 5e-7)
        #expect(abs((result.credit(for: "alpha")?.conversions ?? 0) - 5344.948) < 5e-4)
    }

    @Test("self-loops do not change removal effects, so collapsing repeated states is only a convention")
    func collapseInvariance() throws {
        let paths = PathSet(paths: [
            (["a", "a", "b"], 3, 30, 2), (["b", "c", "c"], 1, 5, 4), (["c"], 0, 0, 3), (["a", "c", "a"], 2, 12, 1),
        ])
        let collapsed = try MarkovModel(order: 1).attribute(paths)
        let kept = try MarkovModel(order: 1, collapseRepeatedStates: false).attribute(paths)
        for (x, y) in zip(collapsed.channels, kept.channels) {
            #expect(abs((x.removalEffect ?? 0) - (y.removalEffect ?? 0)) < 1e-12)
        }
        #expect(abs(collapsed.channels.map(\.conversions).reduce(0, +) - 6) < 1e-9)
    }

    @Test("orders outside 1...4 are rejected")
    func orderValidation() {
        #expect(throws: AttributionError.self) { try MarkovModel(order: 5).attribute(HeuristicModelTests.sample) }
    }
}

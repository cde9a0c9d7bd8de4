import Testing
@testable import TouchstoneAttribution
import TouchstoneData

/// A chain assembled from a ``MarkovChainLayout`` with new weights is the chain the former
/// builder (``referenceMarkovChain(paths:order:collapseRepeatedStates:includeNullPaths:)``) makes
/// from the reweighted paths, field for field and bit for bit: neither the bootstrap's shortcut nor
/// the point estimate, which now goes through the layout too, changes a number.
@Suite struct MarkovChainLayoutTests {
    static let paths: PathSet? = {
        guard let csv = try? JourneySimulator(units: 3_000, seed: 11).generate().csv,
            let reader = try? CSVReader(bytes: csv, name: "simulated")
        else { return nil }
        return (try? TouchpointReader.read(reader))?.aggregated()
    }()

    static func expectSame(_ a: MarkovChain, _ b: MarkovChain) {
        #expect(a.stateChannels == b.stateChannels)
        #expect(a.rowStarts == b.rowStarts)
        #expect(a.targets == b.targets)
        // Bit patterns, so -0.0 vs 0.0 or a different summation order would show.
        #expect(a.weights.map(\.bitPattern) == b.weights.map(\.bitPattern))
        #expect(a.outWeight.map(\.bitPattern) == b.outWeight.map(\.bitPattern))
        #expect(a.conversionWeight.map(\.bitPattern) == b.conversionWeight.map(\.bitPattern))
        #expect(a.nullWeight.map(\.bitPattern) == b.nullWeight.map(\.bitPattern))
        #expect(a.conversionValue.map(\.bitPattern) == b.conversionValue.map(\.bitPattern))
    }

    @Test("layout chain = chain of the reweighted paths, orders 1–4, collapse and nulls on/off", arguments: 1...4)
    func sameChain(order: Int) throws {
        let paths = try #require(Self.paths)
        #expect(paths.count > 100)
        var generator = SeededGenerator(seed: UInt64(order))
        for collapse in [true, false] {
            let layout = try MarkovChainLayout(paths: paths, order: order, collapseRepeatedStates: collapse)
            for includeNulls in [true, false] {
                // The original weights, then resamples where about a third of the paths get no weight,
                // which changes which states exist and the order they are numbered in.
                var weightings = [(paths.conversions, paths.values, paths.nulls)]
                for _ in 0..<3 {
                    var conversions = paths.conversions, values = paths.values, nulls = paths.nulls
                    for p in 0..<paths.count {
                        let m = Double(generator.nextInt(below: 3))
                        conversions[p] *= m
                        values[p] *= m * 1.5
                        nulls[p] *= Double(generator.nextInt(below: 3))
                    }
                    weightings.append((conversions, values, nulls))
                }
                for (conversions, values, nulls) in weightings {
                    let reweighted = paths.reweighted(conversions: conversions, values: values, nulls: nulls)
                    let direct = try referenceMarkovChain(
                        paths: reweighted, order: order, collapseRepeatedStates: collapse, includeNullPaths: includeNulls)
                    let assembled = try layout.chain(
                        conversions: conversions, values: values, nulls: nulls, includeNullPaths: includeNulls)
                    Self.expectSame(assembled, direct)
                }
            }
        }
    }

    @Test("MarkovChain(paths:) = the former builder on one path per journey, orders 1–4", arguments: 1...4)
    func pointEstimateChain(order: Int) throws {
        let (csv, _) = try JourneySimulator(units: 2_000, seed: 13).generate()
        let journeys = try TouchpointReader.read(try CSVReader(bytes: csv, name: "simulated"))
        #expect(journeys.units != nil)
        for collapse in [true, false] {
            for includeNulls in [true, false] {
                Self.expectSame(
                    try MarkovChain(paths: journeys, order: order, collapseRepeatedStates: collapse, includeNullPaths: includeNulls),
                    try referenceMarkovChain(paths: journeys, order: order, collapseRepeatedStates: collapse, includeNullPaths: includeNulls))
            }
        }
    }

    @Test("reweighted credits = credits of the reweighted paths, bit for bit")
    func sameCredits() throws {
        let paths = try #require(Self.paths)
        var generator = SeededGenerator(seed: 99)
        for order in 1...3 {
            let model = MarkovModel(order: order)
            let credits = try model.reweightedCredits(of: paths)
            var conversions = paths.conversions, values = paths.values, nulls = paths.nulls
            for p in 0..<paths.count {
                let m = Double(generator.nextInt(below: 4))
                conversions[p] *= m
                values[p] *= m
                nulls[p] *= m
            }
            let fast = try credits(conversions, values, nulls)
            let slow = try model.credits(paths.reweighted(conversions: conversions, values: values, nulls: nulls))
            #expect(fast.conversions.map(\.bitPattern) == slow.conversions.map(\.bitPattern))
            #expect(fast.values.map(\.bitPattern) == slow.values.map(\.bitPattern))
            #expect(fast.conversions.contains { $0 > 0 })
        }
    }

    @Test("paths without touches, and no weighted path at all")
    func edges() throws {
        var paths = PathSet(paths: [(["a", "b"], 1, 10, 0), (["b"], 0, 0, 2)])
        paths.append(path: [Int32](), conversions: 3, value: 5, nulls: 1)
        let layout = try MarkovChainLayout(paths: paths, order: 1, collapseRepeatedStates: true)
        #expect(layout.pathLast == [2, 2, -1])
        #expect(layout.transitionFrom == [0, 1, 0] && layout.transitionTo == [1, 2, 2])
        Self.expectSame(
            try layout.chain(conversions: paths.conversions, values: paths.values, nulls: paths.nulls, includeNullPaths: true),
            try referenceMarkovChain(paths: paths, order: 1))
        #expect(throws: AttributionError.self) {
            try layout.chain(conversions: [0, 0, 3], values: [0, 0, 5], nulls: [0, 0, 1], includeNullPaths: true)
        }
        #expect(throws: AttributionError.self) {
            try layout.chain(conversions: [1], values: [1], nulls: [1], includeNullPaths: true)
        }
    }
}

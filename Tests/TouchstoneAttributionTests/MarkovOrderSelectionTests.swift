import Testing
import TouchstoneAttribution

@Suite struct MarkovOrderSelectionTests {
    /// Journeys over four channels drawn independently, 1 + Geometric(0.4) touches (at most 8).
    /// First-order world: the conversion probability depends on the last touch only
    /// (5%, 10%, 15%, 20%). Second-order world: it is 30% after the pairs a > b and c > d and 6%
    /// otherwise, which no single last touch reveals.
    static func simulate(journeys: Int, seed: UInt64, secondOrder: Bool, aggregate: Bool = false) -> PathSet {
        var generator = SeededGenerator(seed: seed)
        let names = ["a", "b", "c", "d"]
        var rows: [(path: [String], conversions: Double, value: Double, nulls: Double)] = []
        var set = PathSet(channels: ChannelTable(names: names))
        for j in 0..<journeys {
            var path = [generator.nextInt(below: 4)]
            while path.count < 8, generator.nextUniform() < 0.6 { path.append(generator.nextInt(below: 4)) }
            let p: Double
            if secondOrder {
                let pair = path.count >= 2 ? (path[path.count - 2], path[path.count - 1]) : (-1, -1)
                p = pair == (0, 1) || pair == (2, 3) ? 0.30 : 0.06
            } else {
                p = [0.05, 0.10, 0.15, 0.20][path[path.count - 1]]
            }
            let converts: Double = generator.nextUniform() < p ? 1 : 0
            if aggregate {
                rows.append((path.map { names[$0] }, converts, converts * 10, 1 - converts))
            } else {
                set.append(path: path.map { Int32($0) }, conversions: converts, value: converts * 10, nulls: 1 - converts, unit: Int32(j))
            }
        }
        return aggregate ? PathSet(paths: rows).aggregated() : set
    }

    @Test("picks order 1 on first-order journeys and 2 on second-order ones, over several seeds", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func recoversTheOrder(seed: UInt64) throws {
        let selection = MarkovOrderSelection(seed: seed)
        let first = try selection.select(Self.simulate(journeys: 5000, seed: seed, secondOrder: false))
        #expect(first.order == 1, "seed \(seed): \(first.scores)")
        let second = try selection.select(Self.simulate(journeys: 5000, seed: seed, secondOrder: true))
        #expect(second.order == 2, "seed \(seed): \(second.scores)")
        #expect(second.scores.map(\.order) == [1, 2, 3, 4])
        // The planted pairs make order 2 predict better than order 1 (by about 0.01 nats per journey).
        #expect(second.scores[1].score > second.scores[0].score, "seed \(seed): \(second.scores)")
    }

    @Test("aggregated paths are split journey by journey and reach the same choice")
    func aggregatedPaths() throws {
        let selection = MarkovOrderSelection(seed: 9)
        #expect(try selection.select(Self.simulate(journeys: 5000, seed: 9, secondOrder: true, aggregate: true)).order == 2)
        #expect(try selection.select(Self.simulate(journeys: 5000, seed: 9, secondOrder: false, aggregate: true)).order == 1)
    }

    @Test("the same seed gives the same scores; a different seed a different split")
    func seeded() throws {
        let paths = Self.simulate(journeys: 2000, seed: 3, secondOrder: true)
        let a = try MarkovOrderSelection(seed: 11).select(paths)
        let b = try MarkovOrderSelection(seed: 11).select(paths)
        let c = try MarkovOrderSelection(seed: 12).select(paths)
        #expect(a == b)
        #expect(a.scores != c.scores)
    }

    @Test("--order auto through the request: the Markov result carries the order and every score, channels sorted by credit")
    func throughTheRequest() throws {
        var request = AttributionRequest(model: "markov")
        request.orderSelection = MarkovOrderSelection(seed: 2)
        let results = try request.run(Self.simulate(journeys: 3000, seed: 2, secondOrder: true))
        let markov = try #require(results.first)
        #expect(markov.order == 2)
        #expect(markov.orderSelection?.count == 4)
        #expect(markov.settings?["order"] == "2")
        let credits = markov.channels.map(\.conversions)
        #expect(credits == credits.sorted(by: >))
    }

    @Test("journeys that all convert (or none) cannot be scored: an error, not a silent order")
    func needsBothOutcomes() {
        let paths = PathSet(paths: [(["a", "b"], 3, 30, 0), (["b"], 2, 20, 0)])
        #expect(throws: AttributionError.self) { try MarkovOrderSelection().select(paths) }
    }
}

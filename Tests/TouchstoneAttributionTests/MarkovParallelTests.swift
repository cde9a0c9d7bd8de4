import Testing
@testable import TouchstoneAttribution
import TouchstoneData

/// Removal systems solved on several threads give the one-thread numbers bit for bit: each
/// channel's system is solved by the same code on the same inputs, whichever thread runs it.
@Suite struct MarkovParallelTests {
    static let paths: PathSet? = {
        guard let csv = try? JourneySimulator(units: 5_000, seed: 3).generate().csv,
            let reader = try? CSVReader(bytes: csv, name: "simulated")
        else { return nil }
        return try? TouchpointReader.read(reader)
    }()

    @Test("parallel = serial bit for bit, orders 1–4, dense (LU) and iterative (GMRES) solves", arguments: 1...4)
    func parallelEqualsSerial(order: Int) throws {
        let paths = try #require(Self.paths)
        #expect(paths.channels.count == 8)
        // A dense limit of 5 states sends every system of order ≥ 1 to GMRES.
        for denseLimit in [300, 5] {
            let serial = try MarkovModel(order: order, denseLimit: denseLimit, threads: 1).attribute(paths)
            #expect(serial.channels.allSatisfy { ($0.removalEffect ?? 0) > 0 })
            for threads in [2, 3, 8] {
                let parallel = try MarkovModel(order: order, denseLimit: denseLimit, threads: threads).attribute(paths)
                #expect(parallel.channels.map(\.channel) == serial.channels.map(\.channel))
                #expect(parallel.channels.map(\.removalEffect) == serial.channels.map(\.removalEffect))
                #expect(parallel.channels.map(\.valueRemovalEffect) == serial.channels.map(\.valueRemovalEffect))
                #expect(parallel.channels.map(\.conversions) == serial.channels.map(\.conversions))
                #expect(parallel.channels.map(\.value) == serial.channels.map(\.value))
            }
            // The bootstrap's one-thread entry point gives the same credits.
            let credits = try MarkovModel(order: order, denseLimit: denseLimit, threads: 8).credits(paths)
            let byName = Dictionary(uniqueKeysWithValues: serial.channels.map { ($0.channel, $0.conversions) })
            #expect(paths.channels.names.enumerated().allSatisfy { byName[$1] == credits.conversions[$0] })
        }
    }

    @Test("a channel in no state of the chain (only on null paths, nulls dropped) has effect 0 on any number of threads")
    func channelOutsideTheChain() throws {
        let paths = PathSet(paths: [
            (["a", "b"], 3, 30, 1), (["b"], 1, 5, 2), (["c"], 0, 0, 4), (["a"], 2, 8, 0),
        ])
        for threads in [1, 2, 4] {
            let model = MarkovModel(order: 1, includeNullPaths: false, threads: threads)
            let (effects, values) = try model.removalEffects(paths)
            #expect(effects[2] == 0 && values[2] == 0)
            #expect(effects[0] > 0 && effects[1] > 0)
            let serial = try MarkovModel(order: 1, includeNullPaths: false, threads: 1).removalEffects(paths)
            #expect(effects == serial.conversions && values == serial.values)
        }
    }
}

import Foundation
import Testing
import TouchstoneAttribution
import TouchstoneTestSupport

@Suite struct HeuristicModelTests {
    static let models: [(String, HeuristicModel)] = [("first", .firstTouch), ("last", .lastTouch), ("linear", .linear)]

    func check(_ paths: PathSet, against reference: ReferenceFile.Case) throws {
        for (key, model) in Self.models {
            let result = try model.attribute(paths)
            let expected = try #require(reference.heuristics[key])
            #expect(expected.count == result.channels.count)
            for (channel, pair) in expected {
                let credit = try #require(result.credit(for: channel), "\(channel) missing")
                #expect(isClose(credit.conversions, pair[0], relative: 1e-12, absoluteFloor: 1e-9), "\(key) \(channel)")
                #expect(isClose(credit.value, pair[1], relative: 1e-12, absoluteFloor: 1e-9), "\(key) value \(channel)")
            }
        }
    }

    @Test("first, last and linear match ChannelAttribution 2.2.5 on the synthetic path sets")
    func syntheticCases() throws {
        for reference in try ReferenceFile.synthetic() {
            try check(try #require(reference.pathSet()), against: reference)
        }
    }

    @Test("first, last and linear match ChannelAttribution 2.2.5 on its example data", .enabled(if: ExampleData.isAvailable, ExampleData.skipNote))
    func exampleData() throws {
        let paths = try PathFileReader.read(path: ExampleData.path)
        let reference = try #require(try ReferenceFile.load("attribution_channelattribution_example").cases.first)
        #expect(paths.totalConversions == 19_785)
        try check(paths, against: reference)
    }

    static let sample = PathSet(paths: [
        (["email", "direct", "web", "direct"], 2, 10, 1),
        (["push"], 1, 4, 0),
        (["direct"], 1, 1, 0),
        (["sms", "web", "email"], 0, 0, 5),
    ])

    @Test("last non-direct skips the direct channel, and keeps all-direct paths on direct")
    func lastNonDirect() throws {
        let result = try HeuristicModel.lastNonDirect(directChannels: ["direct"]).attribute(Self.sample)
        #expect(result.credit(for: "web")?.conversions == 2)
        #expect(result.credit(for: "web")?.value == 10)
        #expect(result.credit(for: "direct")?.conversions == 1)
        #expect(result.credit(for: "push")?.conversions == 1)
        #expect(result.totalConversions == 4)
    }

    @Test("position-based gives 40/20/40, splits two-touch paths evenly, and sums to the total")
    func positionBased() throws {
        let result = try HeuristicModel.positionBased(first: 0.4, last: 0.4).attribute(Self.sample)
        // Path 1: email .4, direct .1 + .4, web .1 → ×2 conversions.
        #expect(isClose(try #require(result.credit(for: "email")).conversions, 0.8, relative: 1e-12))
        #expect(isClose(try #require(result.credit(for: "direct")).conversions, 2 * 0.5 + 1, relative: 1e-12))
        #expect(isClose(try #require(result.credit(for: "web")).conversions, 0.2, relative: 1e-12))
        let two = try HeuristicModel.positionBased(first: 0.3, last: 0.3).attribute(PathSet(paths: [(["a", "b"], 1, 0, 0)]))
        #expect(two.credit(for: "a")?.conversions == 0.5)
        #expect(isClose(result.channels.map(\.conversions).reduce(0, +), 4, relative: 1e-12))
    }

    @Test("custom weights are normalised per path and the last weight repeats")
    func customWeights() throws {
        let result = try HeuristicModel.custom(weights: [3, 1]).attribute(PathSet(paths: [(["a", "b", "c"], 5, 0, 0)]))
        #expect(result.credit(for: "a")?.conversions == 3)
        #expect(result.credit(for: "b")?.conversions == 1)
        #expect(result.credit(for: "c")?.conversions == 1)
    }

    @Test("time decay needs timestamps and rejects a non-positive half-life")
    func timeDecayValidation() throws {
        #expect(throws: AttributionError.needsTimestamps(model: "time-decay")) {
            try HeuristicModel.timeDecay(halfLife: 86_400).attribute(Self.sample)
        }
        #expect(throws: AttributionError.self) {
            try HeuristicModel.timeDecay(halfLife: 0).attribute(Self.sample)
        }
    }
}

import Testing
@testable import TouchstoneExperiment

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-03-01T12:34:56Z", 1_772_368_496_000_000 as Int64),
        ("2026-03-01T12:34:56.25Z", 1_772_368_496_250_000),
        ("2026-03-01T14:34:56+02:00", 1_772_368_496_000_000),
        ("2026-03-01T07:04:56-0530", 1_772_368_496_000_000),
        ("2026-03-01 12:34:56", 1_772_368_496_000_000),
        ("2026-03-01", 1_772_323_200_000_000),
        ("1772368496", 1_772_368_496_000_000),
        ("1772368496.5", 1_772_368_496_500_000),
        ("1969-12-31T23:59:59Z", -1_000_000),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000_000),
    ])
    func parses(text: String, micros: Int64) {
        #expect(MicrosecondTimestamp.parse(text) == micros)
    }

    @Test(arguments: ["", "2026-02-30", "2026-13-01", "2026-03-01T25:00:00Z", "12:00", "2026-03-01Tx", "1e9", "2026-03-01T12:00:00+5"])
    func rejects(text: String) {
        #expect(MicrosecondTimestamp.parse(text) == nil)
    }

    @Test func formatsBack() {
        #expect(MicrosecondTimestamp.format(1_772_368_496_000_000) == "2026-03-01T12:34:56Z")
        #expect(MicrosecondTimestamp.format(1_772_368_496_250_000) == "2026-03-01T12:34:56.250000Z")
        #expect(MicrosecondTimestamp.format(-1_000_000) == "1969-12-31T23:59:59Z")
    }
}

@Suite struct ExposureMergeTests {
    @Test func earliestWinsInAnyOrderAndMergeIsIdempotent() {
        let exposures = [
            Exposure(experiment: "e", unitId: "u", variant: "b", timestamp: 30),
            Exposure(experiment: "e", unitId: "u", variant: "a", timestamp: 10),
            Exposure(experiment: "e", unitId: "u", variant: "a", timestamp: 20),
        ]
        var states: [ExposureState] = []
        for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2], [0, 2, 1, 0, 1]] {
            var state = ExposureState(exposures[order[0]])
            for index in order.dropFirst() { state.merge(exposures[index]) }
            states.append(state)
        }
        #expect(Set(states).count == 1)
        #expect(states[0] == ExposureState(variant: "a", firstAt: 10, lastAt: 30, isMultiVariant: true))
        var single = ExposureState(exposures[1])
        single.merge(exposures[2])
        single.merge(exposures[1])
        #expect(!single.isMultiVariant && single.variant == "a" && single.lastAt == 20)
    }
}

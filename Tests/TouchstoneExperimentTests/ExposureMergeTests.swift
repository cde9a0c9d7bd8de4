import Testing
@testable import TouchstoneExperiment

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

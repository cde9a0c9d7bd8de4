import Testing
@testable import TouchstoneExperiment

/// Inputs libFuzzer found to crash (FuzzTesting/, Scripts/fuzz.sh); each must now parse or throw.
@Suite struct FuzzRegressionTests {
    /// FuzzTargeting, crash-a4624569…: a YAML 1.1 sexagesimal integer long enough to overflow
    /// Int trapped inside Yams' `Node.int` (arithmetic overflow, SIGILL/SIGTRAP).
    @Test(arguments: [
        "1:5:05:1:5:1:51:5:05:1:5:1:51:5",
        "{ age: { gte: 1:5:05:1:5:1:51:5:05:1:5:1:51:5 } }",
        "{ plan: { in: [99:59:59:59:59:59:59:59:59:59:59:59, -1:0:0:0:0:0:0:0:0:0:0:0:0] } }",
    ])
    func sexagesimalOverflowIsNotACrash(_ targeting: String) {
        let text = "experiments:\n  - key: fuzz\n    variants: [control, treatment]\n    targeting: \(targeting)\n"
        do {
            let config = try ExperimentConfig(text: text, file: "fuzz.yaml")
            _ = config.experiments.first?.targeting?.matches(["age": "30", "plan": "pro"])
        } catch {
            #expect(error is ExperimentError, "\(error)")
        }
    }

    @Test func sexagesimalLiteralComparesAsText() throws {
        let text = "experiments:\n  - key: a\n    variants: [x, y]\n    targeting: { t: 1:5:05:1:5:1:51:5:05:1:5:1:51:5 }\n"
        let config = try ExperimentConfig(text: text, file: "a.yaml")
        let targeting = try #require(config.experiments.first?.targeting)
        #expect(targeting.matches(["t": "1:5:05:1:5:1:51:5:05:1:5:1:51:5"]))
        #expect(!targeting.matches(["t": "3905"]))
    }
}

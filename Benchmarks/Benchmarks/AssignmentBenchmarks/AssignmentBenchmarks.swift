import Benchmark
import TouchstoneExperiment

/// 1,000,000 distinct ids, built once outside the measured region.
private let ids: [String] = (0..<1_000_000).map { "user-\($0 &* 2_654_435_761 % 1_000_000_007)" }

private func experiment(_ hash: String) throws -> Experiment {
    let config = try ExperimentConfig(
        text: "experiments: [{ key: bench, hash: \(hash), coverage: 0.9, variants: [{name: control, weight: 1}, {name: email, weight: 1}, {name: push, weight: 2}] }]",
        file: "bench.yaml")
    return config.experiments[0]
}

let benchmarks: @Sendable () -> Void = {
    // One iteration = 1M assignments; throughput × 1M = assignments per second (one core).
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .one, maxDuration: .seconds(3), maxIterations: 20)
    for hash in ["touchstone", "growthbook-v1", "growthbook-v2"] {
        Benchmark("assign 1M ids (\(hash))", configuration: configuration) { benchmark in
            let definition = try experiment(hash)
            benchmark.startMeasurement()
            var enrolled = 0
            for id in ids where Assigner.variant(of: id, in: definition) != nil { enrolled &+= 1 }
            blackHole(enrolled)
        }
    }
    Benchmark("assign 1M ids, full rules (touchstone)", configuration: configuration) { benchmark in
        let config = try ExperimentConfig(
            text: "experiments: [{ key: bench, variants: [a, b], targeting: { country: US } }]\nholdouts: [{ key: h, share: 0.05 }]",
            file: "bench.yaml")
        let assigner = Assigner(config: config)
        let attributes = ["country": "US"]
        benchmark.startMeasurement()
        var enrolled = 0
        for id in ids where assigner.assign(experimentAt: 0, unitId: id, attributes: attributes).variantIndex != nil { enrolled &+= 1 }
        blackHole(enrolled)
    }
}

import Benchmark
import Foundation
import TouchstoneAnalysis

/// `analyze --timeline daily` against the plain analysis of the same raw logs: 1,000,000 units
/// of `touchstone simulate experiment` (8 arms, 14-day window), three metrics. The timeline keeps
/// per-unit day cells during the one scan of the logs, so its cost over the plain analysis is the
/// cells' memory and the reduction over units × cells, not a re-read per day; the target is at
/// most 1.5× the plain analysis. Run both in one invocation and compare their medians:
/// `swift package benchmark --target TimelineBenchmarks`.
private let logs: URL = {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-timeline-benchmark-1m")
    if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("events.csv").path) {
        do {
            _ = try ExperimentSimulator(units: 1_000_000, seed: 1).write(to: directory)
        } catch {
            fatalError("cannot write the benchmark logs: \(error)")
        }
    }
    return directory
}()

private func analysis(timeline: TimelineView?) throws -> AnalysisResult {
    var request = AnalysisRequest(
        source: .rawLogs(
            exposures: [logs.appendingPathComponent("exposures.csv").path], events: [logs.appendingPathComponent("events.csv").path]),
        settings: AnalysisSettings(experiment: ExperimentSimulator.experimentKey, control: "control"))
    request.metrics = ["purchase", "purchase:sum", "session:count"]
    request.timeline = timeline
    return try request.run()
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(60),
        maxIterations: 5)

    Benchmark("raw logs, 1M units: plain analysis", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try analysis(timeline: nil)) }
    } setup: {
        _ = logs
    }

    Benchmark("raw logs, 1M units: --timeline daily", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try analysis(timeline: .daily)) }
    } setup: {
        _ = logs
    }
}

import Foundation
import Benchmark
import TouchstoneAttribution
import TouchstoneData

/// 100,000 simulated units (about 310,000 touchpoints over 8 channels), parsed once; each
/// benchmark measures one model on the resulting path set. The 1M-journey comparison with
/// ChannelAttribution, from the raw log, is `Benchmarks/peers/attribution_peer.py`.
private let paths: PathSet? = {
    guard let generated = try? JourneySimulator(units: 100_000, seed: 42).generate(),
        let reader = try? CSVReader(bytes: generated.csv, name: "simulated")
    else { return nil }
    return try? TouchpointReader.read(reader)
}()

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3))

    // Parsing is split into chunks on every core (the rows are the same on any number of
    // threads): one thread against all of them, in the same run. 12 MB of CSV, as written by
    // `touchstone simulate journeys`, and the same rows fully quoted as exports write them.
    let log = (try? JourneySimulator(units: 100_000, seed: 42).generate().csv) ?? []
    let quoted = quoteEveryField(log)
    for (format, bytes) in [("csv", log), ("quoted csv", quoted)] {
        for threads in Set([1, ProcessInfo.processInfo.activeProcessorCount]).sorted() {
            Benchmark("touchpoint log to paths: 100k units, \(format), \(threads) thread(s)", configuration: configuration) { benchmark in
                var options = TouchpointReader.Options()
                options.threads = threads
                for _ in benchmark.scaledIterations {
                    blackHole(try TouchpointReader.read(CSVReader(bytes: bytes, name: "simulated"), options: options))
                }
            }
        }
    }

    for (name, model) in [("first touch", HeuristicModel.firstTouch), ("linear", .linear), ("position", .positionBased(first: 0.4, last: 0.4))] {
        Benchmark("heuristic \(name): 100k units", configuration: configuration) { benchmark in
            guard let paths else { return }
            for _ in benchmark.scaledIterations { blackHole(try model.attribute(paths)) }
        }
    }

    // Removal systems solved on one thread and on every core (identical effects).
    for order in 1...3 {
        for threads in Set([1, ProcessInfo.processInfo.activeProcessorCount]).sorted() {
            Benchmark("markov order \(order), exact: 100k units, \(threads) thread(s)", configuration: configuration) { benchmark in
                guard let paths else { return }
                for _ in benchmark.scaledIterations { blackHole(try MarkovModel(order: order, threads: threads).attribute(paths)) }
            }
        }
    }

    // The case: 1,000 replicates of order-2 Markov on the 100k units, on one thread and on
    // every core in the same run (replicates are spread over threads; the intervals are identical).
    let bootstrapConfiguration = Benchmark.Configuration(
        metrics: [.wallClock], timeUnits: .milliseconds, warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 3)
    for threads in [1, ProcessInfo.processInfo.activeProcessorCount] {
        Benchmark("bootstrap 1,000 replicates, markov order 2: 100k units, \(threads) thread(s)", configuration: bootstrapConfiguration) {
            benchmark in
            guard let paths else { return }
            let model = MarkovModel(order: 2)
            for _ in benchmark.scaledIterations {
                var result = try model.attribute(paths)
                try Bootstrap(replicates: 1_000, seed: 1, threads: threads).addIntervals(to: &result, model: model, paths: paths)
                blackHole(result)
            }
        }
    }

    Benchmark("shapley simplified: 100k units", configuration: configuration) { benchmark in
        guard let paths else { return }
        for _ in benchmark.scaledIterations { blackHole(try ShapleyModel().attribute(paths)) }
    }
}

/// `bytes` (a CSV without quotes) with every field quoted, as database exports write it.
private func quoteEveryField(_ bytes: [UInt8]) -> [UInt8] {
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    let quoted = lines.map { line in
        line.isEmpty ? "" : line.split(separator: ",", omittingEmptySubsequences: false).map { "\"\($0)\"" }.joined(separator: ",")
    }
    return Array(quoted.joined(separator: "\n").utf8)
}

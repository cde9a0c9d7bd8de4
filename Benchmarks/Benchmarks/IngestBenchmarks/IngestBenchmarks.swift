import Benchmark
import Foundation
import TouchstoneData

/// 1,000,000 exposures of 500,000 units (each seen twice, the second time a day earlier), written once.
private let logPath: String = {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-ingest-bench.csv").path
    var text = "unit_id,experiment,variant,timestamp\n"
    let units = 500_000
    for round in 0..<2 {
        for unit in 0..<units {
            let id = unit &* 7919 % units
            text += "u\(id),checkout,\(id % 2 == 0 ? "control" : "treatment"),2026-03-0\(2 - round)T12:\(10 + id % 50):00Z\n"
        }
    }
    try? text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}()

let benchmarks: @Sendable () -> Void = {
    // One iteration = ingest 1M rows into a fresh store (WAL, synchronous=FULL, 100k-row commits).
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 5)
    Benchmark("expose 1M rows into a new store", configuration: configuration) { benchmark in
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-ingest-\(UUID().uuidString).db").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) } }
        let log = logPath
        benchmark.startMeasurement()
        let exposureStore = try ExposureStore(path: store)
        blackHole(try exposureStore.ingest(paths: [log]))
    }
    Benchmark("re-expose 1M rows (idempotent, no change)", configuration: configuration) { benchmark in
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-ingest-\(UUID().uuidString).db").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) } }
        let exposureStore = try ExposureStore(path: store)
        try exposureStore.ingest(paths: [logPath])
        benchmark.startMeasurement()
        blackHole(try exposureStore.ingest(paths: [logPath]))
    }
}

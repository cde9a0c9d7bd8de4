import Foundation
import Testing
import TouchstoneExperiment
import TouchstoneTestSupport
@testable import TouchstoneData

/// A batch of at least 65,536 rows is sorted in buckets of unit-id prefixes on a second thread
/// while the first thread writes the buckets already merged. These logs are large enough to
/// take that path; the store must hold what folding every row with ``ExposureState`` gives,
/// whatever the buckets, the transaction size or the experiments' mix.
@Suite struct BucketedWriteTests {
    /// A log mixing what could go wrong at bucket edges: one large experiment (bucketed) and two
    /// small ones interleaved with it; ids shorter than the 8-byte prefix, ids sharing it
    /// (`customer_…`, all in one bucket), repeats far apart in the file, ties on the first
    /// time broken by the variant, and units seen in two variants.
    private func log(rows: Int) -> (text: String, expected: [String: ExposureState]) {
        var text = "unit_id,experiment,variant,timestamp\n"
        var expected: [String: ExposureState] = [:]
        var generator = SplitMix64(seed: 20)
        for index in 0..<rows {
            let draw = generator.next()
            let experiment = index % 10 == 3 ? "small-a" : (index % 10 == 7 ? "small-b" : "large")
            let unitNumber = Int(draw % UInt64(rows / 3))
            let unit: String
            switch unitNumber % 4 {
            case 0: unit = "u\(unitNumber)"
            case 1: unit = "customer_\(unitNumber)"
            case 2: unit = String(unitNumber, radix: 36)
            default: unit = "x-\(unitNumber)-\(unitNumber % 7)"
            }
            let variant = (draw >> 20) % 50 == 0 ? "treatment" : (unitNumber % 2 == 0 ? "control" : "treatment")
            let seconds = 1_772_000_000 + Int64((draw >> 32) % 5_000)
            text += "\(unit),\(experiment),\(variant),\(seconds)\n"
            let state = ExposureState(variant: variant, firstAt: seconds * 1_000_000, lastAt: seconds * 1_000_000, isMultiVariant: false)
            expected["\(experiment)|\(unit)", default: state].merge(state)
        }
        return (text, expected)
    }

    private func stored(_ store: ExposureStore) throws -> [String: ExposureState] {
        let statement = try store.database.prepare("SELECT experiment, unit_id, variant, first_at, last_at, multi_variant FROM exposures")
        var result: [String: ExposureState] = [:]
        while try statement.step() {
            result["\(statement.text(0))|\(statement.text(1))"] = ExposureState(
                variant: statement.text(2), firstAt: statement.int64(3), lastAt: statement.int64(4),
                isMultiVariant: statement.int64(5) != 0)
        }
        return result
    }

    /// How many expected units are missing or differ, and the first of them (the whole
    /// dictionaries would make a failure message of megabytes).
    private func mismatches(_ expected: [String: ExposureState], _ got: [String: ExposureState]) -> (Int, String) {
        let wrong = expected.filter { key, state in got[key] != state }
        let example = wrong.first.map { "\($0.key): expected \($0.value), got \(String(describing: got[$0.key]))" } ?? ""
        return (wrong.count, example)
    }

    @Test func theStoreHoldsEveryUnitsFoldedStateWhateverTheTransactionSize() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (text, expected) = log(rows: 240_000)
        let path = directory.appendingPathComponent("log.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(expected.values.contains { $0.isMultiVariant })
        for batchSize in [100_000, 7_001, 128, 127] {
            let store = try ExposureStore(path: directory.appendingPathComponent("s\(batchSize).db").path)
            var reports: [Int] = []
            let summary = try store.ingest(paths: [path], options: IngestOptions(batchSize: batchSize)) { reports.append($0) }
            #expect(summary.rows == 240_000)
            #expect(summary.unitsAfter == expected.count)
            // One commit per `batchSize` store rows, the last one partial.
            #expect(summary.batches == (expected.count + batchSize - 1) / batchSize)
            #expect(reports.count == summary.batches)
            #expect(zip(reports, reports.dropFirst()).allSatisfy { $0 < $1 })
            #expect(reports.last == 240_000)
            let got = try stored(store)
            #expect(got.count == expected.count)
            let (differing, example) = mismatches(expected, got)
            #expect(differing == 0, "\(example)")
        }
    }

    @Test func reIngestingTheSameLogChangesNothing() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (text, expected) = log(rows: 150_000)
        let path = directory.appendingPathComponent("log.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let store = try ExposureStore(path: directory.appendingPathComponent("s.db").path)
        try store.ingest(paths: [path])
        try store.ingest(paths: [path, path])
        let got = try stored(store)
        let (differing, example) = mismatches(expected, got)
        #expect(got.count == expected.count)
        #expect(differing == 0, "\(example)")
    }
}

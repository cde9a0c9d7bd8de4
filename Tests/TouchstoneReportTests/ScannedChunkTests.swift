import Foundation
import Testing
@testable import TouchstoneExperiment
@testable import TouchstoneReport

/// Pass 1's per-chunk records (``ScannedChunk``): kept within their budget, so that pass 2 of
/// a typical run only formats, and dropped past it (``AssignmentStreamTests`` checks that the
/// output is the same either way).
@Suite("Scanned chunk records")
struct ScannedChunkTests {
    static let config = """
        experiments:
          - key: e
            hash: growthbook-v2
            coverage: 0.9
            variants: [{ name: v0, weight: 0.25 }, { name: v1, weight: 0.25 }, { name: v2, weight: 0.5 }]
        """

    /// Records one chunk of `text` as pass 1 does.
    static func record(_ text: String, json: Bool, budget: Int) throws -> (ScannedChunk, ids: [String], outcomes: [BatchAssigner.Outcome]) {
        let config = try ExperimentConfig(text: Self.config, file: "c.yaml")
        let assigner = BatchAssigner(config: config, experiments: [0], at: Date(timeIntervalSince1970: 0))
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { buffer in
            let base = try #require(buffer.baseAddress)
            let chunk = UnitIdScanner.Chunk(range: 0..<buffer.count, isFirst: true, isLast: true)
            let record = ScannedChunk(chunk: chunk, experiments: 1, keepsBuckets: json, budget: budget)
            var ids: [String] = [], outcomes: [BatchAssigner.Outcome] = []
            _ = UnitIdScanner.scan(buffer, chunk: chunk) { id, traits in
                let outcome = assigner.assign(slot: 0, id: id)
                if record.begin(id, traits, in: base) { record.set(outcome, slot: 0) }
                ids.append(String(decoding: id, as: UTF8.self))
                outcomes.append(outcome)
            }
            return (record, ids, outcomes)
        }
    }

    @Test func benchmarkShapedIdsAreKeptForCSVAndJSON() throws {
        // 15 bytes a line, as in Benchmarks/peers/growthbook_assign.py.
        let text = (0..<20_000).map { "user-\(String(100_000_000 + $0 * 7919))" }.joined(separator: "\n") + "\n"
        for json in [false, true] {
            let (record, ids, outcomes) = try Self.record(text, json: json, budget: text.utf8.count * AssignmentStream.recordBytesPerInputByte)
            #expect(!record.isAbandoned)
            #expect(record.count == ids.count)
            let spans = try #require(record.spans), codes = try #require(record.codes)
            for index in 0..<record.count {
                let span = spans[index]
                let id = String(decoding: Array(text.utf8)[Int(span.start)..<Int(span.start + span.count)], as: UTF8.self)
                #expect(id == ids[index])
                #expect(ScannedChunk.variant(codes[index]) == outcomes[index].variantIndex)
                #expect(ScannedChunk.reasonOrdinal(codes[index]) == outcomes[index].reason.ordinal)
                if json { #expect(record.buckets?[index] == outcomes[index].bucket) }
            }
        }
    }

    @Test func aRecordPastItsBudgetIsDropped() throws {
        let text = (0..<5_000).map { "u\($0)" }.joined(separator: "\r\n")
        for budget in [0, 1, text.utf8.count / 2] {
            let (record, ids, _) = try Self.record(text, json: false, budget: budget)
            #expect(ids.count == 5_000)
            #expect(record.isAbandoned)
            #expect(record.count == 0 && record.spans == nil && record.codes == nil)
        }
    }

    @Test func outcomeCodesRoundTrip() {
        for reason in Assignment.Reason.allCases {
            for variant in [nil, 0, 1, 7, 1 << 20, (1 << 29) - 2] as [Int?] {
                let code = ScannedChunk.code(BatchAssigner.Outcome(variant, reason, 0.5))
                #expect(code.map(ScannedChunk.variant) == variant)
                #expect(code.map(ScannedChunk.reasonOrdinal) == reason.ordinal)
            }
        }
        #expect(ScannedChunk.code(BatchAssigner.Outcome((1 << 29) - 1, .enrolled, 0.5)) == nil)
    }
}

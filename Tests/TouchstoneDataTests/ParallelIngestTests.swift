import Foundation
import Testing
import TouchstoneTestSupport
@testable import TouchstoneData

/// The ingest parses a file that fits in one segment in row-aligned chunks on all cores
/// (``ExposureLogReader/parse(_:name:into:workers:)``); these files are over 1 MB so that they
/// are really split. Errors must be those of one sequential pass, and the store content must
/// not depend on the split or on the segment path.
@Suite struct ParallelIngestTests {
    private func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Every stored row, in key order, as text.
    private func dump(_ store: ExposureStore) throws -> [String] {
        let statement = try store.database.prepare("SELECT * FROM exposures ORDER BY experiment, unit_id")
        var rows: [String] = []
        while try statement.step() {
            rows.append((0..<6).map { statement.text(Int32($0)) }.joined(separator: "|"))
        }
        return rows
    }

    /// `count` CSV rows of ids scrambled over `count / 2` units (each seen twice), `line` ending each.
    private func csvBody(_ count: Int, quoted: Bool = false, newline: String = "\n") -> String {
        var text = ""
        for index in 0..<count {
            let unit = index * 7919 % (count / 2)
            let fields = ["u\(unit)", "exp", unit % 3 == 0 ? "control" : "treatment", "\(1_772_000_000 + index)"]
            text += (quoted ? fields.map { "\"\($0)\"" } : fields).joined(separator: ",") + newline
        }
        return text
    }

    @Test func aBadRowInTheSecondChunkIsReportedAtItsLineAndNothingIsWritten() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for quoted in [false, true] {
            var text = "unit_id,experiment,variant,timestamp\n" + csvBody(40_000, quoted: quoted)
            // Line 40,002 is well past the middle of the file: the second of two chunks.
            text += (quoted ? "\"u1\",\"exp\",\"control\",\"soon\"" : "u1,exp,control,soon") + "\n"
            text += csvBody(4_000, quoted: quoted)
            // A second bad row later in the same chunk must not win over the first.
            text += "u2,exp,control,later\n"
            let path = try write(text, quoted ? "quoted.csv" : "plain.csv", in: directory)
            let storage = try ExposureLogReader.load(path: path)
            var batch = ExposureBatch(source: storage)
            for workers in [1, 2] {
                #expect {
                    _ = try ExposureLogReader.parse(storage, name: path, into: &batch, workers: workers)
                } throws: { error in
                    (error as? DataError).map { $0.file == path && $0.line == 40_002 && $0.column == 4 && $0.message.contains("'soon'") }
                        ?? false
                }
                #expect(batch.count == 0)
            }
            let store = try ExposureStore(path: directory.appendingPathComponent("s.db").path)
            #expect(throws: DataError.self) { try store.ingest(paths: [path]) }
            #expect(try dump(store).isEmpty)
        }
    }

    @Test func aBadFirstChunkWinsOverABadSecondChunk() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = "unit_id,experiment,variant,timestamp\n" + "u0,exp,,1772000000\n" + csvBody(60_000) + "u9,exp,a\n"
        let path = try write(text, "two.csv", in: directory)
        let storage = try ExposureLogReader.load(path: path)
        var batch = ExposureBatch(source: storage)
        #expect {
            _ = try ExposureLogReader.parse(storage, name: path, into: &batch, workers: 2)
        } throws: { error in
            (error as? DataError).map { $0.line == 2 && $0.column == 3 && $0.message == "empty variant" } ?? false
        }
    }

    @Test func jsonLinesErrorsInTheSecondChunkCountLinesFromTheStart() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = ""
        for index in 0..<30_000 {
            text += "{\"unit_id\": \"u\(index % 9_000)\", \"experiment\": \"e\", \"variant\": \"v\(index % 2)\", \"timestamp\": \(1_772_000_000 + index)}\n"
            if index == 20_000 { text += "\n{\"unit_id\": \"u1\", \"experiment\": \"e\", \"variant\": \"v\"}\n" }
        }
        let path = try write(text, "bad.jsonl", in: directory)
        let store = try ExposureStore(path: directory.appendingPathComponent("s.db").path)
        #expect {
            try store.ingest(paths: [path])
        } throws: { error in
            (error as? DataError)?.description == "\(path):20003:1: missing key 'timestamp'"
        }
        #expect(try dump(store).isEmpty)
    }

    @Test func escapedIdsAndCRLFStoreTheSameWhateverTheSplitOrSegment() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var csv = "unit_id,experiment,variant,timestamp\r\n"
        var json = ""
        for index in 0..<50_000 {
            let unit = index * 7919 % 20_000
            let escaped = unit % 5 == 0
            let variant = index % 3 == 0 ? "control" : "treat \"x\""
            csv += (escaped ? "\"u\"\"\(unit)\"\"\"" : "u\(unit)") + ",\"a,b\",\"" + variant.replacingOccurrences(of: "\"", with: "\"\"")
                + "\",\(1_772_000_000 + index % 977)\r\n"
            let jsonUnit = escaped ? "u\\\"\(unit)\\\"" : "u\(unit)"
            json += "{\"unit_id\": \"\(jsonUnit)\", \"experiment\": \"a,b\", \"variant\": \"\(variant.replacingOccurrences(of: "\"", with: "\\u0022"))\", "
                + "\"timestamp\": \(1_772_000_000 + index % 977)}\r\n"
        }
        let csvPath = try write(csv, "escaped.csv", in: directory)
        let jsonPath = try write(json, "escaped.jsonl", in: directory)
        var dumps: [[String]] = []
        for (index, path) in [csvPath, jsonPath].enumerated() {
            for options in [IngestOptions(), IngestOptions(batchSize: 7_000, segmentRows: 9_000)] {
                let store = try ExposureStore(path: directory.appendingPathComponent("s\(index)-\(options.segmentRows).db").path)
                let summary = try store.ingest(paths: [path], options: options)
                #expect(summary.rows == 50_000 && summary.unitsAfter == 20_000)
                dumps.append(try dump(store))
            }
        }
        #expect(dumps.count == 4 && dumps.allSatisfy { $0 == dumps[0] })
        let store = try ExposureStore(path: directory.appendingPathComponent("s0-\(IngestOptions().segmentRows).db").path)
        let state = try #require(try store.state(experiment: "a,b", unitId: "u\"0\""))
        #expect(state.variant == "control" && state.isMultiVariant)
        #expect(try store.state(experiment: "a,b", unitId: "u1") != nil)
    }

    @Test func aFileLongerThanASegmentIsValidatedWholeBeforeItsFirstSegment() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write("unit_id,experiment,variant,timestamp\n" + csvBody(60_000) + "u1,exp,control,never\n", "long.csv", in: directory)
        let store = try ExposureStore(path: directory.appendingPathComponent("s.db").path)
        #expect {
            try store.ingest(paths: [path], options: IngestOptions(batchSize: 5_000, segmentRows: 10_000))
        } throws: { error in
            (error as? DataError).map { $0.line == 60_002 && $0.column == 4 } ?? false
        }
        #expect(try dump(store).isEmpty)
    }
}

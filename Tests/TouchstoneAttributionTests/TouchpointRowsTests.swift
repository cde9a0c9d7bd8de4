import Foundation
import Testing
@testable import TouchstoneAttribution
import TouchstoneData
import TouchstoneTime

/// The parallel touchpoint parser against the row-by-row parser it replaced
/// (``ReferenceTouchpointRows``): same columns, unit and channel numbers, `ordered` flag and
/// errors, on logs large enough to be split into chunks (more than 1 MiB).
@Suite struct TouchpointRowsTests {
    /// A simulated log of 12,000 units (about 1.5 MB, 36,000 rows), as lines without the header.
    static let simulated: [String] = {
        guard let csv = try? JourneySimulator(units: 12_000, seed: 19).generate().csv else { return [] }
        return String(decoding: csv, as: UTF8.self).split(separator: "\n").dropFirst().map(String.init)
    }()
    static let header = "unit_id,timestamp,channel,conversion,value"

    static func log(_ lines: [String], header: String = header) -> [UInt8] {
        Array((([header] + lines).joined(separator: "\n") + "\n").utf8)
    }

    /// Parses `bytes` with the reference and with the parallel parser on each thread count, and
    /// expects the same outcome: equal columns, or errors with the same text.
    static func expectSameAsReference(
        _ bytes: [UInt8], name: String = "log.csv", threads: [Int] = [1, 2, 3, 8],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(try CSVReader(bytes: bytes, name: name).chunks(8).count > 1, "the log must be split", sourceLocation: sourceLocation)
        let reference = Result { try ReferenceTouchpointRows(CSVReader(bytes: bytes, name: name)) }
        for count in threads {
            let parsed = Result { try TouchpointRows(CSVReader(bytes: bytes, name: name), options: .init(), threads: count) }
            switch (reference, parsed) {
            case (.success(let expected), .success(let rows)):
                #expect(rows.units == expected.units, "units, \(count) threads", sourceLocation: sourceLocation)
                #expect(rows.times == expected.times, "times, \(count) threads", sourceLocation: sourceLocation)
                #expect(rows.touchChannel == expected.touchChannel, "channels, \(count) threads", sourceLocation: sourceLocation)
                #expect(rows.conversions == expected.conversions, "conversions, \(count) threads", sourceLocation: sourceLocation)
                #expect(rows.values == expected.values, "values, \(count) threads", sourceLocation: sourceLocation)
                #expect(rows.views == expected.views, "views, \(count) threads", sourceLocation: sourceLocation)
                #expect(rows.ordered == expected.ordered, "ordered, \(count) threads", sourceLocation: sourceLocation)
                #expect(rows.unitCount == expected.unitCount, "unit count, \(count) threads", sourceLocation: sourceLocation)
                #expect(rows.channels.names == expected.channelNames, "channel names, \(count) threads", sourceLocation: sourceLocation)
            case (.failure(let expected), .failure(let error)):
                #expect("\(error)" == "\(expected)", "\(count) threads", sourceLocation: sourceLocation)
            case (.success, .failure(let error)):
                Issue.record("\(count) threads: unexpected error \(error)", sourceLocation: sourceLocation)
            case (.failure(let expected), .success):
                Issue.record("\(count) threads: no error, the reference throws \(expected)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("a sorted log (units spanning chunk boundaries): the same columns as the row-by-row parser")
    func sorted() throws {
        #expect(Self.simulated.count > 30_000)
        #expect(try ReferenceTouchpointRows(CSVReader(bytes: Self.log(Self.simulated), name: "log.csv")).ordered)
        try Self.expectSameAsReference(Self.log(Self.simulated))
    }

    @Test("a shuffled log: units seen again in later chunks keep their first number, and the log is not ordered")
    func unsorted() throws {
        var lines = Self.simulated
        var generator = SeededGenerator(seed: 5)
        lines.shuffle(using: &generator)
        #expect(try !ReferenceTouchpointRows(CSVReader(bytes: Self.log(lines), name: "log.csv")).ordered)
        try Self.expectSameAsReference(Self.log(lines))
        // Sorted by unit only, times reversed within each unit: contiguous units, time going backwards.
        let byUnit = Self.simulated.reversed().sorted { $0.prefix { $0 != "," } < $1.prefix { $0 != "," } }
        try Self.expectSameAsReference(Self.log(Array(byUnit)))
    }

    /// One unit's 50,000 rows at one-minute steps (epoch seconds), so every chunk boundary
    /// falls inside it; `swapAtBoundary` swaps the times of the rows on either side of the
    /// first boundary.
    static func oneUnit(swapAtBoundary: Bool) throws -> [UInt8] {
        var bytes = log((0..<50_000).map { "whale,\(1_772_323_200 + 60 * $0),email,0,0" })
        guard swapAtBoundary else { return bytes }
        let boundary = try #require(try CSVReader(bytes: bytes, name: "log.csv").chunks(4).dropFirst().first).range.lowerBound
        var before = boundary - 1
        while bytes[before - 1] != UInt8(ascii: "\n") { before -= 1 }
        // Both rows are `whale,TTTTTTTTTT,...`: the ten digits start 6 bytes into the row.
        for k in 6..<16 { bytes.swapAt(before + k, boundary + k) }
        return bytes
    }

    @Test("a unit whose rows continue across chunk boundaries is one unit; time going backwards at a boundary is seen")
    func unitAcrossChunks() throws {
        let sorted = try Self.oneUnit(swapAtBoundary: false)
        let rows = try TouchpointRows(CSVReader(bytes: sorted, name: "log.csv"), options: .init(), threads: 4)
        #expect(rows.unitCount == 1)
        #expect(rows.ordered)
        try Self.expectSameAsReference(sorted)
        let swapped = try Self.oneUnit(swapAtBoundary: true)
        #expect(try !TouchpointRows(CSVReader(bytes: swapped, name: "log.csv"), options: .init(), threads: 4).ordered)
        try Self.expectSameAsReference(swapped)
    }

    @Test("quoted fields: escaped quotes, blanks trimmed from channels, line breaks inside a field")
    func quoted() throws {
        let lines = Self.simulated.enumerated().map { n, line -> String in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if fields[2] == "paid_search" { fields[2] = "paid \"search\"" }
            if fields[2] == "web" { fields[2] = "  web " }
            if n % 1_000 == 7, !fields[2].isEmpty { fields[2] = "two\nlines" }
            return fields.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" }.joined(separator: ",")
        }
        try Self.expectSameAsReference(Self.log(lines, header: "\"unit_id\",\"timestamp\",\"channel\",\"conversion\",\"value\""))
    }

    @Test("timestamps: ISO 8601 with Z, a space, a fraction or an offset, and epoch seconds, mixed")
    func timestampForms() throws {
        let lines = try Self.simulated.enumerated().map { n, line -> String in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let iso = fields[1]
            switch n % 5 {
            case 1: fields[1] = "\(try #require(Timestamp.parse(iso)).microseconds / 1_000_000)"
            case 2: fields[1] = iso.replacingOccurrences(of: "Z", with: ".25Z")
            case 3: fields[1] = iso.replacingOccurrences(of: "Z", with: "+02:00")
            case 4: fields[1] = iso.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
            default: break
            }
            return fields.joined(separator: ",")
        }
        try Self.expectSameAsReference(Self.log(lines))
    }

    @Test("a type column: clicks and views in any case and with blanks")
    func types() throws {
        let kinds = ["click", "view", "CLICK", " View "]
        // Conversion-only rows (no channel) leave the type empty.
        let lines = Self.simulated.enumerated().map { n, line in
            line.contains(",,") ? line + "," : line + "," + kinds[n % kinds.count]
        }
        try Self.expectSameAsReference(Self.log(lines, header: Self.header + ",type"))
    }

    @Test("JSON Lines: the same rows as the CSV")
    func jsonLines() throws {
        let lines = Self.simulated.map { line -> String in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            let channel = f[2].isEmpty ? "null" : "\"\(f[2])\""
            return "{\"unit_id\":\"\(f[0])\",\"timestamp\":\"\(f[1])\",\"channel\":\(channel),\"conversion\":\(f[3]),\"value\":\(f[4])}"
        }
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        try Self.expectSameAsReference(bytes, name: "log.jsonl")
        let csv = try ReferenceTouchpointRows(CSVReader(bytes: Self.log(Self.simulated), name: "log.csv"))
        let json = try TouchpointRows(CSVReader(bytes: bytes, name: "log.jsonl"), options: .init(), threads: 2)
        #expect(json.times == csv.times && json.units == csv.units && json.channels.names == csv.channelNames)
    }

    /// The simulated log with `lines[at]` replaced by `row`.
    static func withRow(_ row: String, at fraction: Double, in lines: [String] = simulated) -> [String] {
        var lines = lines
        lines[Int(Double(lines.count) * fraction)] = row
        return lines
    }

    @Test("bad rows in late chunks: the first error of the file, with its line and column")
    func errors() throws {
        let bad = [
            ("u1,yesterday,email,0,0", 0.95, 2),  // not a timestamp
            (",2026-03-01T00:00:00Z,email,0,0", 0.7, 1),  // empty unit id
            ("u1,2026-03-01T00:00:00Z,email,-1,0", 0.5, 4),  // negative conversion
            ("u1,2026-03-01T00:00:00Z,,0,0", 0.3, 3),  // neither channel nor conversion
            ("u1,2026-03-01T00:00:00Z,email,1,lots", 0.8, 5),  // value not a number
            ("u1,2026-03-01T00:00:00Z,email,0", 0.85, 4),  // a field missing
        ]
        for (row, fraction, column) in bad {
            let lines = Self.withRow(row, at: fraction)
            let line = Int(Double(Self.simulated.count) * fraction) + 2  // 1-based, after the header
            #expect {
                try TouchpointRows(CSVReader(bytes: Self.log(lines), name: "log.csv"), options: .init(), threads: 4)
            } throws: { error in
                (error as? DataError)?.description.hasPrefix("log.csv:\(line):\(column):") == true
            }
            try Self.expectSameAsReference(Self.log(lines), threads: [1, 4])
        }
        // Two bad rows in different chunks: the earlier one is reported.
        let two = Self.withRow(",1,email,0,0", at: 0.9, in: Self.withRow("u1,soon,email,0,0", at: 0.6))
        try Self.expectSameAsReference(Self.log(two), threads: [1, 2, 4, 8])
        // An unterminated quote in a fully quoted log.
        var quoted = Self.simulated.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { "\"\($0)\"" }.joined(separator: ",") }
        quoted[quoted.count * 3 / 4] = "\"u1\",\"2026-03-01T00:00:00Z\",\"email,0,0"
        try Self.expectSameAsReference(Self.log(quoted), threads: [1, 4])
    }

    @Test("unit ids are bytes: two spellings of the same text are two units")
    func unitIdsAreBytes() throws {
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        let text = "unit_id,timestamp,channel,conversion,value\n\(composed),1,email,0,0\n\(decomposed),2,email,0,0\n"
        let rows = try TouchpointRows(CSVReader(bytes: Array(text.utf8), name: "log.csv"), options: .init(), threads: 2)
        #expect(rows.unitCount == 2)
        #expect(rows.units == [0, 1])
        #expect(rows.ordered)
    }
}

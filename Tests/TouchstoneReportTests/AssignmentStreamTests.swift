import Foundation
import Testing
import TouchstoneData
import TouchstoneExperiment
import TouchstoneReport

/// `assign`'s fast path (``AssignmentStream``) against the general path it replaces for ids
/// without attributes — `UnitIdList`, ``Assigner``, ``AssignmentReport`` — byte for byte, with the
/// same enrolment summary and the same errors, on many ids, configs, chunk sizes and thread counts.
@Suite("Assignment stream")
struct AssignmentStreamTests {
    static let date = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28

    static let configs: [(name: String, yaml: String)] = [
        ("weights and coverage", """
            experiments:
              - key: weighted
                coverage: 0.7
                variants: [{ name: control, weight: 3 }, { name: "a,b", weight: 2 }, { name: "=c", weight: 5 }]
              - key: "k,\\"ey\\""
                variants: [plain, "say \\"hi\\"", "é"]
            """),
        ("holdouts and layers", """
            layers: [{ name: msg }]
            holdouts: [{ key: h1, share: 0.1 }, { key: h2, share: 0.05 }]
            experiments:
              - key: l1
                layer: { name: msg, range: [0.0, 0.4] }
                variants: [a, b]
              - key: l2
                layer: { name: msg, range: [0.4, 1.0] }
                coverage: 0.5
                variants: [a, b, c]
                holdouts: [h2]
              - key: free
                variants: [a, b]
                holdouts: []
            """),
        ("GrowthBook hashing", """
            experiments:
              - key: gb1
                hash: growthbook-v1
                variants: [a, b]
              - key: gb2
                hash: growthbook-v2
                coverage: 0.8
                variants: [{ name: x, weight: 0.2 }, { name: y, weight: 0.3 }, { name: z, weight: 0.5 }]
              - key: gblayer
                hash: growthbook-v2
                layer: { name: ns, range: [0.2, 0.7] }
                variants: [a, b]
            """),
        ("forced, targeting, dates", """
            experiments:
              - key: forced
                variants: [a, b]
                forced: { "qa-1": b, "é": a, "K": b }
              - key: targeted
                variants: [a, b]
                targeting: { country: { in: [US] } }
                forced: { qa-1: a }
              - key: ended
                variants: [a, b]
                end: 2020-01-01
                forced: { qa-1: a }
              - key: later
                variants: [a, b]
                start: 2030-01-01
            """),
    ]

    /// Ids a unit list can hold, the awkward ones in force.
    static let specials: [String] = [
        "a,b", "\"q\"", "x\ry", "=SUM(1)", "+1", "-1", "-x", "-", "@me", "\tab", "+1e5", "-inf", "-.5",
        ",\u{301}", "=\u{301}x", "\u{301}", "a\\b", "\u{1}\u{1f}\u{7f}\u{8}\u{c}", "a/b", "\u{2028}", "é",
        "e\u{301}", "😀", "日本語", "\u{212A}", "K", "Ω", "qa-1", "unit_id", "id", " x ", "\r", "\r\r", "\u{FEFF}x",
        "🇺🇸", "👩‍👩‍👧", "a\u{0}b".replacingOccurrences(of: "\u{0}", with: ""),
    ]

    /// A deterministic id file: random ASCII and Unicode ids, the specials, blank lines,
    /// CRLF and LF, very long ids, optionally a BOM, a header and no final line feed.
    static func idFile(seed: UInt64, count: Int) -> Data {
        var random = SplitMix(seed)
        var text = ""
        if random.next() % 2 == 0 { text += "\u{FEFF}" }
        if random.next() % 2 == 0 { text += random.next() % 2 == 0 ? "unit_id" : "id" } else { text += "u0" }
        for index in 0..<count {
            text += random.next() % 3 == 0 ? "\r\n" : "\n"
            switch random.next() % 10 {
            case 0: text += specials[Int(random.next() % UInt64(specials.count))]
            case 1: text += ["", " ", "\t", " \t "][Int(random.next() % 4)]
            case 2:
                // Random scalars from several planes, avoiding NUL and LF (which end or refuse lines).
                let length = Int(random.next() % 12) + 1
                for _ in 0..<length {
                    let ranges: [ClosedRange<UInt32>] = [0x01...0x09, 0x0B...0x7F, 0x80...0x7FF, 0x300...0x36F, 0x800...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF]
                    let range = ranges[Int(random.next() % UInt64(ranges.count))]
                    let value = range.lowerBound + UInt32(random.next() % UInt64(range.count))
                    if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
                }
            case 3 where index % 97 == 0:
                text += String(repeating: "long-id-\(index)-", count: 700) + String(repeating: "é", count: 300)
            default:
                text += "user-\(random.next() % 1_000_000_007)"
            }
        }
        if random.next() % 2 == 0 { text += "\n" }
        return Data(text.utf8)
    }

    /// The general path, as `assign` ran it for every input before the fast path.
    static func reference(_ data: Data, _ config: ExperimentConfig, json: Bool) throws -> (output: Data, summary: EnrolmentSummary) {
        let units = try UnitIdList.parse(data, name: "ids.txt")
        let assigner = Assigner(config: config)
        var assignments: [(unit: String, assignment: Assignment)] = []
        for unit in units {
            for index in config.experiments.indices {
                assignments.append((unit, assigner.assign(experimentAt: index, unitId: unit, at: date)))
            }
        }
        let summary = EnrolmentSummary(assignments.map(\.assignment), experiments: config.experiments, at: date)
        let text = json ? try AssignmentReport.json(assignments).text : AssignmentReport.text(assignments, style: .csv)
        return (Data((text.hasSuffix("\n") ? text : text + "\n").utf8), summary)
    }

    static func fast(
        _ data: Data, _ config: ExperimentConfig, json: Bool, threads: Int, chunkSize: Int,
        recordBytesPerInputByte: Int = AssignmentStream.recordBytesPerInputByte
    ) throws -> (output: Data, summary: EnrolmentSummary?) {
        var output = Data()
        var summary: EnrolmentSummary?
        let assigner = BatchAssigner(config: config, experiments: Array(config.experiments.indices), at: date)
        try data.withUnsafeBytes { buffer in
            try AssignmentStream.run(
                buffer: buffer, name: "ids.txt", assigner: assigner, at: date, format: json ? .json : .csv,
                threads: threads, chunkSize: chunkSize, recordBytesPerInputByte: recordBytesPerInputByte,
                beforeOutput: { summary = $0 }, write: { output.append(contentsOf: $0) })
        }
        return (output, summary)
    }

    @Test(arguments: 0..<4)
    func outputIsByteIdenticalToTheGeneralPath(configIndex: Int) throws {
        let config = try ExperimentConfig(text: Self.configs[configIndex].yaml, file: "c.yaml")
        for seed in UInt64(1)...2 {
            let data = Self.idFile(seed: seed &* 7919 &+ UInt64(configIndex), count: 2_000)
            for json in [false, true] {
                let expected = try Self.reference(data, config, json: json)
                // Record budgets: 0 scans and hashes every chunk twice, 1 keeps some chunks' records
                // (JSON rows of several experiments outgrow it), the default keeps most.
                for (threads, chunkSize) in [(1, 1 << 20), (2, 64), (2, 1), (3, 777)] {
                    for budget in [0, 1, AssignmentStream.recordBytesPerInputByte] {
                        let actual = try Self.fast(
                            data, config, json: json, threads: threads, chunkSize: chunkSize, recordBytesPerInputByte: budget)
                        #expect(actual.output == expected.output, "\(Self.configs[configIndex].name), seed \(seed), json \(json), \(threads) threads, chunks of \(chunkSize), record budget \(budget)")
                        #expect(actual.summary == expected.summary)
                    }
                }
            }
        }
    }

    /// Chunks of the default size, several windows of them, on the default record budget: the
    /// shape of a real run (lines across chunk boundaries, CRLF, blank lines, long ids).
    @Test func aFileOfManyDefaultChunks() throws {
        let config = try ExperimentConfig(text: Self.configs[2].yaml, file: "c.yaml")
        let data = Self.idFile(seed: 424_242, count: 80_000)
        #expect(data.count > 5 * AssignmentStream.chunkSize)  // more than one window of 2 × 2 chunks
        for json in [false, true] {
            let expected = try Self.reference(data, config, json: json)
            for threads in [1, 2] {
                let actual = try Self.fast(data, config, json: json, threads: threads, chunkSize: AssignmentStream.chunkSize)
                #expect(actual.output == expected.output, "json \(json), \(threads) threads")
                #expect(actual.summary == expected.summary)
            }
        }
    }

    @Test func everySpecialIdAloneAndEmptyInputs() throws {
        let config = try ExperimentConfig(text: Self.configs[3].yaml, file: "c.yaml")
        let inputs = Self.specials.map { Data($0.utf8) } + ["", "\n", "\r\n", "unit_id", "unit_id\n", "\u{FEFF}", "\u{FEFF}id\r\n", " \n\t\n"].map { Data($0.utf8) }
        for data in inputs {
            for json in [false, true] {
                let expected = try Self.reference(data, config, json: json)
                for chunkSize in [1, 1 << 20] {
                    let actual = try Self.fast(data, config, json: json, threads: 2, chunkSize: chunkSize)
                    #expect(actual.output == expected.output, "\(String(decoding: data, as: UTF8.self).debugDescription) json \(json), chunks of \(chunkSize)")
                    #expect(actual.summary == expected.summary)
                }
            }
        }
    }

    @Test func invalidLinesFailWithTheSameErrorAndNothingWritten() throws {
        let config = try ExperimentConfig(text: Self.configs[0].yaml, file: "c.yaml")
        let bad: [[UInt8]] = [[0x61, 0x00, 0x62], [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0x80], [0x00]]
        for (index, line) in bad.enumerated() {
            for position in [0, 1, 57, 400] {
                var lines = (0..<500).map { Array("id-\($0)".utf8) }
                lines[position] = line
                if index % 2 == 0 { lines[position + 3] = [0xFF] }  // a later error must not win
                let data = Data(lines.joined(separator: [0x0D, 0x0A]))
                #expect(throws: (any Error).self) { try Self.reference(data, config, json: false) }
                var reference: DataError?
                do { _ = try Self.reference(data, config, json: false) } catch let error as DataError { reference = error }
                for chunkSize in [1, 100, 1 << 20] {
                    var written = 0
                    var caught: DataError?
                    do {
                        try data.withUnsafeBytes { buffer in
                            try AssignmentStream.run(
                                buffer: buffer, name: "ids.txt",
                                assigner: BatchAssigner(config: config, experiments: [0, 1], at: Self.date), at: Self.date,
                                format: .csv, threads: 2, chunkSize: chunkSize, beforeOutput: { _ in written += 1 },
                                write: { written += $0.count })
                        }
                    } catch let error as DataError { caught = error }
                    #expect(caught != nil && caught == reference, "bad line \(index) at \(position), chunks of \(chunkSize)")
                    #expect(written == 0)
                }
            }
        }
    }

    @Test func aSummaryThatStopsTheRunWritesNothing() throws {
        struct Stop: Error {}
        let config = try ExperimentConfig(text: Self.configs[3].yaml, file: "c.yaml")
        var written = 0
        #expect(throws: Stop.self) {
            try Data("a\nb\n".utf8).withUnsafeBytes { buffer in
                try AssignmentStream.run(
                    buffer: buffer, name: "ids.txt", assigner: BatchAssigner(config: config, experiments: [2], at: Self.date),
                    at: Self.date, format: .json, threads: 2, beforeOutput: { _ in throw Stop() }, write: { written += $0.count })
            }
        }
        #expect(written == 0)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a seeded generator, so the id files are the same on every run.
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

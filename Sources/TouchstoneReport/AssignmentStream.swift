import Foundation
import TouchstoneData
import TouchstoneExperiment

/// `touchstone assign`'s fast path: ids from a byte buffer to CSV or JSON bytes, with the same
/// output, summary and errors as ``AssignmentReport`` over `UnitIdList` and ``Assigner``, at
/// millions of ids a second.
///
/// The slow path builds a `String` per id, an ``Assignment`` per row (two more strings), and
/// the whole output as one `String` (JSON through `JSONEncoder`). Here ids are hashed where
/// they lie in the input (``UnitIdScanner``, ``BatchAssigner``) and rows are formatted into
/// reusable byte buffers from pre-rendered pieces (experiment keys, variant names, reasons),
/// written a few megabytes at a time. Ids that CSV would quote or neutralise, or that have a
/// byte JSON escapes, go through the same escaping rules as the slow path (``CSVWriting``;
/// JSONEncoder's escapes, reproduced byte for byte).
///
/// Two passes over the input, each split into chunks of whole lines spread over the cores:
/// 1. validate every line and count outcomes: an invalid id fails the run before a byte is
///    written ("nothing half-written"), and the enrolment summary is known, and printed, before
///    the output, as in the slow path;
/// 2. hash again (cheap: ~25 ns) and format, a window of chunks at a time, written in order.
///
/// Memory: the input, plus one output buffer per chunk of the window in flight.
public enum AssignmentStream {
    public enum Format: Sendable { case csv, json }

    /// Input bytes per chunk: small enough to balance two to a few cores on a million ids
    /// (~15 MB), large enough that scheduling costs nothing.
    public static let chunkSize = 256 * 1024

    /// Assigns the ids in `input` (named `name` in errors), calls `beforeOutput` with the
    /// enrolment summary (it may throw to stop before anything is written), then hands the
    /// formatted output to `write` in order, in pieces.
    public static func run(
        input: Data, name: String, assigner: BatchAssigner, at date: Date, format: Format,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        beforeOutput: (EnrolmentSummary) throws -> Void,
        write: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try input.withUnsafeBytes { buffer in
            try run(buffer: buffer, name: name, assigner: assigner, at: date, format: format, threads: threads,
                beforeOutput: beforeOutput, write: write)
        }
    }

    /// ``run(input:name:assigner:at:format:threads:beforeOutput:write:)`` over raw bytes.
    /// `chunkSize` is the input bytes per chunk (tests make it tiny to put lines across chunks).
    public static func run(
        buffer: UnsafeRawBufferPointer, name: String, assigner: BatchAssigner, at date: Date, format: Format,
        threads: Int, chunkSize: Int = chunkSize, beforeOutput: (EnrolmentSummary) throws -> Void,
        write: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let chunks = UnitIdScanner.chunks(of: buffer, targetSize: chunkSize)
        let experimentCount = assigner.experiments.count
        let workers = max(1, threads)

        // Pass 1: validate and count.
        struct Counted {
            var lines = 0
            var ids = 0
            var failure: UnitIdScanner.Failure?
            var tally: AssignmentTally
        }
        let empty = AssignmentTally(assigner, at: date)
        var counted = [Counted](repeating: Counted(tally: empty), count: chunks.count)
        let input = Shared(buffer)
        counted.withUnsafeMutableBufferPointer { results in
            let results = Shared(results)
            parallel(chunks.count, workers: workers) { index in
                var tally = empty
                var ids = 0
                let scanned = UnitIdScanner.scan(input.value, chunk: chunks[index]) { id, _ in
                    ids += 1
                    for slot in 0..<experimentCount { tally.add(slot: slot, assigner.assign(slot: slot, id: id)) }
                }
                // Each index is written by one worker only.
                results.value[index] = Counted(lines: scanned.lines, ids: ids, failure: scanned.failure, tally: tally)
            }
        }
        var linesBefore = 0
        var total = empty
        for result in counted {
            if let failure = result.failure {
                throw DataError(file: name, line: linesBefore + failure.line, message: failure.message)
            }
            linesBefore += result.lines
            total.merge(result.tally)
        }
        try beforeOutput(EnrolmentSummary(total))

        // Pass 2: format, a window of chunks at a time, and write in order.
        let pieces = Pieces(assigner)
        switch format {
        case .csv: try pieces.header.withUnsafeBytes { try write($0) }
        case .json: try Array("[\n".utf8).withUnsafeBytes { try write($0) }
        }
        var rows = 0
        let rowsBefore = counted.map { chunk in
            defer { rows += chunk.ids * experimentCount }
            return rows
        }
        let window = workers * 2
        var buffers = (0..<min(window, chunks.count)).map { _ in RowBuffer(capacity: min(chunkSize, buffer.count + 1) * 2) }
        var first = 0
        while first < chunks.count {
            let count = min(window, chunks.count - first)
            let start = first
            buffers.withUnsafeMutableBufferPointer { slots in
                let slots = Shared(slots)
                parallel(count, workers: workers) { offset in
                    let output = slots.value[offset]
                    output.removeAll()
                    var isFirstRow = rowsBefore[start + offset] == 0
                    _ = UnitIdScanner.scan(input.value, chunk: chunks[start + offset]) { id, traits in
                        for slot in 0..<experimentCount {
                            let outcome = assigner.assign(slot: slot, id: id)
                            switch format {
                            case .csv: pieces.csvRow(id, traits, slot: slot, outcome, into: output)
                            case .json:
                                pieces.jsonRow(id, traits, slot: slot, outcome, first: isFirstRow, into: output)
                                isFirstRow = false
                            }
                        }
                    }
                }
            }
            for offset in 0..<count where buffers[offset].count > 0 {
                try buffers[offset].withBytes { try write($0) }
            }
            first += count
        }
        if format == .json {
            // JSONEncoder's empty array is "[\n\n]" too; the final LF is `emit`'s.
            try Array("\n]\n".utf8).withUnsafeBytes { try write($0) }
        }
    }

    /// Runs `body(0..<count)` on up to `workers` threads; inline when one is enough.
    static func parallel(_ count: Int, workers: Int, _ body: @Sendable (Int) -> Void) {
        if workers <= 1 || count <= 1 {
            for index in 0..<count { body(index) }
        } else {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        }
    }
}

/// A pointer handed to the workers of ``AssignmentStream/parallel(_:workers:_:)``: the input is
/// only read, and each worker writes only its own slots of an output.
struct Shared<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Pre-rendered output pieces: everything in a row but the id and the bucket.
struct Pieces {
    let header = Array("unit_id,experiment,variant\n".utf8)
    /// Per experiment: `,key,` for CSV (the key as a CSV field).
    let csvExperiment: [[UInt8]]
    /// Per experiment and variant: the variant name as a CSV field, then LF.
    let csvVariant: [[[UInt8]]]
    /// Per experiment: `"key"` as JSONEncoder writes it.
    let jsonExperiment: [[UInt8]]
    /// Per experiment and variant: `"name"` as JSONEncoder writes it.
    let jsonVariant: [[[UInt8]]]
    /// Per reason ordinal: `"reason"`.
    let jsonReason: [[UInt8]]

    init(_ assigner: BatchAssigner) {
        csvExperiment = assigner.experiments.map { Array(("," + CSVWriting.field($0.key) + ",").utf8) }
        csvVariant = assigner.experiments.map { $0.variants.map { Array((CSVWriting.field($0.name) + "\n").utf8) } }
        jsonExperiment = assigner.experiments.map { Self.jsonString($0.key) }
        jsonVariant = assigner.experiments.map { $0.variants.map { Self.jsonString($0.name) } }
        jsonReason = Assignment.Reason.allCases.map { Self.jsonString($0.rawValue) }
    }

    static func jsonString(_ text: String) -> [UInt8] {
        var output: [UInt8] = [0x22]
        AssignmentStream.appendJSONEscaped(Array(text.utf8), to: &output)
        output.append(0x22)
        return output
    }

    /// `id,experiment,variant` and LF.
    @inline(__always)
    func csvRow(
        _ id: UnsafeRawBufferPointer, _ traits: UnitIdScanner.Traits, slot: Int, _ outcome: BatchAssigner.Outcome,
        into output: RowBuffer
    ) {
        if traits.isDisjoint(with: [.csvQuote, .formulaLead]) {
            output.append(id)
        } else {
            // Rare (ids with `,` `"` CR, or a formula lead): the slow path's own rules, on
            // Characters — a combining mark after `,` or `=` changes the answer.
            output.append(CSVWriting.field(String(decoding: id, as: UTF8.self)))
        }
        output.append(csvExperiment[slot])
        if let variant = outcome.variantIndex {
            output.append(csvVariant[slot][variant])
        } else {
            output.append(0x0A)
        }
    }

    /// One element of the pretty-printed, key-sorted array JSONEncoder writes, preceded by
    /// `,` LF unless it is the first.
    @inline(__always)
    func jsonRow(
        _ id: UnsafeRawBufferPointer, _ traits: UnitIdScanner.Traits, slot: Int, _ outcome: BatchAssigner.Outcome,
        first: Bool, into output: RowBuffer
    ) {
        if !first { output.append(StaticString(",\n")) }
        output.append(StaticString("  {\n    \"bucket\" : "))
        // JSONEncoder writes a Double as its `description` without a trailing ".0".
        var number = outcome.bucket.description
        if number.hasSuffix(".0") { number.removeLast(2) }
        output.append(number)
        output.append(StaticString(",\n    \"experiment\" : "))
        output.append(jsonExperiment[slot])
        output.append(StaticString(",\n    \"reason\" : "))
        output.append(jsonReason[outcome.reason.ordinal])
        output.append(StaticString(",\n    \"unit_id\" : \""))
        if traits.contains(.jsonEscape) {
            output.appendJSONEscaped(id)
        } else {
            output.append(id)
        }
        output.append(StaticString("\",\n    \"variant\" : "))
        if let variant = outcome.variantIndex {
            output.append(jsonVariant[slot][variant])
        } else {
            output.append(StaticString("null"))
        }
        output.append(StaticString("\n  }"))
    }
}

extension AssignmentStream {
    /// JSONEncoder's string escapes (swift-foundation, `.withoutEscapingSlashes`): `"` and `\`
    /// backslashed, BS FF LF CR TAB as `\b \f \n \r \t`, other bytes below 0x20 as `\u00xx`
    /// (lower-case hex), everything else — `/`, DEL, non-ASCII — as is.
    static func appendJSONEscaped(_ bytes: some Sequence<UInt8>, to output: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        for byte in bytes {
            switch byte {
            case 0x22: output += [0x5C, 0x22]
            case 0x5C: output += [0x5C, 0x5C]
            case 0x08: output += [0x5C, UInt8(ascii: "b")]
            case 0x0C: output += [0x5C, UInt8(ascii: "f")]
            case 0x0A: output += [0x5C, UInt8(ascii: "n")]
            case 0x0D: output += [0x5C, UInt8(ascii: "r")]
            case 0x09: output += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20: output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: output.append(byte)
            }
        }
    }
}

/// A growable byte buffer reused across chunks (one per worker slot, never shared).
final class RowBuffer: @unchecked Sendable {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    func removeAll() { count = 0 }

    @inline(__always)
    func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let grown = max(capacity * 2, count + extra)
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
        bigger.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = bigger
        capacity = grown
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    @inline(__always)
    func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    func appendJSONEscaped(_ bytes: UnsafeRawBufferPointer) {
        var escaped: [UInt8] = []
        escaped.reserveCapacity(bytes.count + 16)
        AssignmentStream.appendJSONEscaped(bytes, to: &escaped)
        append(escaped)
    }

    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }
}

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
/// 1. validate every line, assign and count outcomes: an invalid id fails the run before a byte
///    is written ("nothing half-written"), and the enrolment summary is known, and printed,
///    before the output, as in the slow path. Each chunk keeps where its ids lie and their
///    outcomes (``ScannedChunk``);
/// 2. format from those records, a window of chunks at a time, written in order. A chunk whose
///    record outgrew its budget (tiny ids, many experiments) is scanned and hashed again.
///
/// Memory: the input, the records (at most ``recordBytesPerInputByte`` bytes per input byte;
/// 13 bytes per id for CSV and one experiment), and one output buffer per chunk of the window
/// in flight.
public enum AssignmentStream {
    public enum Format: Sendable { case csv, json }

    /// Input bytes per chunk: small enough to balance two to a few cores on a million ids
    /// (~15 MB), large enough that scheduling costs nothing.
    public static let chunkSize = 256 * 1024

    /// Pass 1 keeps a chunk's ids and outcomes for pass 2 (``ScannedChunk``) while they take at
    /// most this many bytes per input byte; past it pass 2 scans and hashes the chunk again.
    public static let recordBytesPerInputByte = 2

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
    /// `chunkSize` is the input bytes per chunk (tests make it tiny to put lines across chunks);
    /// `recordBytesPerInputByte` bounds pass 1's records (tests give 0 to scan every chunk twice,
    /// or 1 to keep some chunks' records and not others').
    public static func run(
        buffer: UnsafeRawBufferPointer, name: String, assigner: BatchAssigner, at date: Date, format: Format,
        threads: Int, chunkSize: Int = chunkSize, recordBytesPerInputByte: Int = recordBytesPerInputByte,
        beforeOutput: (EnrolmentSummary) throws -> Void,
        write: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let chunks = UnitIdScanner.chunks(of: buffer, targetSize: chunkSize)
        let experimentCount = assigner.experiments.count
        let workers = max(1, threads)

        // Pass 1: validate, assign and count, and keep what pass 2 needs (``ScannedChunk``).
        struct Counted {
            var lines = 0
            var ids = 0
            var failure: UnitIdScanner.Failure?
            var tally: AssignmentTally
            var record: ScannedChunk?
        }
        let empty = AssignmentTally(assigner, at: date)
        var counted = [Counted](repeating: Counted(tally: empty), count: chunks.count)
        let input = Shared(buffer)
        let keepsBuckets = format == .json
        counted.withUnsafeMutableBufferPointer { results in
            let results = Shared(results)
            parallel(chunks.count, workers: workers) { index in
                var tally = empty
                var ids = 0
                let chunk = chunks[index]
                let budget = chunk.range.count.multipliedReportingOverflow(by: max(recordBytesPerInputByte, 0))
                let record = ScannedChunk(
                    chunk: chunk, experiments: experimentCount, keepsBuckets: keepsBuckets,
                    budget: budget.overflow ? Int.max : budget.partialValue)
                let scanned: (lines: Int, failure: UnitIdScanner.Failure?)
                if let base = input.value.baseAddress {
                    scanned = UnitIdScanner.scan(input.value, chunk: chunk) { id, traits in
                        ids += 1
                        let keeping = record.begin(id, traits, in: base)
                        for slot in 0..<experimentCount {
                            let outcome = assigner.assign(slot: slot, id: id)
                            tally.add(slot: slot, outcome)
                            if keeping { record.set(outcome, slot: slot) }
                        }
                    }
                } else {
                    // No bytes: no ids, nothing to keep.
                    scanned = UnitIdScanner.scan(input.value, chunk: chunk) { _, _ in }
                }
                // Each index is written by one worker only.
                results.value[index] = Counted(
                    lines: scanned.lines, ids: ids, failure: scanned.failure, tally: tally,
                    record: record.isAbandoned || scanned.failure != nil ? nil : record)
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
        case .csv: try Array("unit_id,experiment,variant\n".utf8).withUnsafeBytes { try write($0) }
        case .json: try Array("[\n".utf8).withUnsafeBytes { try write($0) }
        }
        var rows = 0
        let rowsBefore = counted.map { chunk in
            defer { rows += chunk.ids * experimentCount }
            return rows
        }
        let records = counted.map(\.record)
        let window = workers * 2
        let boxes = (0..<min(window, chunks.count)).map { _ in RowBuffer(capacity: min(chunkSize, buffer.count + 1) * 2) }
        var first = 0
        while first < chunks.count {
            let count = min(window, chunks.count - first)
            let start = first
            parallel(count, workers: workers) { offset in
                let box = boxes[offset]
                var output = box.writer
                output.count = 0
                var isFirstRow = rowsBefore[start + offset] == 0
                let table = pieces.table
                let chunk = chunks[start + offset]
                if let record = records[start + offset], let base = input.value.baseAddress {
                    Self.format(record, of: base + chunk.range.lowerBound, format: format, isFirstRow: isFirstRow, table, into: &output)
                    record.release()
                } else {
                    _ = UnitIdScanner.scan(input.value, chunk: chunk) { id, traits in
                        for slot in 0..<experimentCount {
                            let outcome = assigner.assign(slot: slot, id: id)
                            switch format {
                            case .csv: output.csvRow(id, traits, slot: slot, variant: outcome.variantIndex, table)
                            case .json:
                                output.jsonRow(
                                    id, traits, slot: slot, bucket: outcome.bucket, reason: outcome.reason.ordinal,
                                    variant: outcome.variantIndex, first: isFirstRow, table)
                                isFirstRow = false
                            }
                        }
                    }
                }
                box.writer = output
            }
            for offset in 0..<count where boxes[offset].writer.count > 0 {
                try write(boxes[offset].writer.bytes)
            }
            first += count
        }
        if format == .json {
            // JSONEncoder's empty array is "[\n\n]" too; the final LF is `emit`'s.
            try Array("\n]\n".utf8).withUnsafeBytes { try write($0) }
        }
    }

    /// Pass 2 for a chunk whose ids and outcomes pass 1 kept: formatting only.
    static func format(
        _ record: ScannedChunk, of chunkBase: UnsafeRawPointer, format: Format, isFirstRow: Bool, _ table: Pieces.Table,
        into output: inout RowWriter
    ) {
        guard let spans = record.spans, let traits = record.traits, let codes = record.codes else { return }
        let experiments = record.experiments
        var isFirstRow = isFirstRow
        var row = 0
        for index in 0..<record.count {
            let span = spans[index]
            let id = UnsafeRawBufferPointer(start: chunkBase + Int(span.start), count: Int(span.count))
            let idTraits = UnitIdScanner.Traits(rawValue: traits[index])
            for slot in 0..<experiments {
                let code = codes[row]
                switch format {
                case .csv: output.csvRow(id, idTraits, slot: slot, variant: ScannedChunk.variant(code), table)
                case .json:
                    output.jsonRow(
                        id, idTraits, slot: slot, bucket: record.buckets?[row] ?? 0, reason: ScannedChunk.reasonOrdinal(code),
                        variant: ScannedChunk.variant(code), first: isFirstRow, table)
                    isFirstRow = false
                }
                row += 1
            }
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

/// Pre-rendered output pieces — everything in a row but the id and the bucket — in one block
/// read through plain pointers (no reference counting per row, see ``BatchAssigner``).
final class Pieces: @unchecked Sendable {
    struct Span {
        var offset: Int
        var count: Int
    }

    /// The pieces, read-only. Span layout: CSV `,key,` per experiment; CSV variant name + LF per
    /// variant (all experiments' variants in order); JSON `"key"` per experiment; JSON `"name"`
    /// per variant; JSON `"reason"` per ``Assignment/Reason``.
    struct Table {
        let blob: UnsafeRawPointer
        let spans: UnsafePointer<Span>
        /// Index of experiment k's first variant among all variants.
        let variantBase: UnsafePointer<Int>
        let experiments: Int
        let variants: Int

        @inline(__always) func bytes(_ index: Int) -> UnsafeRawBufferPointer {
            let span = spans[index]
            return UnsafeRawBufferPointer(start: blob + span.offset, count: span.count)
        }
        @inline(__always) func csvExperiment(_ slot: Int) -> UnsafeRawBufferPointer { bytes(slot) }
        @inline(__always) func csvVariant(_ slot: Int, _ variant: Int) -> UnsafeRawBufferPointer {
            bytes(experiments + variantBase[slot] + variant)
        }
        @inline(__always) func jsonExperiment(_ slot: Int) -> UnsafeRawBufferPointer { bytes(experiments + variants + slot) }
        @inline(__always) func jsonVariant(_ slot: Int, _ variant: Int) -> UnsafeRawBufferPointer {
            bytes(2 * experiments + variants + variantBase[slot] + variant)
        }
        @inline(__always) func jsonReason(_ ordinal: Int) -> UnsafeRawBufferPointer {
            bytes(2 * experiments + 2 * variants + ordinal)
        }
    }

    let table: Table
    private let blob: UnsafeMutableRawPointer
    private let spans: UnsafeMutablePointer<Span>
    private let variantBase: UnsafeMutablePointer<Int>

    init(_ assigner: BatchAssigner) {
        let experiments = assigner.experiments
        var pieces: [[UInt8]] = experiments.map { Array(("," + CSVWriting.field($0.key) + ",").utf8) }
        pieces += experiments.flatMap { $0.variants.map { Array((CSVWriting.field($0.name) + "\n").utf8) } }
        pieces += experiments.map { Self.jsonString($0.key) }
        pieces += experiments.flatMap { $0.variants.map { Self.jsonString($0.name) } }
        pieces += Assignment.Reason.allCases.map { Self.jsonString($0.rawValue) }
        let bytes = pieces.joined()
        blob = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        blob.copyMemory(from: Array(bytes), byteCount: bytes.count)
        spans = UnsafeMutablePointer<Span>.allocate(capacity: pieces.count)
        var offset = 0
        for (index, piece) in pieces.enumerated() {
            (spans + index).initialize(to: Span(offset: offset, count: piece.count))
            offset += piece.count
        }
        variantBase = UnsafeMutablePointer<Int>.allocate(capacity: max(experiments.count, 1))
        var base = 0
        for (index, experiment) in experiments.enumerated() {
            (variantBase + index).initialize(to: base)
            base += experiment.variants.count
        }
        table = Table(
            blob: blob, spans: spans, variantBase: variantBase, experiments: experiments.count, variants: base)
    }

    deinit {
        blob.deallocate()
        spans.deallocate()
        variantBase.deallocate()
    }

    static func jsonString(_ text: String) -> [UInt8] {
        var output: [UInt8] = [0x22]
        AssignmentStream.appendJSONEscaped(Array(text.utf8), to: &output)
        output.append(0x22)
        return output
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

/// The memory of one window slot's output, reused chunk after chunk; one worker at a time
/// takes its ``RowWriter`` out and puts it back.
final class RowBuffer: @unchecked Sendable {
    var writer: RowWriter

    init(capacity: Int) { writer = RowWriter(capacity: capacity) }

    deinit { writer.base.deallocate() }
}

/// Appends rows to raw memory (a value type, so appends need no exclusivity checks).
struct RowWriter {
    var base: UnsafeMutableRawPointer
    var count = 0
    var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 256)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(extra) }
    }

    mutating func grow(_ extra: Int) {
        let grown = max(capacity * 2, count + extra)
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
        bigger.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = bigger
        capacity = grown
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count)
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// `id,experiment,variant` and LF, as ``AssignmentReport/text(_:style:)`` writes it.
    @inline(__always)
    mutating func csvRow(
        _ id: UnsafeRawBufferPointer, _ traits: UnitIdScanner.Traits, slot: Int, variant: Int?, _ table: Pieces.Table
    ) {
        if traits.isDisjoint(with: [.csvQuote, .formulaLead]) {
            append(id)
        } else {
            // Rare (ids with `,` `"` CR, or a formula lead): the general path's own rules, on
            // Characters — a combining mark after `,` or `=` changes the answer.
            append(CSVWriting.field(String(decoding: id, as: UTF8.self)))
        }
        append(table.csvExperiment(slot))
        if let variant {
            append(table.csvVariant(slot, variant))
        } else {
            append(UInt8(0x0A))
        }
    }

    /// One element of the pretty-printed, key-sorted array JSONEncoder writes for
    /// ``AssignmentReport/json(_:)``, preceded by `,` LF unless it is the first.
    @inline(__always)
    mutating func jsonRow(
        _ id: UnsafeRawBufferPointer, _ traits: UnitIdScanner.Traits, slot: Int, bucket: Double, reason: Int,
        variant: Int?, first: Bool, _ table: Pieces.Table
    ) {
        if !first { append(StaticString(",\n")) }
        append(StaticString("  {\n    \"bucket\" : "))
        appendBucket(bucket)
        append(StaticString(",\n    \"experiment\" : "))
        append(table.jsonExperiment(slot))
        append(StaticString(",\n    \"reason\" : "))
        append(table.jsonReason(reason))
        append(StaticString(",\n    \"unit_id\" : \""))
        if traits.contains(.jsonEscape) {
            var escaped: [UInt8] = []
            AssignmentStream.appendJSONEscaped(id, to: &escaped)
            append(escaped)
        } else {
            append(id)
        }
        append(StaticString("\",\n    \"variant\" : "))
        if let variant {
            append(table.jsonVariant(slot, variant))
        } else {
            append(StaticString("null"))
        }
        append(StaticString("\n  }"))
    }

    /// A bucket as JSONEncoder writes a `Double`: its `description`, without a trailing `.0`.
    @inline(__always)
    mutating func appendBucket(_ value: Double) {
        reserve(24)
        if let written = ShortestDecimal.write(value, to: base + count) {
            count += written
        } else {
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            append(text)
        }
    }
}

/// The shortest decimal that reads back as a given `Double` in [2⁻¹¹, 1), written as `0.ddd` —
/// the text of Swift's `description` (shortest round trip, the closest among the shortest),
/// without building a `String`. Anything it is not sure of returns `nil`, and the caller uses
/// `description`; the tests compare the two on millions of buckets.
///
/// With value = m·2⁻ˢ (m the 53-bit significand, s ∈ 53…63), k decimals and d the integer
/// nearest value·10ᵏ, d/10ᵏ reads back as value iff |value − d/10ᵏ| < ½ulp = 2⁻ˢ⁻¹, i.e. in
/// integers: 2·|m·10ᵏ − d·2ˢ| < 10ᵏ (m·10ᵏ < 2¹¹⁰ fits 128 bits). This holds for every k from
/// the shortest on, so the smallest k is found by bisection over 1…17. The rounding interval is
/// symmetric except at powers of two (m = 2⁵²), and exact ties or exact boundaries leave the
/// choice to `description`'s rules: those cases return `nil`.
enum ShortestDecimal {
    @inline(__always)
    static func power(_ k: Int) -> UInt64 {
        var result: UInt64 = 1
        for _ in 0..<k { result &*= 10 }
        return result
    }

    static func write(_ value: Double, to output: UnsafeMutableRawPointer) -> Int? {
        if value == 0 {
            output.storeBytes(of: 0x30, as: UInt8.self)
            return 1
        }
        guard value >= 0x1p-11, value < 1, value.significandBitPattern != 0 else { return nil }
        let mantissa = value.significandBitPattern | (1 << 52)
        let shift = UInt64(52 - Int(value.exponent))
        let half = UInt64(1) << (shift - 1)
        let mask = (UInt64(1) << shift) &- 1
        var low = 1, high = 17
        var best: UInt64 = 0, decimals = 0
        while low <= high {
            let k = (low + high) / 2
            let scale = power(k)
            let product = mantissa.multipliedFullWidth(by: scale)
            let truncated = (product.high << (64 - shift)) | (product.low >> shift)
            let remainder = product.low & mask
            if remainder == half { return nil }
            let (nearest, distance) = remainder > half ? (truncated + 1, mask - remainder + 1) : (truncated, remainder)
            // distance ≤ 2^62, so 2·distance does not overflow.
            if 2 * distance == scale { return nil }
            if 2 * distance < scale {
                best = nearest
                decimals = k
                high = k - 1
            } else {
                low = k + 1
            }
        }
        guard decimals > 0, best < power(decimals) else { return nil }
        output.storeBytes(of: 0x30, as: UInt8.self)
        output.storeBytes(of: 0x2E, toByteOffset: 1, as: UInt8.self)
        var rest = best
        var position = decimals + 1
        while position >= 2 {
            output.storeBytes(of: UInt8(truncatingIfNeeded: 0x30 &+ rest % 10), toByteOffset: position, as: UInt8.self)
            rest /= 10
            position -= 1
        }
        return decimals + 2
    }
}

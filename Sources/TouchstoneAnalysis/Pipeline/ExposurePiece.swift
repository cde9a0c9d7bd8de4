import TouchstoneData
import TouchstoneTime

/// The rows of the wanted experiment in one piece of an exposure log, parsed on a worker thread
/// and folded into the unit index in file order by ``RawLogPipeline/readExposures(_:settings:)``.
///
/// Reading the exposure log used to be one thread doing everything per row: split the record,
/// parse the timestamp, hash the unit id, find the variant, then insert the unit. Only the last
/// step depends on earlier rows (unit numbers are handed out in order of first appearance, and
/// a unit's first exposure decides its variant), so pieces of the file are parsed in parallel
/// into these compact records and only the insertion stays serial, in file order. Everything
/// order-dependent — variant and segment numbers, unit numbers, which error comes first — is
/// therefore decided exactly as a single pass over the rows would.
struct ExposurePiece: Sendable {
    /// One exposure row: the unit id (bytes in ``unitBytes``), its hash, the time, and the
    /// variant and segment numbered within this piece in order of first appearance.
    struct Row: Sendable {
        var unitStart: Int
        var unitCount: Int
        var hash: UInt64
        var time: Int64
        var variant: UInt16
        var segment: UInt16
    }

    var rows: [Row] = []
    /// The unit ids of ``rows``, back to back.
    var unitBytes: [UInt8] = []
    /// This piece's variant and segment values, in order of first appearance.
    var variants: [[UInt8]] = []
    var segments: [[UInt8]] = []
    /// Up to ten other experiments met (only when no experiment was named), in order met.
    var otherExperiments: [[UInt8]] = []
    /// The first error in the piece; the rows before it are all in ``rows``.
    var error: (any Error)?
    var earliest = Int64.max
    var latest = Int64.min

    /// The bytes of row `row`'s unit id.
    func unit(_ row: Row, _ body: (UnsafeBufferPointer<UInt8>) -> (slot: Int, inserted: Bool)) -> (slot: Int, inserted: Bool) {
        unitBytes.withUnsafeBufferPointer { bytes in
            body(UnsafeBufferPointer(rebasing: bytes[row.unitStart..<(row.unitStart + row.unitCount)]))
        }
    }

    /// The columns a piece reads.
    struct Columns: Sendable {
        var unit: Int
        var experiment: Int
        var variant: Int
        var time: Int
        var segment: Int?
        /// The segment column's name, for errors.
        var segmentName: String
    }

    /// Parses the rows of `chunk` whose experiment is `wanted` (bytes). Stops at the first
    /// error, keeping it in ``error``; the checks and their order per row are those of the
    /// single pass: experiment, unit id, timestamp, variant, segment.
    static func parse(_ reader: CSVReader, chunk: CSVReader.Chunk, columns: Columns, wanted: [UInt8]?, collectOthers: Bool) -> ExposurePiece {
        var piece = ExposurePiece()
        piece.rows.reserveCapacity(max(16, chunk.range.count / 40))
        var variantNumbers: [[UInt8]: Int] = [:]
        var segmentNumbers: [[UInt8]: Int] = [:]
        do {
            try reader.forEachRow(in: chunk) { row in
                let isWanted: Bool = row.withBytes(columns.experiment) { bytes in
                    guard let wanted else { return true }
                    return bytes.bytesEqual(wanted)
                }
                guard isWanted else {
                    if collectOthers, piece.otherExperiments.count < 10 {
                        row.withBytes(columns.experiment) { bytes in
                            if !piece.otherExperiments.contains(where: { bytes.bytesEqual($0) }) { piece.otherExperiments.append(Array(bytes)) }
                        }
                    }
                    return
                }
                if row.isEmpty(columns.unit) { throw row.error(columns.unit, "empty unit id") }
                let time: Int64? = row.withBytes(columns.time) { Timestamp.parse($0)?.microseconds }
                guard let time else { throw row.error(columns.time, Timestamp.rejection(of: row.string(columns.time))) }
                piece.earliest = min(piece.earliest, time)
                piece.latest = max(piece.latest, time)
                let known = piece.variants.count
                let variant: Int = row.withBytes(columns.variant) { bytes in
                    if piece.variants.count <= 8 {
                        if let found = piece.variants.firstIndex(where: { bytes.bytesEqual($0) }) { return found }
                    } else if let found = variantNumbers[Array(bytes)] {
                        return found
                    }
                    piece.variants.append(Array(bytes))
                    variantNumbers[Array(bytes)] = piece.variants.count - 1
                    return piece.variants.count - 1
                }
                // A piece's own count bounds the file's: the limit is checked again when merged.
                guard variant < Int(UInt16.max) else { throw row.error(columns.variant, "more than 65,534 distinct variants") }
                if variant == known {
                    if piece.variants[variant].isEmpty { throw row.error(columns.variant, "empty variant") }
                    // Names are reported as text: two malformed names must not both become U+FFFD, one arm.
                    if String(validating: piece.variants[variant], as: UTF8.self) == nil {
                        throw row.error(columns.variant, "the variant is not valid UTF-8 text")
                    }
                }
                var segment = 0
                if let segmentColumn = columns.segment {
                    let knownSegments = piece.segments.count
                    segment = row.withBytes(segmentColumn) { bytes in
                        if let found = segmentNumbers[Array(bytes)] { return found }
                        piece.segments.append(Array(bytes))
                        segmentNumbers[Array(bytes)] = piece.segments.count - 1
                        return piece.segments.count - 1
                    }
                    if segment == knownSegments {
                        guard segment < SegmentedArmTable.maximumSegments else {
                            throw row.error(segmentColumn, SegmentInterner.tooManyMessage(column: columns.segmentName))
                        }
                        guard String(validating: piece.segments[segment], as: UTF8.self) != nil else {
                            throw row.error(segmentColumn, "the segment value is not valid UTF-8 text")
                        }
                    }
                }
                let start = piece.unitBytes.count
                let hash: UInt64 = row.withBytes(columns.unit) { bytes in
                    piece.unitBytes.append(contentsOf: bytes)
                    return UnitIndex.hash(bytes)
                }
                piece.rows.append(Row(
                    unitStart: start, unitCount: piece.unitBytes.count - start, hash: hash, time: time,
                    variant: UInt16(variant), segment: UInt16(segment)))
            }
        } catch {
            piece.error = error
        }
        return piece
    }
}

import Foundation
import TouchstoneData
import TouchstoneTime

/// The rows of a touchpoint log as columns, in file order: what ``TouchpointReader`` turns into
/// journeys.
///
/// Parsed on several threads with the raw-log pipeline's building blocks: the body is split
/// into chunks at record boundaries (``CSVReader/chunks(_:)``, which keeps quoted fields that
/// span lines whole), each worker parses its chunk's fields as bytes (``CSVReader/forEachRow(in:_:)``,
/// ``Timestamp/parse(_:)-(UnsafeBufferPointer<UInt8>)`` with its fixed-layout ISO 8601 shortcut)
/// and numbers units and channels in its own byte-keyed tables (``UnitIndex``: no `String` per
/// row). The chunks are then merged in file order, so the result is the one a single pass gives:
///
/// - units and channels are numbered in order of first appearance in the file (channels
///   interned into a ``ChannelTable`` in that order, as a row-by-row reader interns them);
/// - a unit whose rows continue across a chunk boundary is one unit, and ``ordered`` is `false`
///   exactly when a single pass finds a unit's rows apart or a unit's time going backwards;
/// - the error thrown is the first in file order (the earliest chunk's), with the file, line
///   and column a single pass reports (``CSVReader/forEachRow(in:_:)`` fixes the line).
///
/// Unit ids are compared as bytes (as in the raw-log pipeline): two ids that differ in their
/// bytes are two units, even when they read alike as Unicode text.
struct TouchpointRows {
    /// Per row: the unit (0..<``unitCount``, numbered in order of first appearance).
    var units: [Int32] = []
    /// Per row: microseconds since the epoch.
    var times: [Int64] = []
    /// Per row: the channel id in ``channels``, or −1 for a conversion-only row.
    var touchChannel: [Int32] = []
    var conversions: [Double] = []
    /// Per row: the conversion value (0 on rows without a conversion).
    var values: [Double] = []
    /// Per row: the touch is a view; empty without a `type` column.
    var views: [Bool] = []
    /// Every unit's rows are contiguous and in time order (no sort needed).
    var ordered = true
    var unitCount = 0
    var channels = ChannelTable()

    /// Parses `reader` on up to `threads` threads (the result does not depend on the number).
    init(_ reader: CSVReader, options: TouchpointReader.Options, threads: Int? = nil) throws {
        let threads = threads ?? options.threads
        let c = options.columns
        let columns = ColumnIndices(
            unit: try reader.columnIndex(c.unit), time: try reader.columnIndex(c.timestamp),
            channel: try reader.columnIndex(c.channel), conversion: try reader.columnIndex(c.conversion),
            value: reader.optionalColumnIndex(c.value), type: reader.optionalColumnIndex(c.type), names: c)
        if options.viewLookback != nil, columns.type == nil {
            throw AttributionError.invalidOption(
                "--view-lookback needs a '\(c.type)' column (click or view) in the touchpoint log")
        }
        let chunks = reader.chunks(max(1, threads))
        let expectedRows = reader.estimatedRowCount() / max(1, chunks.count)
        let slots = WorkerSlots<Chunk>(count: chunks.count)
        Parallel.run(chunks.count) { worker in
            var chunk = Chunk(expectedRows: expectedRows, hasType: columns.type != nil)
            do {
                try chunk.parse(reader, chunks[worker], columns)
            } catch {
                chunk.error = error
            }
            slots[worker] = chunk
        }
        var parsed = slots.values.compactMap { $0 }
        if let error = parsed.lazy.compactMap(\.error).first { throw error }
        try merge(&parsed, slots: slots)
    }

    /// Numbers the chunks' units and channels in file order, rewrites each chunk's ids to those
    /// numbers (in parallel) and joins the columns.
    ///
    /// A unit's number is the rank of its first appearance, so it is found from where each
    /// chunk's units first occur: every unit of chunk k is looked up in the tables of chunks
    /// 0..<k (read only, so in parallel); one that none holds is new and takes the next number,
    /// in the chunk's order of first appearance, and one that an earlier chunk holds takes that
    /// chunk's number for it. No table of all units is built.
    private mutating func merge(_ parsed: inout [Chunk], slots: WorkerSlots<Chunk>) throws {
        guard let first = parsed.first else { return }
        var channelMaps: [[Int32]] = []
        for chunk in parsed {
            var channelMap: [Int32] = []
            channelMap.reserveCapacity(chunk.channelNames.count)
            for n in 0..<chunk.channelNames.count {
                channelMap.append(chunk.channelNames.withBytes(n) { channels.intern(bytes: $0) })
            }
            channelMaps.append(channelMap)
        }

        // Lookups of the later chunks' units, in pieces spread over the threads. Each result
        // is the earlier chunk and its local number (packed as chunk << 32 | unit), or −1.
        let tables = parsed.map(\.unitIndex)
        let names = parsed.map(\.unitNames)
        var pieces: [(chunk: Int, units: Range<Int>)] = []
        for k in parsed.indices.dropFirst() {
            for lower in stride(from: 0, to: names[k].count, by: 1 << 16) {
                pieces.append((k, lower..<min(lower + (1 << 16), names[k].count)))
            }
        }
        let seen = WorkerSlots<[Int64]>(count: pieces.count)
        let workers = max(1, min(parsed.count, pieces.count))
        let work = pieces
        Parallel.run(workers) { worker in
            for p in stride(from: worker, to: work.count, by: workers) {
                let (k, units) = work[p]
                var found = [Int64](repeating: -1, count: units.count)
                for u in units {
                    found[u - units.lowerBound] = names[k].withBytes(u) { bytes in
                        let hash = UnitIndex.hash(bytes)
                        for j in 0..<k {
                            if let slot = tables[j].find(bytes, hash: hash) { return Int64(j) << 32 | Int64(tables[j].unit(at: slot)) }
                        }
                        return -1
                    }
                }
                seen[p] = found
            }
        }

        // Numbering, in file order; with it, whether the rows are ordered across chunks.
        var unitMaps: [[Int32]] = [Array(0..<Int32(truncatingIfNeeded: first.unitNames.count))]
        var next = first.unitNames.count
        var ordered = first.ordered
        // The unit and time of the last row so far, to see whether the next chunk continues it.
        var lastUnit: Int32 = first.units.last ?? -1
        var lastTime: Int64 = first.times.last ?? .min
        var piece = 0
        for k in parsed.indices.dropFirst() {
            let chunk = parsed[k]
            ordered = ordered && chunk.ordered
            var unitMap = [Int32](repeating: 0, count: chunk.unitNames.count)
            while piece < pieces.count, pieces[piece].chunk == k {
                let units = pieces[piece].units
                let found = seen[piece] ?? []
                for u in units {
                    let earlier = found[u - units.lowerBound]
                    if earlier < 0 {
                        unitMap[u] = Int32(truncatingIfNeeded: next)
                        next += 1
                    } else {
                        let global = unitMaps[Int(earlier >> 32)][Int(earlier & 0xFFFF_FFFF)]
                        unitMap[u] = global
                        // Local unit 0 is on the chunk's first row: known, it either continues
                        // the previous row's unit or starts a second run of a unit seen earlier.
                        if !(u == 0 && global == lastUnit) { ordered = false }
                    }
                }
                piece += 1
            }
            if let firstTime = chunk.times.first {
                if unitMap[0] == lastUnit, firstTime < lastTime { ordered = false }
                lastUnit = unitMap[Int(chunk.units[chunk.units.count - 1])]
                lastTime = chunk.times[chunk.times.count - 1]
            }
            unitMaps.append(unitMap)
        }
        guard next <= Int(Int32.max) else {
            throw AttributionError.invalidOption("more than \(Int32.max) units in the touchpoint log")
        }
        self.ordered = ordered
        unitCount = next

        // Rewrite ids in place, one chunk per worker; each takes its chunk out of its slot so
        // the arrays are not shared (no copy on write).
        for (k, chunk) in parsed.enumerated() { slots[k] = chunk }
        parsed = []
        let (unitIds, channelIds) = (unitMaps, channelMaps)
        Parallel.run(unitIds.count) { k in
            guard var chunk = slots[k] else { return }
            slots[k] = nil
            chunk.renumber(units: k == 0 ? nil : unitIds[k], channels: channelIds[k])
            slots[k] = chunk
        }
        let chunks = slots.values.compactMap { $0 }
        let total = chunks.reduce(0) { $0 + $1.units.count }
        units.reserveCapacity(total)
        times.reserveCapacity(total)
        touchChannel.reserveCapacity(total)
        conversions.reserveCapacity(total)
        values.reserveCapacity(total)
        if !(chunks.first?.views.isEmpty ?? true) { views.reserveCapacity(total) }
        for chunk in chunks {
            units.append(contentsOf: chunk.units)
            times.append(contentsOf: chunk.times)
            touchChannel.append(contentsOf: chunk.touchChannel)
            conversions.append(contentsOf: chunk.conversions)
            values.append(contentsOf: chunk.values)
            views.append(contentsOf: chunk.views)
        }
    }

    /// Whether a row's `type` cell says `view` (`click` otherwise); anything else is an error.
    static func isView(_ row: borrowing CSVRow, _ column: Int, hasChannel: Bool, name: String) throws -> Bool {
        let kind = row.withBytes(column) { bytes -> Int in
            var lower = 0, upper = bytes.count
            while lower < upper, bytes[lower] == UInt8(ascii: " ") { lower += 1 }
            while upper > lower, bytes[upper - 1] == UInt8(ascii: " ") { upper -= 1 }
            let word = bytes[lower..<upper].map { $0 | 0x20 }  // ASCII lower case
            if word.isEmpty { return 0 }
            if word.elementsEqual("click".utf8) { return 1 }
            if word.elementsEqual("view".utf8) { return 2 }
            return -1
        }
        switch kind {
        case 1: return false
        case 2: return true
        case 0 where !hasChannel: return false
        case 0: throw row.error(column, "empty \(name): a touch must be 'click' or 'view'")
        default: throw row.error(column, "unknown \(name) '\(row.string(column))': use 'click' or 'view'")
        }
    }
}

// MARK: - One chunk

extension TouchpointRows {
    struct ColumnIndices: Sendable {
        var unit: Int, time: Int, channel: Int, conversion: Int
        var value: Int?, type: Int?
        var names: TouchpointReader.Columns
    }

    /// Byte strings numbered in order of first appearance (one chunk's unit ids or channels).
    struct ByteStrings: Sendable {
        private var bytes: [UInt8] = []
        private var ends: [Int] = [0]

        var count: Int { ends.count - 1 }

        mutating func append(_ string: UnsafeBufferPointer<UInt8>) {
            bytes.append(contentsOf: string)
            ends.append(bytes.count)
        }

        func withBytes<R>(_ n: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
            try bytes.withUnsafeBufferPointer { all in try body(UnsafeBufferPointer(rebasing: all[ends[n]..<ends[n + 1]])) }
        }
    }

    /// The rows of one chunk with chunk-local unit and channel numbers.
    struct Chunk: Sendable {
        var units: [Int32] = [], times: [Int64] = [], touchChannel: [Int32] = []
        var conversions: [Double] = [], values: [Double] = [], views: [Bool] = []
        var unitIndex: UnitIndex
        var channelIndex = UnitIndex(expectedCount: 0)
        var unitNames = ByteStrings(), channelNames = ByteStrings()
        /// Within the chunk: no unit's rows apart, no unit's time going backwards.
        var ordered = true
        var error: (any Error)?

        init(expectedRows: Int, hasType: Bool) {
            // Simulated and real logs hold a few rows per unit: size for a third of the rows.
            unitIndex = UnitIndex(expectedCount: expectedRows / 3)
            units.reserveCapacity(expectedRows)
            times.reserveCapacity(expectedRows)
            touchChannel.reserveCapacity(expectedRows)
            conversions.reserveCapacity(expectedRows)
            values.reserveCapacity(expectedRows)
            if hasType { views.reserveCapacity(expectedRows) }
        }

        /// The rules of ``TouchpointReader`` for one row, checked in the same order as before
        /// (unit, time, conversion, value, channel or conversion, type), so the same cell is blamed.
        mutating func parse(_ reader: CSVReader, _ range: CSVReader.Chunk, _ columns: ColumnIndices) throws {
            var previous: [UInt8] = []
            var current: Int32 = -1
            try reader.forEachRow(in: range) { row in
                let same = current >= 0 && row.withBytes(columns.unit) { bytes in
                    bytes.count == previous.count
                        && previous.withUnsafeBufferPointer { known in
                            guard let a = known.baseAddress, let b = bytes.baseAddress else { return true }
                            return memcmp(a, b, bytes.count) == 0
                        }
                }
                if !same {
                    let unit: Int32? = row.withBytes(columns.unit) { bytes in
                        guard !bytes.isEmpty else { return nil }
                        previous.removeAll(keepingCapacity: true)
                        previous.append(contentsOf: bytes)
                        let (slot, inserted) = unitIndex.insert(bytes, hash: UnitIndex.hash(bytes), time: 0)
                        if inserted { unitNames.append(bytes) } else { ordered = false }
                        return Int32(truncatingIfNeeded: unitIndex.unit(at: slot))
                    }
                    guard let unit else { throw row.error(columns.unit, "empty unit id") }
                    current = unit
                }
                guard let time = row.withBytes(columns.time, { Timestamp.parse($0)?.microseconds }) else {
                    throw row.error(columns.time, Timestamp.rejection(of: row.string(columns.time)))
                }
                if ordered, let last = times.last, units.last == current, time < last { ordered = false }
                let channel: Int32 = row.isEmpty(columns.channel)
                    ? -1 : row.withBytes(columns.channel) { bytes in
                        var lower = 0, upper = bytes.count
                        while lower < upper, bytes[lower] == UInt8(ascii: " ") { lower += 1 }
                        while upper > lower, bytes[upper - 1] == UInt8(ascii: " ") { upper -= 1 }
                        guard upper > lower else { return -1 }
                        let trimmed = UnsafeBufferPointer(rebasing: bytes[lower..<upper])
                        let (slot, inserted) = channelIndex.insert(trimmed, hash: UnitIndex.hash(trimmed), time: 0)
                        if inserted {
                            // `>` separates a path's channels: `a > b` would come back from a
                            // paths file (or `journeys`) as two channels. Checked once per name.
                            if trimmed.contains(UInt8(ascii: ">")) { return -2 }
                            channelNames.append(trimmed)
                        }
                        return Int32(truncatingIfNeeded: channelIndex.unit(at: slot))
                    }
                if channel == -2 {
                    throw row.error(
                        columns.channel, "channel '\(row.string(columns.channel))' contains '>', the separator of a path's channels; rename it")
                }
                let names = columns.names
                let conversion = try row.double(columns.conversion, column: names.conversion)
                guard conversion >= 0 else {
                    throw row.error(columns.conversion, "conversion must be 0 or a positive count")
                }
                let value = try columns.value.map { try row.double($0, column: names.value) } ?? 0
                if let column = columns.value, conversion > 0, value < 0 {
                    // As a paths file's total_conversion_value: a value credit split by removal
                    // effects or shares has no meaning for a negative total.
                    throw row.error(column, "'\(row.string(column))' in column '\(names.value)' is negative: conversion values must be 0 or more")
                }
                if channel < 0, conversion == 0 {
                    throw row.error(columns.channel, "a row needs a channel, a conversion, or both")
                }
                if let type = columns.type {
                    views.append(try TouchpointRows.isView(row, type, hasChannel: channel >= 0, name: names.type))
                }
                units.append(current)
                times.append(time)
                touchChannel.append(channel)
                conversions.append(conversion)
                values.append(conversion > 0 ? value : 0)
            }
        }

        /// Replaces chunk-local numbers by the file's (`units` nil: already the file's).
        mutating func renumber(units unitMap: [Int32]?, channels channelMap: [Int32]) {
            if let unitMap {
                unitMap.withUnsafeBufferPointer { map in
                    units.withUnsafeMutableBufferPointer { ids in
                        for k in ids.indices { ids[k] = map[Int(ids[k])] }
                    }
                }
            }
            // Usually the identity (the first chunk, or one that meets no new channel); the
            // channel table may also give two byte strings one id (see ``ChannelTable``).
            guard channelMap.enumerated().contains(where: { Int32($0.offset) != $0.element }) else { return }
            channelMap.withUnsafeBufferPointer { map in
                touchChannel.withUnsafeMutableBufferPointer { ids in
                    for k in ids.indices where ids[k] >= 0 { ids[k] = map[Int(ids[k])] }
                }
            }
        }
    }
}

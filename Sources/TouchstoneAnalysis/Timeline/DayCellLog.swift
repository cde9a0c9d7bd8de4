/// The day-cell updates of one scan of the event logs, in the order the scan met them.
///
/// A timeline needs, per unit, what each metric gathered on each day (``TimelineLayout``).
/// Holding that densely costs units × stride doubles per scanning thread (360 MB per thread for
/// 1M units, three metrics and a 14-day window), almost all zeros, plus a pass to combine the
/// threads' copies. Most units have a handful of events, so the scan appends one record per
/// event that reaches a cell instead (16 bytes each), and ``DayCellsByUnit`` groups them by
/// unit afterwards: memory and work proportional to the events, not to units × days.
struct DayCellLog: Sendable {
    /// Per record: the unit, the cell within its block (`TimelineLayout.start[m] + offset −
    /// base[m]`), and the update (a value to add, or 1 to max into a 0/1 cell).
    private(set) var units: [UInt32] = []
    private(set) var cells: [UInt32] = []
    private(set) var values: [Double] = []

    var count: Int { units.count }

    @inline(__always)
    mutating func append(unit: Int, cell: Int, value: Double) {
        units.append(UInt32(truncatingIfNeeded: unit))
        cells.append(UInt32(truncatingIfNeeded: cell))
        values.append(value)
    }

    /// Another log's records after this one's (a later file, or a later part of one file).
    mutating func append(contentsOf other: DayCellLog) {
        units.append(contentsOf: other.units)
        cells.append(contentsOf: other.cells)
        values.append(contentsOf: other.values)
    }

    /// Units this log can index: unit numbers are stored in 32 bits.
    static let maximumUnits = Int(UInt32.max)
}

/// The records of ``DayCellLog``s grouped by unit (a counting sort, stable: a unit's records
/// keep the order of the logs and, within one, of the scan, so sums add in the order a single
/// scan would).
struct DayCellsByUnit: Sendable {
    /// Unit u's records are `cells[start[u] ..< start[u + 1]]` and `values[…]`.
    private let start: [Int]
    private let cells: [UInt32]
    private let values: [Double]
    let layout: TimelineLayout

    init(_ logs: [DayCellLog], unitCount: Int, layout: TimelineLayout) {
        self.layout = layout
        var start = Array(repeating: 0, count: unitCount + 1)
        for log in logs {
            for unit in log.units where Int(unit) < unitCount { start[Int(unit) + 1] += 1 }
        }
        for u in 0..<unitCount { start[u + 1] += start[u] }
        var next = start
        let total = start[unitCount]
        var cells = [UInt32](repeating: 0, count: total)
        var values = [Double](repeating: 0, count: total)
        for log in logs {
            for i in 0..<log.count {
                let unit = Int(log.units[i])
                guard unit < unitCount else { continue }
                let position = next[unit]
                cells[position] = log.cells[i]
                values[position] = log.values[i]
                next[unit] = position + 1
            }
        }
        self.start = start
        self.cells = cells
        self.values = values
    }

    /// Writes unit `unit`'s cells into `block` (``TimelineLayout/stride`` zeros on entry): max for
    /// 0/1 cells, sum otherwise. Returns the range of its records, for ``clear(_:in:)``.
    @inline(__always)
    func fill(_ block: UnsafeMutableBufferPointer<Double>, unit: Int) -> Range<Int> {
        let records = start[unit]..<start[unit + 1]
        for r in records {
            let cell = Int(cells[r])
            guard cell < block.count else { continue }
            block[cell] = layout.isMax[cell] ? max(block[cell], values[r]) : block[cell] + values[r]
        }
        return records
    }

    /// Zeroes the cells `fill` wrote, so the block is ready for the next unit without a pass
    /// over all of it.
    @inline(__always)
    func clear(_ records: Range<Int>, in block: UnsafeMutableBufferPointer<Double>) {
        for r in records where Int(cells[r]) < block.count { block[Int(cells[r])] = 0 }
    }

    /// The day offsets (``TimelineLayout`` offsets, not cell indices) at which the unit has a
    /// record, ascending and distinct, into `offsets` (emptied first).
    @inline(__always)
    func offsets(of records: Range<Int>, into offsets: inout [Int]) {
        offsets.removeAll(keepingCapacity: true)
        for r in records {
            let cell = Int(cells[r])
            guard cell < layout.cellOffset.count else { continue }
            let offset = layout.cellOffset[cell]
            // Insertion into a short sorted list: a unit has a few distinct days.
            var i = offsets.count
            while i > 0, offsets[i - 1] > offset { i -= 1 }
            if i > 0, offsets[i - 1] == offset { continue }
            offsets.insert(offset, at: i)
        }
    }
}

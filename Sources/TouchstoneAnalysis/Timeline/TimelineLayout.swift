import TouchstoneTime

/// Where each unit's per-day accumulators live during the one scan of the event logs.
///
/// Every unit owns a block of ``stride`` cells; metric m owns `width[m]` of them, for day
/// offsets `base[m] ..< base[m] + width[m]`. A cell holds what the metric's aggregation gathers
/// from the events of that day alone (a sum, a count, or 1 if any event qualified), so a unit's
/// value at any cut is the sum (or max) of its cells up to that day.
///
/// - Daily view: the offset is the calendar-day difference floor(t / 1 d) − floor(t₀ / 1 d)
///   (UTC). An event in the window [t₀, t₀ + W) lies at offsets 0 … ⌊(1 d − 1 µs + W − 1 µs) / 1 d⌋;
///   a retention-day-N event, in [t₀ + N d, t₀ + (N + 1) d), at offset N or N + 1.
/// - Days since exposure: the offset is ⌊(t − t₀) / 1 d⌋, 0 … ⌊(W − 1 µs) / 1 d⌋.
///
/// The scan does not hold the blocks: it logs each update (``DayCellLog``) and the reduction
/// rebuilds one unit's block at a time (15 cells per metric for a 14-day window).
struct TimelineLayout: Sendable {
    static let day: Int64 = 86_400_000_000

    let view: TimelineView
    let base: [Int]
    let width: [Int]
    let start: [Int]
    let stride: Int
    /// Per cell of a block: combined by max (0/1 metrics) rather than summed.
    let isMax: [Bool]
    /// Per metric: its value at a cut is the max of its cells (0/1) rather than their sum.
    let metricIsMax: [Bool]
    /// Per cell of a block: its day offset (`base[m]` + its place among metric m's cells).
    let cellOffset: [Int]

    init(view: TimelineView, metrics: [MetricDefinition], window: TimeSpan) throws {
        self.view = view
        let w = window.microseconds
        var base: [Int] = [], width: [Int] = [], start: [Int] = [], isMax: [Bool] = [], metricIsMax: [Bool] = []
        var next = 0
        for metric in metrics {
            let zeroOne: Bool
            switch metric.aggregation {
            case .retention(let n):
                guard view == .daily else {
                    throw AnalysisError(
                        "--timeline days-since-exposure: metric '\(metric.name)' is already one day after exposure (day \(n)); "
                            + "use EVENT or EVENT:count, or --timeline daily")
                }
                base.append(n)
                width.append(2)
                zeroOne = true
            case .conversion, .sum, .count:
                base.append(0)
                let cells = view == .daily ? (Self.day - 1 + w - 1) / Self.day + 1 : (w - 1) / Self.day + 1
                width.append(Int(cells))
                zeroOne = metric.aggregation == .conversion
            }
            start.append(next)
            next += width[width.count - 1]
            isMax += Array(repeating: zeroOne, count: width[width.count - 1])
            metricIsMax.append(zeroOne)
        }
        self.base = base
        self.width = width
        self.start = start
        self.stride = next
        self.isMax = isMax
        self.metricIsMax = metricIsMax
        self.cellOffset = base.indices.flatMap { m in (0..<width[m]).map { base[m] + $0 } }
    }

    /// Refuses more units than a ``DayCellLog`` can number.
    func check(units: Int) throws {
        guard units <= DayCellLog.maximumUnits else {
            throw AnalysisError("--timeline: \(units) units is more than the \(DayCellLog.maximumUnits) a timeline can follow")
        }
    }

    /// The day offset of an event at `time` for a unit first exposed at `firstTime` (µs).
    @inline(__always)
    func offset(time: Int64, firstTime: Int64) -> Int64 {
        switch view {
        case .daily: CivilCalendar.floorDivide(time, Self.day) - CivilCalendar.floorDivide(firstTime, Self.day)
        case .daysSinceExposure: CivilCalendar.floorDivide(time - firstTime, Self.day)
        }
    }

    /// The cell (within a unit's block) of metric `metric` for an event at `time`, or nil
    /// outside its cells.
    @inline(__always)
    func cell(metric: Int, time: Int64, firstTime: Int64) -> Int? {
        let o = offset(time: time, firstTime: firstTime) - Int64(base[metric])
        guard o >= 0, o < Int64(width[metric]) else { return nil }
        return start[metric] + Int(o)
    }
}

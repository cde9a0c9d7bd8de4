import TouchstoneData
import TouchstoneStats
import TouchstoneTime

/// Turns the per-unit day cells of one scan (``TimelineLayout``, logged sparsely and grouped
/// by unit in ``DayCellsByUnit``) into one ``ArmTable`` per point of the timeline.
///
/// **Daily view.** The analysis cut at the end of day d (instant T_d, the next UTC midnight)
/// sees unit u iff its first exposure t₀ < T_d and it has no exposure in another variant
/// before T_d; its metric is the aggregate of its window events with t < T_d, which is the sum
/// (or, for 0/1 metrics, the max) of its cells of the days ≤ d. So y_u(d) is a step function
/// of d that changes only on the days of its cells. With the shifted values y' = y − c_y and
/// x' = x − c_x (c = the arm's first unit's final values, against cancellation), each arm's
/// power sums at day d are
/// ```
/// S(d) = Σ_{k ≤ d} Δ(k),   Δ(k) = Σ_u [f(state_u(k)) − f(state_u(k − 1))]
/// f ∈ {1, y', y'², x', x'², x'y'}
/// ```
/// where state_u(k) is zero before the unit enters (day of t₀) and after it leaves (day of its
/// first exposure in another variant). Δ is accumulated per (day, arm) in one pass over the
/// units — each unit touches only its entry day, the days it has events on and its exit day,
/// O(units + events) in all — and S(d) by a prefix sum. So S(d) is exactly the power sum of the
/// cut analysis's per-unit values, up to rounding, which Neumaier-compensated sums keep at the
/// level of the plain analysis's own. Counts (units, conversions of 0/1 metrics) are integers.
/// The arm statistics then follow from the central moments Σy'² − (Σy')²/n etc. (as the
/// push-down's power sums do). A CUPED covariate is the pre-period before t₀ < T_d, so it is
/// fixed from the unit's entry on.
///
/// **Days since exposure.** Point k holds the units whose day k, [t₀ + k d, t₀ + (k + 1) d),
/// has fully elapsed by the latest timestamp of the logs, each with its metric over that day
/// alone (its cell k); units in several variants are left out, as in the full analysis.
enum TimelineReduction {
    static let day = TimelineLayout.day

    /// What one reported series reads from a unit: metric values and the covariate slot.
    struct Series: Sendable {
        /// The metric whose value is y.
        var y: Int
        /// x: a covariate of metric `covariate`, or the value of metric `denominator` (ratios).
        var covariate: Int?
        var denominator: Int?
        /// A 0/1 metric without covariate: counted exactly, as the plain reduction does.
        var countsOnes: Bool
    }

    static func points(
        layout: TimelineLayout, exposed: RawLogPipeline.Exposed, days: DayCellsByUnit, covariates: DoubleBuffer?,
        latestEvent: Int64, settings: RawLogSettings, reported: Int
    ) -> [TimelinePoint] {
        let unitCount = exposed.index.count
        guard unitCount > 0 else { return [] }
        var firstTimes = Array(repeating: Int64(0), count: unitCount)
        for slot in exposed.index.slots where slot.hash != 0 && Int(slot.unit) < unitCount {
            firstTimes[Int(slot.unit)] = slot.firstTime
        }
        let metrics = settings.metrics
        var series: [Series] = (0..<reported).map { m in
            Series(
                y: m, covariate: covariates == nil ? nil : m, denominator: nil,
                countsOnes: metrics[m].kind == .proportion && covariates == nil)
        }
        for ratio in settings.ratios {
            series.append(Series(
                y: metrics.firstIndex(of: ratio.numerator) ?? 0, covariate: nil,
                denominator: metrics.firstIndex(of: ratio.denominator) ?? 0, countsOnes: false))
        }
        let latest = max(exposed.latestTime, latestEvent)
        switch layout.view {
        case .daily:
            return daily(
                layout: layout, exposed: exposed, firstTimes: firstTimes, days: days, covariates: covariates,
                latest: latest, series: series, settings: settings, reported: reported)
        case .daysSinceExposure:
            return daysSinceExposure(
                layout: layout, exposed: exposed, firstTimes: firstTimes, days: days, covariates: covariates,
                latest: latest, series: series, settings: settings, reported: reported)
        }
    }

    // MARK: - Daily

    /// Per worker: Δ of units, of ones and of the five shifted power sums, per (day, arm, series).
    private struct DailyDeltas {
        var units: [Int]
        var ones: [Int]
        var moments: [CompensatedSum]
    }

    private static func daily(
        layout: TimelineLayout, exposed: RawLogPipeline.Exposed, firstTimes: [Int64], days: DayCellsByUnit,
        covariates: DoubleBuffer?, latest: Int64, series: [Series], settings: RawLogSettings, reported: Int
    ) -> [TimelinePoint] {
        let unitCount = firstTimes.count
        let firstDay = CivilCalendar.floorDivide(firstTimes.reduce(Int64.max, min), day)
        let lastDay = max(firstDay, CivilCalendar.floorDivide(latest, day))
        let dayCount = Int(lastDay - firstDay + 1)
        let variantCount = exposed.variantNames.count
        let seriesCount = series.count
        let metricCount = settings.metrics.count
        let covariateValues = covariates?.pointer
        func x(_ s: Series, unit: Int, state: [Double]) -> Double {
            xValue(s, unit: unit, state: state, covariates: covariateValues, metricCount: metricCount)
        }

        // Shifts: the final values of each arm's first unit.
        var shiftY = Array(repeating: Array(repeating: 0.0, count: seriesCount), count: variantCount)
        var shiftX = shiftY
        var shifted = Array(repeating: false, count: variantCount)
        let shiftBlock = unitBlock(layout)
        defer { shiftBlock.deallocate() }
        var unitOffsets: [Int] = []
        for unit in 0..<unitCount where !shifted[Int(exposed.variant[unit])] {
            let arm = Int(exposed.variant[unit])
            var state = Array(repeating: 0.0, count: metricCount)
            let records = days.fill(shiftBlock, unit: unit)
            days.offsets(of: records, into: &unitOffsets)
            for offset in unitOffsets { applyCells(offset, layout: layout, cells: shiftBlock, to: &state) }
            days.clear(records, in: shiftBlock)
            for (s, definition) in series.enumerated() {
                shiftY[arm][s] = state[definition.y]
                shiftX[arm][s] = x(definition, unit: unit, state: state)
            }
            shifted[arm] = true
            if !shifted.contains(false) { break }
        }

        let workers = min(settings.threads, max(1, unitCount / 100_000))
        let slots = WorkerSlots<DailyDeltas>(count: workers)
        let (sy, sx) = (shiftY, shiftX)
        Parallel.run(workers) { worker in
            let lower = unitCount * worker / workers, upper = unitCount * (worker + 1) / workers
            var deltas = DailyDeltas(
                units: Array(repeating: 0, count: dayCount * variantCount),
                ones: Array(repeating: 0, count: dayCount * variantCount * seriesCount),
                moments: Array(repeating: CompensatedSum(), count: dayCount * variantCount * seriesCount * 5))
            let covariateValues = covariates?.pointer
            // One unit's cells at a time, rebuilt from its records.
            let cells = unitBlock(layout)
            defer { cells.deallocate() }
            var unitOffsets: [Int] = []
            func apply(_ offset: Int, to state: inout [Double]) {
                applyCells(offset, layout: layout, cells: cells, to: &state)
            }
            func x(_ s: Series, unit: Int, state: [Double]) -> Double {
                xValue(s, unit: unit, state: state, covariates: covariateValues, metricCount: metricCount)
            }
            var state = Array(repeating: 0.0, count: metricCount)
            // Allocated once: a copy per unit and day would cost an allocation each.
            var previous = state
            func record(_ sign: Double, _ state: [Double], day d: Int, arm: Int, unit: Int) {
                for (s, definition) in series.enumerated() {
                    let rawY = state[definition.y]
                    let y = rawY - sy[arm][s], xv = x(definition, unit: unit, state: state) - sx[arm][s]
                    let base = ((d * variantCount + arm) * seriesCount + s) * 5
                    deltas.moments[base].add(sign * y)
                    deltas.moments[base + 1].add(sign * (y * y))
                    deltas.moments[base + 2].add(sign * xv)
                    deltas.moments[base + 3].add(sign * (xv * xv))
                    deltas.moments[base + 4].add(sign * (xv * y))
                    if definition.countsOnes, rawY == 1 { deltas.ones[(d * variantCount + arm) * seriesCount + s] += sign > 0 ? 1 : -1 }
                }
            }
            for unit in lower..<upper {
                let t0 = firstTimes[unit]
                let entry = Int(CivilCalendar.floorDivide(t0, day) - firstDay)
                let since = exposed.multiVariantSince[unit]
                let exit = since == .max ? dayCount : min(dayCount, Int(CivilCalendar.floorDivide(since, day) - firstDay))
                guard exit > entry else { continue }
                let arm = Int(exposed.variant[unit])
                let records = days.fill(cells, unit: unit)
                defer { days.clear(records, in: cells) }
                // A unit's state changes only on the days it has cells.
                days.offsets(of: records, into: &unitOffsets)
                for m in 0..<metricCount { state[m] = 0 }
                if unitOffsets.first == 0 { apply(0, to: &state) }
                deltas.units[entry * variantCount + arm] += 1
                record(1, state, day: entry, arm: arm, unit: unit)
                for offset in unitOffsets where offset > 0 {
                    let d = entry + offset
                    guard d < exit else { break }
                    for m in 0..<metricCount { previous[m] = state[m] }
                    apply(offset, to: &state)
                    var changed = false
                    for m in 0..<metricCount where previous[m] != state[m] { changed = true }
                    guard changed else { continue }
                    record(-1, previous, day: d, arm: arm, unit: unit)
                    record(1, state, day: d, arm: arm, unit: unit)
                }
                if exit < dayCount {
                    deltas.units[exit * variantCount + arm] -= 1
                    record(-1, state, day: exit, arm: arm, unit: unit)
                }
            }
            slots[worker] = deltas
        }

        var total: DailyDeltas?
        for worker in 0..<workers {
            guard let part = slots[worker] else { continue }
            guard var merged = total else {
                total = part
                continue
            }
            for i in merged.units.indices { merged.units[i] += part.units[i] }
            for i in merged.ones.indices { merged.ones[i] += part.ones[i] }
            for i in merged.moments.indices { merged.moments[i].add(part.moments[i]) }
            total = merged
        }
        guard let total else { return [] }

        var points: [TimelinePoint] = []
        var units = Array(repeating: 0, count: variantCount)
        var ones = Array(repeating: 0, count: variantCount * seriesCount)
        var moments = Array(repeating: CompensatedSum(), count: variantCount * seriesCount * 5)
        for d in 0..<dayCount {
            for arm in 0..<variantCount { units[arm] += total.units[d * variantCount + arm] }
            for i in ones.indices { ones[i] += total.ones[d * variantCount * seriesCount + i] }
            for i in moments.indices { moments[i].add(total.moments[d * variantCount * seriesCount * 5 + i]) }
            let table = armTable(exposed: exposed, series: series, settings: settings, reported: reported, covariates: covariates != nil, units: units) {
                arm, s in
                if series[s].countsOnes { return .proportion(units: units[arm], conversions: ones[arm * seriesCount + s]) }
                let n = units[arm]
                guard n > 0 else { return SufficientStatistics() }
                let base = (arm * seriesCount + s) * 5
                let count = Double(n)
                let y = moments[base].value, yy = moments[base + 1].value
                let x = moments[base + 2].value, xx = moments[base + 3].value, xy = moments[base + 4].value
                return SufficientStatistics(
                    count: n, mean: shiftY[arm][s] + y / count, sumOfSquaredDeviations: yy - y * y / count,
                    covariateMean: shiftX[arm][s] + x / count, covariateSumOfSquaredDeviations: xx - x * x / count,
                    coMoment: xy - x * y / count)
            }
            points.append(TimelinePoint(date: isoDate(daysSinceEpoch: firstDay + Int64(d)), table: table))
        }
        return points
    }

    /// Adds a unit's cells (its block) at day `offset` to its metric values: max for 0/1
    /// metrics, else sum.
    @inline(__always)
    private static func applyCells(
        _ offset: Int, layout: TimelineLayout, cells: UnsafeMutableBufferPointer<Double>, to state: inout [Double]
    ) {
        for m in state.indices where offset >= layout.base[m] && offset < layout.base[m] + layout.width[m] {
            let value = cells[layout.start[m] + offset - layout.base[m]]
            state[m] = layout.metricIsMax[m] ? max(state[m], value) : state[m] + value
        }
    }

    /// The series' x: the ratio's denominator, the metric's covariate, or 0.
    @inline(__always)
    private static func xValue(
        _ s: Series, unit: Int, state: [Double], covariates: UnsafeMutableBufferPointer<Double>?, metricCount: Int
    ) -> Double {
        if let d = s.denominator { return state[d] }
        if let c = s.covariate, let covariates { return covariates[unit * metricCount + c] }
        return 0
    }

    /// `YYYY-MM-DD` of a day number since 1970-01-01.
    static func isoDate(daysSinceEpoch days: Int64) -> String {
        let (year, month, day) = CivilCalendar.civilFromDays(days)
        func padded(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    // MARK: - Days since exposure

    private struct DayStatistics {
        var statistics: [SufficientStatistics]
        var units: [Int]
        var ones: [Int]
    }

    private static func daysSinceExposure(
        layout: TimelineLayout, exposed: RawLogPipeline.Exposed, firstTimes: [Int64], days: DayCellsByUnit,
        covariates: DoubleBuffer?, latest: Int64, series: [Series], settings: RawLogSettings, reported: Int
    ) -> [TimelinePoint] {
        let unitCount = firstTimes.count
        let dayCount = layout.width.max() ?? 0
        let variantCount = exposed.variantNames.count
        let seriesCount = series.count
        let metricCount = settings.metrics.count
        let workers = min(settings.threads, max(1, unitCount / 100_000))
        let slots = WorkerSlots<DayStatistics>(count: workers)
        Parallel.run(workers) { worker in
            let covariateValues = covariates?.pointer
            let cells = unitBlock(layout)
            defer { cells.deallocate() }
            let lower = unitCount * worker / workers, upper = unitCount * (worker + 1) / workers
            var part = DayStatistics(
                statistics: Array(repeating: SufficientStatistics(), count: dayCount * variantCount * seriesCount),
                units: Array(repeating: 0, count: dayCount * variantCount),
                ones: Array(repeating: 0, count: dayCount * variantCount * seriesCount))
            for unit in lower..<upper where !exposed.multiVariant[unit] {
                let arm = Int(exposed.variant[unit])
                let records = days.fill(cells, unit: unit)
                defer { days.clear(records, in: cells) }
                for k in 0..<dayCount {
                    // Day k is [t₀ + k d, t₀ + (k + 1) d): complete when its last microsecond is logged.
                    guard firstTimes[unit] + Int64(k + 1) * day - 1 <= latest else { break }
                    part.units[k * variantCount + arm] += 1
                    func value(_ m: Int) -> Double { k < layout.width[m] ? cells[layout.start[m] + k] : 0 }
                    for (s, definition) in series.enumerated() {
                        let y = value(definition.y)
                        var x = 0.0
                        if let d = definition.denominator { x = value(d) }
                        if let c = definition.covariate, let covariateValues { x = covariateValues[unit * metricCount + c] }
                        let index = (k * variantCount + arm) * seriesCount + s
                        part.statistics[index].add(y, covariate: x)
                        if definition.countsOnes, y == 1 { part.ones[index] += 1 }
                    }
                }
            }
            slots[worker] = part
        }
        var total: DayStatistics?
        for worker in 0..<workers {
            guard let part = slots[worker] else { continue }
            guard var merged = total else {
                total = part
                continue
            }
            for i in merged.statistics.indices { merged.statistics[i].merge(part.statistics[i]) }
            for i in merged.units.indices { merged.units[i] += part.units[i] }
            for i in merged.ones.indices { merged.ones[i] += part.ones[i] }
            total = merged
        }
        guard let total else { return [] }
        var points: [TimelinePoint] = []
        for k in 0..<dayCount {
            let units = (0..<variantCount).map { total.units[k * variantCount + $0] }
            guard units.contains(where: { $0 > 0 }) else { break }
            let table = armTable(exposed: exposed, series: series, settings: settings, reported: reported, covariates: covariates != nil, units: units) {
                arm, s in
                let index = (k * variantCount + arm) * seriesCount + s
                return series[s].countsOnes ? .proportion(units: units[arm], conversions: total.ones[index]) : total.statistics[index]
            }
            points.append(TimelinePoint(day: k, table: table))
        }
        return points
    }

    /// Room for one unit's cells (``TimelineLayout/stride`` doubles, zeroed); the caller
    /// deallocates it. Reused unit after unit: ``DayCellsByUnit/clear(_:in:)`` re-zeroes it.
    private static func unitBlock(_ layout: TimelineLayout) -> UnsafeMutableBufferPointer<Double> {
        let cells = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(layout.stride, 1))
        cells.initialize(repeating: 0)
        return cells
    }

    // MARK: - Tables

    /// The table of one point, shaped as ``RawLogPipeline`` shapes the full one (every variant,
    /// reported metrics then ratios, the covariate named as there).
    private static func armTable(
        exposed: RawLogPipeline.Exposed, series: [Series], settings: RawLogSettings, reported: Int, covariates: Bool, units: [Int],
        statistics: (Int, Int) -> SufficientStatistics
    ) -> ArmTable {
        let names = exposed.variantNames
        let keys = names.map { ByteKey($0) }
        var metrics: [ArmTable.Metric] = []
        for s in series.indices {
            let perArm = names.indices.map { statistics($0, s) }
            let arms = Dictionary(zip(keys, perArm), uniquingKeysWith: { first, _ in first })
            if s < reported {
                let definition = settings.metrics[s]
                metrics.append(ArmTable.Metric(
                    name: definition.name, kind: definition.kind, arms: arms,
                    covariate: covariates ? "\(definition.name) before exposure" : nil))
            } else {
                metrics.append(ArmTable.Metric(name: settings.ratios[s - reported].name, kind: .ratio, arms: arms))
            }
        }
        return ArmTable(variants: names, metrics: metrics, units: Dictionary(zip(keys, units), uniquingKeysWith: { first, _ in first }))
    }
}

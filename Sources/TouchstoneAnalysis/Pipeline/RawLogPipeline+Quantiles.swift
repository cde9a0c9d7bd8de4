import TouchstoneData
import TouchstoneStats

// MARK: - Quantile metrics of raw logs

extension RawLogPipeline {
    /// The per-segment tables with the quantile metrics' raw per-unit values added, per arm and
    /// sorted. A unit's value is its per-unit metric (`purchase:sum` over the window, 0 when it
    /// had no such event), exactly the value whose mean the `purchase:sum` metric reports;
    /// multi-variant units are left out as everywhere.
    static func attachQuantiles(_ tables: [ArmTable], exposed: Exposed, values: DoubleBuffer, settings: RawLogSettings) -> [ArmTable] {
        let m = settings.metrics.count
        let variantCount = exposed.variantNames.count
        let segmented = !exposed.segment.isEmpty
        let cells = variantCount * exposed.segmentNames.count
        let columns = settings.quantiles.map { settings.metrics.firstIndex(of: $0.metric) ?? 0 }
        // [quantile][cell] → values
        var samples = Array(repeating: Array(repeating: [Double](), count: cells), count: columns.count)
        let v = values.pointer
        for unit in 0..<exposed.index.count where !exposed.multiVariant[unit] {
            let cell = Int(exposed.variant[unit]) + (segmented ? Int(exposed.segment[unit]) * variantCount : 0)
            for (q, column) in columns.enumerated() { samples[q][cell].append(v[unit * m + column]) }
        }
        return tables.enumerated().map { segment, input in
            var table = input
            table.quantiles = settings.quantiles.enumerated().map { q, quantile in
                var arms: [ByteKey: [Double]] = [:]
                for variant in 0..<variantCount {
                    let cell = segment * variantCount + variant
                    guard cell < cells else { continue }
                    let key = ByteKey(exposed.variantNames[variant])
                    guard table.units[key] != nil else { continue }
                    arms[key] = samples[q][cell].sorted()
                }
                return QuantileSamples(name: quantile.name, source: quantile.metric.name, level: quantile.level, arms: arms)
            }
            return table
        }
    }
}

import TouchstoneStats

// MARK: - Quantile metrics

extension UnitTableReader {
    /// One segment's quantile samples (the whole table when there is no segment column).
    public struct QuantileSegment: Sendable, Hashable {
        /// The segment's value (`""` without a segment column or for an empty cell).
        public var segment: String
        /// Variants in the order they first appear.
        public var variants: [String]
        /// Rows per variant.
        public var units: [ByteKey: Int]
        public var quantiles: [QuantileSamples]
    }

    /// The raw values of every quantile metric per arm, split by `segmentColumn` when given, in
    /// one pass; values are sorted. An empty cell is an error naming its line and column unless
    /// `skipMissing`, and so is a value that is not a finite number; `caps` winsorise as for
    /// means.
    public static func quantileSamples(
        _ reader: CSVReader, variantColumn: String, segmentColumn: String? = nil, quantiles: [QuantileColumn],
        caps: [String: Double] = [:], skipMissing: Bool = false
    ) throws -> [QuantileSegment] {
        let variantIndex = try reader.columnIndex(variantColumn)
        let segmentIndex = try segmentColumn.map { try reader.columnIndex($0, onEveryLine: false) }
        let indexes = try quantiles.map { try reader.columnIndex($0.source, onEveryLine: false) }
        let limits = quantiles.map { caps[$0.source] }
        var order: [ByteKey] = [], segments: [ByteKey: QuantileSegment] = [:]
        try reader.forEachRow { row in
            if row.isEmpty(variantIndex) { throw row.error(variantIndex, "empty variant in column '\(variantColumn)'") }
            let variantText = try row.text(variantIndex, column: variantColumn)
            let segmentText = try segmentIndex.map { index in row.isEmpty(index) ? "" : try row.text(index, column: segmentColumn) } ?? ""
            let variant = ByteKey(variantText), segment = ByteKey(segmentText)
            if segments[segment] == nil {
                guard order.count < SegmentedArmTable.maximumSegments else {
                    throw row.error(segmentIndex ?? 0, "more than \(SegmentedArmTable.maximumSegments) distinct values in column '\(segmentColumn ?? "")': segments are for attributes with few values")
                }
                order.append(segment)
                segments[segment] = QuantileSegment(
                    segment: segmentText, variants: [], units: [:],
                    quantiles: quantiles.map { QuantileSamples(name: $0.name, source: $0.source, level: $0.level, arms: [:]) })
            }
            var values: [Double?] = []
            for (slot, index) in indexes.enumerated() {
                if row.isEmpty(index) {
                    if skipMissing { values.append(nil); continue }
                    throw row.error(index, "empty value in column '\(quantiles[slot].source)' (pass --skip-missing to leave such units out of that metric)")
                }
                var value = try cellValue(row, index, name: quantiles[slot].source)
                guard value.isFinite else { throw row.error(index, "'\(row.string(index))' in column '\(quantiles[slot].source)' is not a finite number") }
                if let cap = limits[slot], value > cap { value = cap }
                values.append(value)
            }
            segments[segment]?.units[variant, default: 0] += 1
            if segments[segment]?.units[variant] == 1 { segments[segment]?.variants.append(variantText) }
            for (slot, value) in values.enumerated() {
                if let value { segments[segment]?.quantiles[slot].arms[variant, default: []].append(value) }
            }
        }
        return order.compactMap { key in
            guard var segment = segments[key] else { return nil }
            for slot in segment.quantiles.indices {
                for variant in segment.quantiles[slot].arms.keys { segment.quantiles[slot].arms[variant]?.sort() }
            }
            return segment
        }
    }
}

import TouchstoneStats

// MARK: - Cluster-randomised unit tables

extension UnitTableReader {
    /// Per-arm cluster sums of metric columns of a unit table whose units were randomised in
    /// clusters (households, stores) named by `clusterColumn`.
    public struct ClusterTable: Sendable, Hashable {
        /// Per metric column (in the order asked), per variant: the ``ClusterStatistics``.
        public var metrics: [[ByteKey: ClusterStatistics]]
        /// Clusters per variant (the SRM's counts).
        public var clusters: [ByteKey: Int]
    }

    /// Reads the cluster sums of `columns` in one pass. A cluster is randomised whole, so a
    /// cluster found in two variants is an error naming the line, and so is a unit (column
    /// `unitColumn`, when the table has it) found in two clusters; an empty cluster cell is an
    /// error. Empty metric cells leave the unit out of that metric with `skipMissing`, else are
    /// errors; `caps` winsorise as for the plain means.
    public static func clusterTable(
        _ reader: CSVReader, variantColumn: String, clusterColumn: String, unitColumn: String = "unit_id", columns: [String],
        caps: [String: Double] = [:], skipMissing: Bool = false
    ) throws -> ClusterTable {
        let variantIndex = try reader.columnIndex(variantColumn)
        let clusterIndex = try reader.columnIndex(clusterColumn)
        let unitIndex = reader.header.contains(where: { $0.utf8.elementsEqual(unitColumn.utf8) }) ? try reader.columnIndex(unitColumn) : nil
        let indexes = try columns.map { try reader.columnIndex($0, onEveryLine: false) }
        let limits = columns.map { caps[$0] }
        // Per cluster: its variant, the line first naming it, and per metric (units, total).
        var slot: [ByteKey: Int] = [:]
        var clusterVariant: [ByteKey] = [], clusterLine: [Int] = [], clusterNames: [String] = []
        var sizes = Array(repeating: [Int](), count: columns.count)
        var totals = Array(repeating: [Double](), count: columns.count)
        var unitCluster: [ByteKey: (cluster: Int, line: Int)] = [:]
        try reader.forEachRow { row in
            if row.isEmpty(variantIndex) { throw row.error(variantIndex, "empty variant in column '\(variantColumn)'") }
            if row.isEmpty(clusterIndex) { throw row.error(clusterIndex, "empty cluster in column '\(clusterColumn)'") }
            let variantText = try row.text(variantIndex, column: variantColumn)
            let clusterText = try row.text(clusterIndex, column: clusterColumn)
            let variant = ByteKey(variantText), cluster = ByteKey(clusterText)
            let index: Int
            if let known = slot[cluster] {
                index = known
                guard clusterVariant[known] == variant else {
                    throw row.error(
                        variantIndex,
                        "cluster '\(clusterText)' is in variant '\(variantText)' here and in '\(clusterVariant[known].string)' on line \(clusterLine[known]): with --cluster-column every cluster must be randomised whole")
                }
            } else {
                index = clusterVariant.count
                slot[cluster] = index
                clusterVariant.append(variant)
                clusterLine.append(row.line)
                clusterNames.append(clusterText)
                for metric in columns.indices {
                    sizes[metric].append(0)
                    totals[metric].append(0)
                }
            }
            if let unitIndex, !row.isEmpty(unitIndex) {
                let unit = ByteKey(try row.text(unitIndex, column: unitColumn))
                if let seen = unitCluster[unit] {
                    guard seen.cluster == index else {
                        throw row.error(
                            clusterIndex,
                            "unit '\(unit.string)' is in cluster '\(clusterText)' here and in cluster '\(clusterNames[seen.cluster])' on line \(seen.line): a unit belongs to one cluster")
                    }
                    throw row.error(unitIndex, repeatedUnitMessage(unit.string, firstLine: seen.line))
                } else {
                    unitCluster[unit] = (index, row.line)
                }
            }
            for (metric, column) in indexes.enumerated() {
                if row.isEmpty(column) {
                    if skipMissing { continue }
                    throw row.error(column, "empty value in column '\(columns[metric])' (pass --skip-missing to leave such units out of that metric)")
                }
                var value = try cellValue(row, column, name: columns[metric])
                guard value.isFinite else { throw row.error(column, "'\(row.string(column))' in column '\(columns[metric])' is not a finite number") }
                if let cap = limits[metric], value > cap { value = cap }
                sizes[metric][index] += 1
                totals[metric][index] += value
            }
        }
        var table = ClusterTable(metrics: Array(repeating: [:], count: columns.count), clusters: [:])
        for (index, variant) in clusterVariant.enumerated() {
            table.clusters[variant, default: 0] += 1
            for metric in columns.indices where sizes[metric][index] > 0 {
                table.metrics[metric][variant, default: ClusterStatistics()].addCluster(
                    size: sizes[metric][index], total: totals[metric][index])
            }
        }
        return table
    }
}

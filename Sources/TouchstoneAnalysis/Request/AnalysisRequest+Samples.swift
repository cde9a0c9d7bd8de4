import TouchstoneData
import TouchstoneStats

// MARK: - Quantile metrics and clusters (unit tables)

extension AnalysisRequest {
    /// The quantile metrics `COL:Q` of the request (unit tables).
    func parsedQuantiles() throws -> [QuantileColumn] {
        try quantiles.map { argument in
            guard let column = QuantileColumn(argument: argument) else {
                throw AnalysisRequestError.invalid(.quantile, argument, "expected COLUMN:Q with Q strictly between 0 and 1 (e.g. revenue:0.9)")
            }
            return column
        }
    }

    /// The quantile metrics `EVENT:sum:Q` / `EVENT:count:Q` of the request (raw logs).
    func parsedRawLogQuantiles() throws -> [RawLogSettings.Quantile] {
        try quantiles.map { argument in
            guard let quantile = RawLogSettings.Quantile(argument: argument) else {
                throw AnalysisRequestError.invalid(
                    .quantile, argument, "expected EVENT:sum:Q or EVENT:count:Q with Q strictly between 0 and 1 (e.g. purchase:sum:0.9)")
            }
            return quantile
        }
    }

    /// Checks `--quantile COL:Q`, `--relative-ci` and `--cluster-column` against the source and method.
    func validateQuantilesAndClusters() throws {
        var names: [String] = []
        switch source {
        case .units: names = try parsedQuantiles().map(\.name)
        case .rawLogs, .store: names = try parsedRawLogQuantiles().map(\.name)
        case .summary, .powerSums, .pushedDown:
            if !quantiles.isEmpty {
                throw AnalysisRequestError.conflict(
                    "{quantile} COLUMN:Q needs the units' values ({units} FILE, or {exposures} and {events} logs): a quantile has no sufficient statistic, so summaries, power sums and push-down cannot give one")
            }
        }
        if !names.isEmpty {
            guard settings.method == .frequentist else {
                throw AnalysisRequestError.conflict(
                    "{quantile} COLUMN:Q has a fixed-horizon test only: the asymptotic quantile test is not an always-valid (sequential) test and has no Bayesian model here; use {method} frequentist")
            }
            var seen = Set(metrics.map { ByteKey($0) })
            for ratio in ratios { if let name = RatioColumn(argument: ratio)?.name { seen.insert(ByteKey(name)) } }
            for name in names where !seen.insert(ByteKey(name)).inserted {
                throw AnalysisRequestError.invalid(.quantile, name, "names metric '\(name)' a second time (it would be tested twice)")
            }
        }
        if settings.relativeInterval == .fieller, settings.method != .frequentist {
            throw AnalysisRequestError.conflict(
                "{relativeCi} fieller applies to {method} frequentist (sequential and Bayesian intervals have their own forms)")
        }
        if let clusterColumn {
            guard !clusterColumn.isEmpty else { throw AnalysisRequestError.invalid(.clusterColumn, "", "needs a column name") }
            guard case .units = source else {
                throw AnalysisRequestError.conflict("{clusterColumn} reads a unit-table column: give {units} FILE (raw logs are not supported yet)")
            }
            guard settings.method == .frequentist else {
                throw AnalysisRequestError.conflict("{clusterColumn} has cluster-robust intervals for {method} frequentist only")
            }
            guard covariates.isEmpty, ratios.isEmpty, bootstrap == nil, quantiles.isEmpty, segmentColumn == nil else {
                throw AnalysisRequestError.conflict(
                    "{clusterColumn} goes with plain mean and proportion metrics for now: drop {covariate}, {ratio}, {bootstrap}, {quantile} COLUMN:Q and {segmentColumn}")
            }
        }
    }

    /// Tables of a unit table that has only quantile metrics: unit counts and samples.
    func quantileOnlyTables(path: String, caps: [String: Double]) throws -> Tables {
        let segments = try UnitTableReader.quantileSamples(
            CSVReader(path: path), variantColumn: variantColumn, segmentColumn: segmentColumn, quantiles: parsedQuantiles(),
            caps: caps, skipMissing: skipMissing)
        guard !segments.isEmpty else { throw AnalysisRequestError.data("\(path): the table has a header but no rows") }
        let tables = segments.map { segment in
            var table = ArmTable(variants: segment.variants, metrics: [], units: segment.units)
            table.quantiles = segment.quantiles
            return table
        }
        guard let segmentColumn else { return Tables(table: tables[0], caps: caps) }
        let split = SegmentedArmTable(
            column: segmentColumn, segments: zip(segments, tables).map { pair in .init(value: pair.0.segment, table: pair.1) })
        return Tables(table: split.overall, segments: split, caps: caps)
    }

    /// The tables with the quantile samples and cluster sums the request asks for added.
    func addingSamples(to input: Tables, path: String) throws -> Tables {
        var tables = input
        let quantileColumns = try parsedQuantiles()
        if !quantileColumns.isEmpty {
            let segments = try UnitTableReader.quantileSamples(
                CSVReader(path: path), variantColumn: variantColumn, segmentColumn: segmentColumn, quantiles: quantileColumns,
                caps: tables.caps, skipMissing: skipMissing)
            tables.table.quantiles = QuantileSamples.merged(segments.map(\.quantiles))
            if let split = tables.segments {
                let bySegment = Dictionary(segments.map { (ByteKey($0.segment), $0.quantiles) }, uniquingKeysWith: { first, _ in first })
                tables.segments = SegmentedArmTable(
                    column: split.column,
                    segments: split.segments.map { segment in
                        var table = segment.table
                        table.quantiles = bySegment[ByteKey(segment.value)] ?? []
                        return .init(value: segment.value, table: table)
                    })
            }
        }
        if let clusterColumn {
            let plain = tables.table.metrics.indices.filter { tables.table.metrics[$0].kind == .mean || tables.table.metrics[$0].kind == .proportion }
            let clusters = try UnitTableReader.clusterTable(
                CSVReader(path: path), variantColumn: variantColumn, clusterColumn: clusterColumn,
                columns: plain.map { tables.table.metrics[$0].name }, caps: tables.caps, skipMissing: skipMissing)
            for (slot, index) in plain.enumerated() where slot < clusters.metrics.count {
                tables.table.metrics[index].clusters = clusters.metrics[slot]
            }
            // Clusters are what was randomised: the SRM check counts them.
            tables.table.units = clusters.clusters
        }
        return tables
    }
}

import TouchstoneStats

/// Renders an ``ExperimentDesign`` in the formats of `touchstone design`.
public enum DesignReport {
    public static func json(_ design: ExperimentDesign) throws -> String {
        try JSONOutput.encode(design)
    }

    private static func rows(_ design: ExperimentDesign) -> [(String, String)] {
        var rows: [(String, String)] = [
            ("sample per arm", NumberFormatting.count(design.samplePerArm)),
            ("total sample", NumberFormatting.count(design.totalSample)),
            ("arms", "\(design.arms)"),
            ("minimum detectable effect", design.relative
                ? NumberFormatting.percent(design.mde, digits: 3) + " (relative)"
                : NumberFormatting.significant(design.mde, digits: 6) + " (absolute)"),
            ("alpha", "\(design.alpha)" + (design.arms > 2 ? " (\(NumberFormatting.significant(design.comparisonAlpha)) per comparison, Bonferroni)" : "")),
            ("power", "\(design.power)"),
        ]
        if let days = design.days { rows.append(("days", "\(days)")) }
        if let cluster = design.cluster {
            rows.append(("clusters per arm", NumberFormatting.count(cluster.clustersPerArm) + " of \(NumberFormatting.significant(cluster.clusterSize)) units"))
            rows.append(("design effect", NumberFormatting.significant(cluster.designEffect, digits: 6) + " = 1 + (m − 1) × ICC \(cluster.intraclassCorrelation)"))
        }
        if let plan = design.sequential {
            let m = plan.mixtureSPRT, g = plan.groupSequential
            rows.append(("sequential (mSPRT) per arm", NumberFormatting.count(m.samplePerArm) + " (" + NumberFormatting.percent(m.inflation - 1, digits: 3) + ", --tuning \(NumberFormatting.wholeNumber(m.tuning)))"))
            rows.append(("group-sequential per arm", NumberFormatting.count(g.samplePerArm) + " (" + NumberFormatting.percent(g.inflation - 1, digits: 3) + ", \(g.looks) looks)"))
            rows.append(("OBF boundaries |z|", g.boundaries.map { String(format: "%.3f", $0) }.joined(separator: ", ")))
        }
        return rows
    }

    public static func table(_ design: ExperimentDesign) -> String {
        var table = TextTable(["quantity", "value"], alignments: [.left, .right])
        for (name, value) in rows(design) { table.append([name, value]) }
        return table.renderText()
    }

    public static func markdown(_ design: ExperimentDesign) -> String {
        var table = TextTable(["quantity", "value"], alignments: [.left, .right])
        for (name, value) in rows(design) { table.append([name, value]) }
        return table.renderMarkdown()
    }

    public static func csv(_ design: ExperimentDesign) -> String {
        var header = ["sample_per_arm", "total_sample", "arms", "alpha", "power", "mde", "relative", "days"]
        var values = [
            "\(design.samplePerArm)", "\(design.totalSample)", "\(design.arms)", "\(design.alpha)", "\(design.power)",
            "\(design.mde)", "\(design.relative)", design.days.map { "\($0)" } ?? "",
        ]
        if let plan = design.sequential {
            header += ["msprt_sample_per_arm", "msprt_tuning", "group_sequential_sample_per_arm", "looks"]
            values += [
                "\(plan.mixtureSPRT.samplePerArm)", "\(plan.mixtureSPRT.tuning)", "\(plan.groupSequential.samplePerArm)",
                "\(plan.groupSequential.looks)",
            ]
        }
        if let cluster = design.cluster {
            header += ["icc", "cluster_size", "design_effect", "clusters_per_arm"]
            values += ["\(cluster.intraclassCorrelation)", "\(cluster.clusterSize)", "\(cluster.designEffect)", "\(cluster.clustersPerArm)"]
        }
        return CSVWriting.document(header, [values])
    }
}

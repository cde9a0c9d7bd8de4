import Foundation
import TouchstoneStats

// MARK: - Factorial designs

extension DesignReport {
    public static func json(_ design: FactorialDesign) throws -> String {
        try JSONOutput.encode(design)
    }

    private static func rows(_ design: FactorialDesign) -> [(String, String)] {
        let k = design.factors.count
        func units(_ requirement: FactorialDesign.Requirement) -> String {
            NumberFormatting.count(requirement.perCell) + " per cell, " + NumberFormatting.count(requirement.totalSample) + " in total"
                + (requirement.days.map { ", \($0) day\($0 == 1 ? "" : "s")" } ?? "")
        }
        var rows: [(String, String)] = [
            ("factors", design.factors.joined(separator: ", ")),
            ("cells", "\(design.cells) (every combination, equal shares)"),
            ("sample per cell", NumberFormatting.count(design.perCell)),
            ("total sample", NumberFormatting.count(design.totalSample)),
            ("minimum detectable effect", design.relative
                ? NumberFormatting.percent(design.mde, digits: 3) + " (relative)"
                : NumberFormatting.significant(design.mde, digits: 6) + " (absolute)"),
            ("alpha", "\(design.alpha) (two-sided, per effect)"),
            ("power", "\(design.power)"),
        ]
        if let days = design.days { rows.append(("days", "\(days)")) }
        rows.append(("each main effect", units(design.mainEffects) + " (half the sample with the channel vs half without; power "
            + String(format: "%.3f", design.mainEffects.achievedPower) + ")"))
        if let plan = design.interactions {
            rows.append(("each two-way interaction", units(plan.requirement) + " (power "
                + String(format: "%.3f", plan.requirement.achievedPower) + " to see one channel's effect differ by the mde with vs without another)"))
        }
        let separate = design.separateTests
        rows.append(("\(k) separate A/B tests", NumberFormatting.count(separate.totalSample) + " units"
            + (separate.days.map { ", \($0) days" } ?? "") + " for the same main effects: the factorial is "
            + String(format: "%.1f", separate.efficiency) + "× as efficient (every unit informs every channel)"))
        return rows
    }

    public static func table(_ design: FactorialDesign) -> String {
        var table = TextTable(["quantity", "value"], alignments: [.left, .left])
        for (name, value) in rows(design) { table.append([name, value]) }
        return table.renderText()
    }

    public static func markdown(_ design: FactorialDesign) -> String {
        var table = TextTable(["quantity", "value"], alignments: [.left, .left])
        for (name, value) in rows(design) { table.append([name, value]) }
        return table.renderMarkdown()
    }

    public static func csv(_ design: FactorialDesign) -> String {
        let header = [
            "factors", "cells", "perCell", "totalSample", "alpha", "power", "mde", "relative", "days",
            "mainEffectsTotalSample", "interactionsTotalSample", "separateTestsTotalSample", "efficiency",
        ]
        let values = [
            design.factors.joined(separator: ","), "\(design.cells)", "\(design.perCell)", "\(design.totalSample)",
            "\(design.alpha)", "\(design.power)", "\(design.mde)", "\(design.relative)", design.days.map { "\($0)" } ?? "",
            "\(design.mainEffects.totalSample)", design.interactions.map { "\($0.requirement.totalSample)" } ?? "",
            "\(design.separateTests.totalSample)", "\(design.separateTests.efficiency)",
        ]
        return CSVWriting.line(header) + "\n" + CSVWriting.line(values)
    }
}

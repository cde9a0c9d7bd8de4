import Foundation
import TouchstoneData
import TouchstoneExperiment
import TouchstoneTime

/// Renders `touchstone exposures`: counts per variant, the SRM check, multi-variant units and
/// the exposure period. JSON field names are the command's contract.
public enum ExposuresReport {
    struct VariantRow: Encodable {
        var variant: String
        var units: Int
        var weight: Double?
        var expected: Double?
    }

    struct SRMJSON: Encodable {
        var chiSquare: Double
        var degreesOfFreedom: Int
        var pValue: Double
        var mismatch: Bool
        var observed: [String: Int]
        var expected: [String: Double]
    }

    struct Document: Encodable {
        var experiment: String
        var units: Int
        var variants: [VariantRow]
        var srm: SRMJSON?
        var multiVariantUnits: Int
        var multiVariantExamples: [String]
        var firstExposure: String?
        var lastExposure: String?
    }

    static func rows(_ summary: ExposureSummary, _ check: ExposureSummary.SRMCheck?) -> [VariantRow] {
        guard let check else {
            return summary.variants.map { VariantRow(variant: $0.variant, units: $0.units, weight: nil, expected: nil) }
        }
        return check.variants.indices.map { index in
            VariantRow(
                variant: check.variants[index], units: check.observed[index], weight: check.weights[index],
                expected: index < check.result.expected.count ? check.result.expected[index] : nil)
        }
    }

    public static func json(_ summary: ExposureSummary, _ check: ExposureSummary.SRMCheck?) throws -> JSONOutput.Encoded {
        let variants = rows(summary, check)
        let srm = check.map { check in
            SRMJSON(
                chiSquare: check.result.chiSquare, degreesOfFreedom: check.result.degreesOfFreedom,
                pValue: check.result.pValue, mismatch: check.result.mismatch,
                observed: Dictionary(variants.map { ($0.variant, $0.units) }, uniquingKeysWith: +),
                expected: Dictionary(zip(check.variants, check.result.expected).map { ($0, $1) }, uniquingKeysWith: +))
        }
        return try JSONOutput.encodeCounting(Document(
            experiment: summary.experiment, units: summary.units, variants: variants, srm: srm,
            multiVariantUnits: summary.multiVariantUnits, multiVariantExamples: summary.multiVariantExamples,
            firstExposure: summary.firstExposure.map(Timestamp.iso8601(microseconds:)),
            lastExposure: summary.lastExposure.map(Timestamp.iso8601(microseconds:))))
    }

    /// An expected count as a count when whole, else to one decimal: 1.5 and 1.5 rounded to
    /// 2 and 2 would no longer add up to the 3 units observed.
    static func expectedCount(_ value: Double) -> String {
        guard value.isFinite, value >= 0, value < 1e14 else { return NumberFormatting.roundedCount(value) }
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? NumberFormatting.count(tenths / 10) : "\(NumberFormatting.count(tenths / 10)).\(tenths % 10)"
    }

    /// Table, Markdown or CSV (CSV: `variant,units,weight,expected`, full precision).
    public static func text(_ summary: ExposureSummary, _ check: ExposureSummary.SRMCheck?, style: TextTable.Style) -> String {
        let variants = rows(summary, check)
        if style == .csv {
            var table = TextTable(["variant", "units", "weight", "expected"])
            for row in variants {
                table.append([row.variant, "\(row.units)", row.weight.map(NumberFormatting.exact) ?? "",
                              row.expected.map(NumberFormatting.exact) ?? ""])
            }
            return table.renderCSV() + "\n"
        }
        let markdown = style == .markdown
        var table = TextTable(["variant", "units", "share", "expected"])
        let analysed = max(variants.reduce(0) { $0 + $1.units }, 1)
        for row in variants {
            table.append([
                row.variant, NumberFormatting.count(row.units), String(format: "%.2f%%", 100 * Double(row.units) / Double(analysed)),
                row.expected.map(expectedCount) ?? "",
            ])
        }
        let title = "Exposures of '\(AnalysisReport.name(summary.experiment))'"
        var text = (markdown ? "## \(title)\n\n" : "\(title)\n") + table.render(style) + "\n\n"
        if let check {
            let result = check.result
            text += "Sample ratio check: χ² = \(NumberFormatting.significant(result.chiSquare)), df \(result.degreesOfFreedom), "
                + "p = \(NumberFormatting.pValue(result.pValue)) → \(result.mismatch ? "MISMATCH" : "ok")\n"
        }
        text += "units exposed: \(NumberFormatting.count(summary.units)); in more than one variant (excluded): "
            + NumberFormatting.count(summary.multiVariantUnits)
        if !summary.multiVariantExamples.isEmpty {
            text += " e.g. \(summary.multiVariantExamples.prefix(5).map(AnalysisReport.name).joined(separator: ", "))"
        }
        let first = summary.firstExposure.map(Timestamp.iso8601(microseconds:))
        let last = summary.lastExposure.map(Timestamp.iso8601(microseconds:))
        text += "\nfirst exposure: \(first ?? "—"); last exposure: \(last ?? "—")\n"
        return TerminalText.sanitizeReport(text, allowingColor: false)
    }
}

import TouchstoneAttribution

/// Renders saved ``AttributionResult``s (one model, or `--model all`) for `touchstone report`.
///
/// The table, CSV and Markdown forms are ``AttributionRendering``'s, so `report` prints exactly
/// what `attribute` printed; HTML is in `AttributionReport+HTML.swift`.
public enum AttributionReport {
    public static func text(_ results: [AttributionResult], style: AttributionRendering.Style) -> String {
        var text = results.count == 1
            ? AttributionRendering.render(results[0], style: style)
            : AttributionRendering.renderComparison(results, style: style)
        for result in results { if let report = result.calibration { text += "\n" + AttributionRendering.render(report, style: style) } }
        return text
    }
}

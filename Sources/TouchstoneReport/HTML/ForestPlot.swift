/// A forest plot: one horizontal interval per row around a dashed zero line, drawn as SVG.
///
/// Each row is one `<g class="ci">` element carrying `data-metric` and `data-variant`, with a
/// `<title>` that states the numbers, so the chart reads without colour: a significant change
/// for the better gets an upward triangle and ▲, for the worse a downward triangle and ▼ (by
/// the metric's good direction, not the sign), both with a thicker line and bold text; other
/// rows a hollow square.
struct ForestPlot {
    struct Row {
        var label: String
        var estimate: Double
        var lower: Double
        var upper: Double
        var significant: Bool
        /// The value column, e.g. `+5.23% [+1.10%, +9.36%]`.
        var valueText: String
        /// Identifies the row in the markup (`data-variant`).
        var key: String
        /// Better or worse in the metric's good direction (colour and marker shape).
        var tone: Tone = .neutral
    }

    var metric: String
    var axisLabel: String
    var rows: [Row] = []
    /// Formats tick values (percent for lifts).
    var tickFormat: (Double) -> String

    private static let width = 960.0, valueWidth = 290.0, rowHeight = 30.0, top = 14.0

    /// Room for the row labels: 180 px, widened for long ones (segment rows read
    /// "Womens E-Mail · Surburban") up to 330 px at about 7.6 px per bold character.
    var labelWidth: Double {
        let longest = rows.map { Self.truncated($0.label).count }.max() ?? 0
        return min(330, max(180, Double(longest) * 7.6 + 16))
    }

    func svg() -> String {
        let plotLeft = labelWidth, plotRight = Self.width - Self.valueWidth - 10
        let scale = ChartScale(covering: rows.flatMap { [$0.estimate, $0.lower, $0.upper] }, from: plotLeft, to: plotRight)
        let plotBottom = Self.top + Double(rows.count) * Self.rowHeight
        let height = plotBottom + 44
        let e = HTMLEscaping.escape
        var svg = "<svg class=\"forest\" role=\"img\" aria-label=\"\(e("Forest plot of \(axisLabel) for \(metric)"))\" "
        svg += "viewBox=\"0 0 \(svgNumber(Self.width)) \(svgNumber(height))\" width=\"\(svgNumber(Self.width))\" height=\"\(svgNumber(height))\">\n"
        // Grid and axis.
        svg += "<g class=\"axis\">\n"
        for tick in scale.ticks() {
            let x = svgNumber(scale.x(tick))
            svg += "<line class=\"grid\" x1=\"\(x)\" y1=\"\(svgNumber(Self.top - 4))\" x2=\"\(x)\" y2=\"\(svgNumber(plotBottom))\" />\n"
            svg += "<text x=\"\(x)\" y=\"\(svgNumber(plotBottom + 16))\" text-anchor=\"middle\">\(e(tickFormat(tick)))</text>\n"
        }
        svg += "<line x1=\"\(svgNumber(plotLeft))\" y1=\"\(svgNumber(plotBottom))\" x2=\"\(svgNumber(plotRight))\" y2=\"\(svgNumber(plotBottom))\" />\n"
        let zero = svgNumber(scale.x(0))
        svg += "<line class=\"zero\" x1=\"\(zero)\" y1=\"\(svgNumber(Self.top - 6))\" x2=\"\(zero)\" y2=\"\(svgNumber(plotBottom))\" />\n"
        svg += "<text class=\"muted\" x=\"\(svgNumber((plotLeft + plotRight) / 2))\" y=\"\(svgNumber(plotBottom + 34))\" text-anchor=\"middle\">\(e(axisLabel))</text>\n"
        svg += "</g>\n"
        for (index, row) in rows.enumerated() {
            let y = Self.top + (Double(index) + 0.5) * Self.rowHeight
            let cls = (row.significant ? "ci significant" : "ci") + (row.tone.cssClass.map { " " + $0 } ?? "")
            let defined = row.estimate.isFinite
            svg += "<g class=\"\(cls)\" data-metric=\"\(e(metric))\" data-variant=\"\(e(row.key))\">\n"
            let verdict = switch row.tone {
            case .better: " (significantly better)"
            case .worse: " (significantly worse)"
            case .neutral: row.significant ? " (significant)" : ""
            }
            svg += "<title>\(e("\(row.label): \(row.valueText)\(verdict)"))</title>\n"
            svg += "<text class=\"label\" x=\"\(svgNumber(plotLeft - 10))\" y=\"\(svgNumber(y + 4))\" text-anchor=\"end\">\(e(Self.truncated(row.label)))</text>\n"
            if defined {
                let lower = row.lower.isNaN ? scale.x0 : scale.x(row.lower)
                let upper = row.upper.isNaN ? scale.x1 : scale.x(row.upper)
                svg += "<line x1=\"\(svgNumber(lower))\" y1=\"\(svgNumber(y))\" x2=\"\(svgNumber(upper))\" y2=\"\(svgNumber(y))\" />\n"
                for end in [lower, upper] {
                    svg += "<line x1=\"\(svgNumber(end))\" y1=\"\(svgNumber(y - 5))\" x2=\"\(svgNumber(end))\" y2=\"\(svgNumber(y + 5))\" />\n"
                }
                let x = scale.x(row.estimate)
                switch row.tone {
                case .better:
                    svg += "<polygon class=\"point\" points=\"\(svgNumber(x)),\(svgNumber(y - 7)) \(svgNumber(x + 7)),\(svgNumber(y + 5)) \(svgNumber(x - 7)),\(svgNumber(y + 5))\" />\n"
                case .worse:
                    svg += "<polygon class=\"point\" points=\"\(svgNumber(x)),\(svgNumber(y + 7)) \(svgNumber(x + 7)),\(svgNumber(y - 5)) \(svgNumber(x - 7)),\(svgNumber(y - 5))\" />\n"
                case .neutral:
                    svg += "<rect class=\"point\" x=\"\(svgNumber(x - 5))\" y=\"\(svgNumber(y - 5))\" width=\"10\" height=\"10\" />\n"
                }
            } else {
                svg += "<text class=\"muted\" x=\"\(svgNumber(plotLeft + 8))\" y=\"\(svgNumber(y + 4))\">not estimable</text>\n"
            }
            let value = (row.tone != .neutral ? row.tone.mark + " " : (row.significant ? "✱ " : "")) + row.valueText
            svg += "<text class=\"label\" x=\"\(svgNumber(plotRight + 12))\" y=\"\(svgNumber(y + 4))\">\(e(value))</text>\n"
            svg += "</g>\n"
        }
        svg += "</svg>"
        return svg
    }

    /// Long user-supplied names are cut so they cannot run into the plot; the full name stays in `<title>`.
    static func truncated(_ label: String, limit: Int = 40) -> String {
        label.count <= limit ? label : String(label.prefix(limit - 1)) + "…"
    }
}

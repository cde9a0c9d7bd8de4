/// A grouped horizontal bar chart drawn as SVG: one group per category (a channel), one bar per
/// series (an attribution model), with an optional interval whisker on each bar.
///
/// Bars use the Okabe–Ito palette (distinguishable with common colour-vision deficiencies), and
/// every bar is also labelled with its series name and value, so colour is never the only cue.
/// Each bar is one `<g class="bar">` element with `data-category` and `data-series`.
struct BarChart {
    struct Bar {
        var series: String
        var value: Double
        var interval: (lower: Double, upper: Double)?
    }

    struct Group {
        var category: String
        var bars: [Bar]
    }

    var title: String
    var axisLabel: String
    var groups: [Group] = []
    var valueFormat: (Double) -> String

    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6D1F", "#000000"]
    private static let width = 960.0, labelWidth = 150.0, valueWidth = 230.0, barHeight = 16.0, groupGap = 12.0, top = 10.0

    /// The series names in first-seen order (their colour is their index in the palette).
    var series: [String] {
        var names: [String] = []
        for group in groups { for bar in group.bars where !names.contains(bar.series) { names.append(bar.series) } }
        return names
    }

    func svg() -> String {
        let e = HTMLEscaping.escape
        let names = series
        let plotLeft = Self.labelWidth, plotRight = Self.width - Self.valueWidth
        var values: [Double] = []
        for group in groups {
            for bar in group.bars { values += [bar.value, bar.interval?.lower ?? 0, bar.interval?.upper ?? 0] }
        }
        let scale = ChartScale(covering: values, from: plotLeft, to: plotRight)
        let groupHeight = { (group: Group) in Double(group.bars.count) * Self.barHeight + Self.groupGap }
        let plotBottom = Self.top + groups.reduce(0) { $0 + groupHeight($1) }
        let height = plotBottom + 44
        var svg = "<svg class=\"bars\" role=\"img\" aria-label=\"\(e(title))\" viewBox=\"0 0 \(svgNumber(Self.width)) \(svgNumber(height))\" "
        svg += "width=\"\(svgNumber(Self.width))\" height=\"\(svgNumber(height))\">\n<g class=\"axis\">\n"
        for tick in scale.ticks() {
            let x = svgNumber(scale.x(tick))
            svg += "<line class=\"grid\" x1=\"\(x)\" y1=\"\(svgNumber(Self.top))\" x2=\"\(x)\" y2=\"\(svgNumber(plotBottom))\" />\n"
            svg += "<text x=\"\(x)\" y=\"\(svgNumber(plotBottom + 16))\" text-anchor=\"middle\">\(e(valueFormat(tick)))</text>\n"
        }
        let zero = svgNumber(scale.x(0))
        svg += "<line x1=\"\(zero)\" y1=\"\(svgNumber(Self.top))\" x2=\"\(zero)\" y2=\"\(svgNumber(plotBottom))\" />\n"
        svg += "<text class=\"muted\" x=\"\(svgNumber((plotLeft + plotRight) / 2))\" y=\"\(svgNumber(plotBottom + 34))\" text-anchor=\"middle\">\(e(axisLabel))</text>\n"
        svg += "</g>\n"
        var y = Self.top
        for group in groups {
            let height = groupHeight(group) - Self.groupGap
            svg += "<text class=\"label\" x=\"\(svgNumber(plotLeft - 10))\" y=\"\(svgNumber(y + height / 2 + 4))\" text-anchor=\"end\">"
            svg += "\(e(ForestPlot.truncated(group.category, limit: 22)))</text>\n"
            for bar in group.bars {
                let colour = Self.palette[(names.firstIndex(of: bar.series) ?? 0) % Self.palette.count]
                let x0 = scale.x(0), x1 = scale.x(bar.value)
                var detail = valueFormat(bar.value)
                if let interval = bar.interval { detail += " [\(valueFormat(interval.lower)), \(valueFormat(interval.upper))]" }
                svg += "<g class=\"bar\" data-category=\"\(e(group.category))\" data-series=\"\(e(bar.series))\">\n"
                svg += "<title>\(e("\(group.category), \(bar.series): \(detail)"))</title>\n"
                svg += "<rect x=\"\(svgNumber(min(x0, x1)))\" y=\"\(svgNumber(y + 2))\" width=\"\(svgNumber(max(0.5, abs(x1 - x0))))\" "
                svg += "height=\"\(svgNumber(Self.barHeight - 4))\" fill=\"\(colour)\" />\n"
                if let interval = bar.interval, interval.lower.isFinite, interval.upper.isFinite {
                    let middle = svgNumber(y + Self.barHeight / 2)
                    svg += "<line x1=\"\(svgNumber(scale.x(interval.lower)))\" y1=\"\(middle)\" x2=\"\(svgNumber(scale.x(interval.upper)))\" "
                    svg += "y2=\"\(middle)\" stroke=\"#1d232b\" stroke-width=\"1.5\" />\n"
                }
                svg += "<text x=\"\(svgNumber(plotRight + 10))\" y=\"\(svgNumber(y + Self.barHeight - 4))\">\(e("\(bar.series): \(detail)"))</text>\n"
                svg += "</g>\n"
                y += Self.barHeight
            }
            y += Self.groupGap
        }
        svg += "</svg>"
        return svg
    }

    /// A legend in HTML (swatch plus name), placed above the chart.
    func legend() -> String {
        let items = series.enumerated().map { index, name in
            "<span><span class=\"swatch\" style=\"background: \(Self.palette[index % Self.palette.count])\"></span>\(HTMLEscaping.escape(name))</span>"
        }
        return "<p class=\"legend\">" + items.joined() + "</p>"
    }
}

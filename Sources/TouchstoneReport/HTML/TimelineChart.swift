/// The effect of one treatment on one metric over time: the estimate as a line over its
/// interval band, one point per day, around a dashed zero line, drawn as SVG.
///
/// The chart carries its caveat in its own markup: a daily view that is not always-valid is
/// labelled "not valid for peeking" inside the SVG, so a screenshot of the chart alone keeps it.
/// Every point is a `<g class="point">` with a `<title>` stating its numbers, for readers and tests.
struct TimelineChart {
    struct Point {
        var label: String
        var estimate: Double
        var lower: Double
        var upper: Double
        var significant: Bool
        /// `+1.2% [−0.4%, +2.9%], 1,204/1,198 units`.
        var valueText: String
    }

    var metric: String
    var variant: String
    var axisLabel: String
    /// Drawn in the top-left corner of the plot, e.g. "not valid for peeking".
    var caveat: String?
    var points: [Point] = []
    var tickFormat: (Double) -> String

    private static let width = 960.0, height = 260.0, left = 70.0, right = 20.0, top = 24.0, bottom = 48.0

    func svg() -> String {
        let e = HTMLEscaping.escape
        let plotBottom = Self.height - Self.bottom, plotRight = Self.width - Self.right
        // The y scale maps values to heights: built on the x machinery, then flipped. It covers the
        // points from the first quarter on: the first days' intervals (a handful of units) would
        // otherwise flatten the rest of the chart; earlier excursions are clipped at the edges.
        let settled = points.dropFirst(points.count / 4)
        let scale = ChartScale(covering: settled.flatMap { [$0.estimate, $0.lower, $0.upper] }, from: Self.top, to: plotBottom)
        func y(_ value: Double) -> Double { min(plotBottom, max(Self.top, Self.top + plotBottom - scale.x(value))) }
        let count = max(points.count, 1)
        func x(_ index: Int) -> Double {
            count == 1 ? (Self.left + plotRight) / 2 : Self.left + (plotRight - Self.left) * Double(index) / Double(count - 1)
        }
        var svg = "<svg class=\"timeline\" role=\"img\" aria-label=\"\(e("\(axisLabel) of \(variant) on \(metric) over time"))\" "
        svg += "data-metric=\"\(e(metric))\" data-variant=\"\(e(variant))\" "
        svg += "viewBox=\"0 0 \(svgNumber(Self.width)) \(svgNumber(Self.height))\" width=\"\(svgNumber(Self.width))\" height=\"\(svgNumber(Self.height))\">\n"
        svg += "<g class=\"axis\">\n"
        for tick in scale.ticks() {
            let ty = svgNumber(y(tick))
            svg += "<line class=\"grid\" x1=\"\(svgNumber(Self.left))\" y1=\"\(ty)\" x2=\"\(svgNumber(plotRight))\" y2=\"\(ty)\" />\n"
            svg += "<text x=\"\(svgNumber(Self.left - 6))\" y=\"\(svgNumber(y(tick) + 4))\" text-anchor=\"end\">\(e(tickFormat(tick)))</text>\n"
        }
        let zero = svgNumber(y(0))
        svg += "<line class=\"zero\" x1=\"\(svgNumber(Self.left))\" y1=\"\(zero)\" x2=\"\(svgNumber(plotRight))\" y2=\"\(zero)\" />\n"
        // At most about eight date labels, so they never overlap.
        let every = max(1, (points.count + 7) / 8)
        for (index, point) in points.enumerated() where index % every == 0 || index == points.count - 1 {
            // The first and last labels stay inside the plot's width.
            let anchor = points.count > 1 && index == points.count - 1 ? "end" : (points.count > 1 && index == 0 ? "start" : "middle")
            svg += "<text x=\"\(svgNumber(x(index)))\" y=\"\(svgNumber(plotBottom + 16))\" text-anchor=\"\(anchor)\">\(e(point.label))</text>\n"
        }
        svg += "<text class=\"muted\" x=\"\(svgNumber((Self.left + plotRight) / 2))\" y=\"\(svgNumber(plotBottom + 36))\" text-anchor=\"middle\">\(e(axisLabel))</text>\n"
        svg += "</g>\n"
        // The band: upper edge left to right, lower edge back, over the points with an interval.
        let banded = points.indices.filter { points[$0].lower.isFinite && points[$0].upper.isFinite }
        if banded.count >= 2 {
            let upper = banded.map { "\(svgNumber(x($0))),\(svgNumber(y(points[$0].upper)))" }
            let lower = banded.reversed().map { "\(svgNumber(x($0))),\(svgNumber(y(points[$0].lower)))" }
            svg += "<polygon class=\"band\" points=\"\((upper + lower).joined(separator: " "))\" />\n"
        }
        let line = points.indices.filter { points[$0].estimate.isFinite }
        if line.count >= 2 {
            svg += "<polyline class=\"estimate\" points=\"\(line.map { "\(svgNumber(x($0))),\(svgNumber(y(points[$0].estimate)))" }.joined(separator: " "))\" />\n"
        }
        for (index, point) in points.enumerated() {
            svg += "<g class=\"\(point.significant ? "point significant" : "point")\">"
            svg += "<title>\(e("\(point.label): \(point.valueText)\(point.significant ? " (significant)" : "")"))</title>"
            if point.estimate.isFinite {
                svg += "<circle cx=\"\(svgNumber(x(index)))\" cy=\"\(svgNumber(y(point.estimate)))\" r=\"\(point.significant ? 4 : 3)\" />"
            }
            svg += "</g>\n"
        }
        if let caveat {
            svg += "<text class=\"caveat\" x=\"\(svgNumber(Self.left + 8))\" y=\"\(svgNumber(Self.top - 8))\">\(e(caveat))</text>\n"
        }
        svg += "</svg>"
        return svg
    }
}

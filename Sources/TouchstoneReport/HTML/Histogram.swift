import Foundation

/// A vertical bar histogram drawn as SVG: one bar per bin, labelled with its count above it.
/// Each bar is one `<g class="bin">` element with `data-from` and `data-to`.
struct Histogram {
    struct Bin {
        var from: Double
        var to: Double
        var count: Double
    }

    var title: String
    var axisLabel: String
    var countLabel: String
    var bins: [Bin]
    var edgeFormat: (Double) -> String

    private static let width = 960.0, height = 300.0, left = 60.0, right = 20.0, top = 24.0, bottom = 52.0

    func svg() -> String {
        let e = HTMLEscaping.escape
        let plotBottom = Self.height - Self.bottom, plotWidth = Self.width - Self.left - Self.right
        let highest = bins.map(\.count).max() ?? 0
        // The y scale runs from 0 to a round value above the tallest bar.
        let scale = ChartScale(covering: [0, highest], from: 0, to: plotBottom - Self.top)
        let ticks = scale.ticks(4).filter { $0 >= 0 }
        let top = max(highest, ticks.last ?? 1, 1)
        func y(_ value: Double) -> Double { plotBottom - value / top * (plotBottom - Self.top) }
        var svg = "<svg class=\"histogram\" role=\"img\" aria-label=\"\(e(title))\" viewBox=\"0 0 \(svgNumber(Self.width)) \(svgNumber(Self.height))\" "
        svg += "width=\"\(svgNumber(Self.width))\" height=\"\(svgNumber(Self.height))\">\n<g class=\"axis\">\n"
        for tick in ticks {
            let ty = svgNumber(y(tick))
            svg += "<line class=\"grid\" x1=\"\(svgNumber(Self.left))\" y1=\"\(ty)\" x2=\"\(svgNumber(Self.width - Self.right))\" y2=\"\(ty)\" />\n"
            svg += "<text x=\"\(svgNumber(Self.left - 6))\" y=\"\(svgNumber(y(tick) + 4))\" text-anchor=\"end\">\(e(NumberFormatting.significant(tick, digits: 4)))</text>\n"
        }
        svg += "<line x1=\"\(svgNumber(Self.left))\" y1=\"\(svgNumber(plotBottom))\" x2=\"\(svgNumber(Self.width - Self.right))\" y2=\"\(svgNumber(plotBottom))\" />\n"
        svg += "<text class=\"muted\" x=\"\(svgNumber(Self.left + plotWidth / 2))\" y=\"\(svgNumber(Self.height - 8))\" text-anchor=\"middle\">\(e(axisLabel))</text>\n"
        svg += "<text class=\"muted\" transform=\"translate(14 \(svgNumber((Self.top + plotBottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(e(countLabel))</text>\n"
        svg += "</g>\n"
        let barWidth = plotWidth / Double(max(1, bins.count))
        // Label every edge while they fit, else every second or fifth one.
        let labelEvery = bins.count <= 16 ? 1 : bins.count <= 32 ? 2 : 5
        for (k, bin) in bins.enumerated() {
            let x = Self.left + barWidth * Double(k)
            svg += "<g class=\"bin\" data-from=\"\(svgNumber(bin.from))\" data-to=\"\(svgNumber(bin.to))\">\n"
            svg += "<title>\(e("\(edgeFormat(bin.from))–\(edgeFormat(bin.to)): \(NumberFormatting.significant(bin.count, digits: 8))"))</title>\n"
            svg += "<rect x=\"\(svgNumber(x + 1))\" y=\"\(svgNumber(y(bin.count)))\" width=\"\(svgNumber(max(1, barWidth - 2)))\" "
            svg += "height=\"\(svgNumber(plotBottom - y(bin.count)))\" fill=\"#0072B2\" />\n"
            if bin.count > 0, barWidth >= 24 {
                svg += "<text x=\"\(svgNumber(x + barWidth / 2))\" y=\"\(svgNumber(y(bin.count) - 4))\" text-anchor=\"middle\">"
                svg += "\(e(NumberFormatting.significant(bin.count, digits: 6)))</text>\n"
            }
            if k % labelEvery == 0 {
                svg += "<text x=\"\(svgNumber(x))\" y=\"\(svgNumber(plotBottom + 16))\" text-anchor=\"middle\">\(e(edgeFormat(bin.from)))</text>\n"
            }
            svg += "</g>\n"
        }
        if let last = bins.last {
            svg += "<text x=\"\(svgNumber(Self.width - Self.right))\" y=\"\(svgNumber(plotBottom + 16))\" text-anchor=\"middle\">\(e(edgeFormat(last.to)))</text>\n"
        }
        svg += "</svg>"
        return svg
    }
}

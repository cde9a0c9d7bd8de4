import Foundation

/// A matrix of counts drawn as SVG cells: one row per source, one column per destination.
///
/// A cell's value is its share of the row (so a small channel's pattern is as visible as a big
/// one's); its shade runs in one blue hue from white to mid-blue at the largest share in the map
/// (so the range is used whatever the shares are; never darker, so the dark labels keep a
/// contrast above 4.5:1), and every cell is also labelled with its share
/// in percent, so colour is never the only cue; the count is in the cell's `<title>` tooltip.
/// Each cell is one `<g class="cell">` element with `data-from` and `data-to`.
struct HeatMap {
    var title: String
    var rows: [String]
    var columns: [String]
    /// `counts[r][c]`; missing cells are zero.
    var counts: [[Double]]
    var countFormat: (Double) -> String

    private static let width = 960.0, labelWidth = 130.0, headerHeight = 96.0, rowHeight = 26.0

    func svg() -> String {
        let e = HTMLEscaping.escape
        let cellWidth = max(36, (Self.width - Self.labelWidth) / Double(max(1, columns.count)))
        let width = Self.labelWidth + cellWidth * Double(columns.count)
        let height = Self.headerHeight + Self.rowHeight * Double(rows.count) + 8
        var largest = 0.0
        for row in counts {
            let total = row.reduce(0, +)
            if total > 0 { largest = max(largest, (row.max() ?? 0) / total) }
        }
        var svg = "<svg class=\"heatmap\" role=\"img\" aria-label=\"\(e(title))\" viewBox=\"0 0 \(svgNumber(width)) \(svgNumber(height))\" "
        svg += "width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\">\n"
        svg += "<text class=\"muted\" x=\"\(svgNumber(Self.labelWidth - 8))\" y=\"\(svgNumber(Self.headerHeight - 6))\" text-anchor=\"end\">from ↓  to →</text>\n"
        // Column headers are turned 45° so long channel names fit above narrow cells.
        for (c, column) in columns.enumerated() {
            let x = Self.labelWidth + cellWidth * (Double(c) + 0.5)
            svg += "<text class=\"label\" transform=\"translate(\(svgNumber(x)) \(svgNumber(Self.headerHeight - 6))) rotate(-45)\">"
            svg += "\(e(ForestPlot.truncated(column, limit: 16)))</text>\n"
        }
        for (r, row) in rows.enumerated() {
            let y = Self.headerHeight + Self.rowHeight * Double(r)
            let total = counts[r].reduce(0, +)
            svg += "<text class=\"label\" x=\"\(svgNumber(Self.labelWidth - 8))\" y=\"\(svgNumber(y + Self.rowHeight / 2 + 4))\" text-anchor=\"end\">"
            svg += "\(e(ForestPlot.truncated(row, limit: 18)))</text>\n"
            for (c, column) in columns.enumerated() {
                let count = c < counts[r].count ? counts[r][c] : 0
                let share = total > 0 ? count / total : 0
                let x = Self.labelWidth + cellWidth * Double(c)
                let percent = count > 0 ? String(format: share < 0.095 ? "%.1f%%" : "%.0f%%", share * 100) : "·"
                svg += "<g class=\"cell\" data-from=\"\(e(row))\" data-to=\"\(e(column))\">\n"
                svg += "<title>\(e("\(row) → \(column): \(countFormat(count)) (\(String(format: "%.1f", share * 100))% of \(row))"))</title>\n"
                svg += "<rect x=\"\(svgNumber(x + 1))\" y=\"\(svgNumber(y + 1))\" width=\"\(svgNumber(cellWidth - 2))\" "
                svg += "height=\"\(svgNumber(Self.rowHeight - 2))\" fill=\"\(Self.shade(largest > 0 ? 0.6 * share / largest : 0))\" />\n"
                svg += "<text x=\"\(svgNumber(x + cellWidth / 2))\" y=\"\(svgNumber(y + Self.rowHeight / 2 + 4))\" text-anchor=\"middle\">\(percent)</text>\n</g>\n"
            }
        }
        svg += "</svg>"
        return svg
    }

    /// White (0) to #0b3d91 (1), linear in each RGB channel.
    static func shade(_ share: Double) -> String {
        let t = min(1, max(0, share))
        let (r, g, b) = (255 - t * (255 - 11), 255 - t * (255 - 61), 255 - t * (255 - 145))
        return String(format: "#%02x%02x%02x", Int(r.rounded()), Int(g.rounded()), Int(b.rounded()))
    }
}

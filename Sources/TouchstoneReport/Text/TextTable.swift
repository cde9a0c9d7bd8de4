import Foundation

/// The one table renderer: an aligned terminal table, a Markdown table and CSV, from the same
/// headers and rows.
///
/// Cells are user text and are escaped here, once, for the format: ``TerminalText`` on the
/// terminal (a line break in a name shows as `\u{A}` and cannot start a fake row),
/// ``MarkdownText/cell(_:)`` in Markdown, ``CSVWriting`` (quoting and formula neutralisation)
/// in CSV. Widths count characters (grapheme clusters).
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]] = []
    /// Rows drawn in bold colour when colour is on (significant comparisons); the text itself
    /// must carry the same information (a `*` column), so nothing is lost without colour.
    public var highlighted: Set<Int> = []
    /// Rows drawn in bold red when colour is on (a significant change in the bad direction);
    /// as with ``highlighted``, a text column must say the same (`▼`).
    public var harmful: Set<Int> = []

    /// A table whose first column is left-aligned and the others right-aligned, unless given.
    public init(_ headers: [String], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.alignments = alignments ?? headers.indices.map { $0 == 0 ? .left : .right }
    }

    public mutating func append(_ row: [String], highlight: Bool = false, harmful: Bool = false) {
        if harmful {
            self.harmful.insert(rows.count)
        } else if highlight {
            highlighted.insert(rows.count)
        }
        rows.append(row)
    }

    /// The width of ``renderText(color:)``'s widest line, in characters.
    public var textWidth: Int {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map { TerminalText.sanitize($0).count }.max() ?? 0
        }
        var total = widths.reduce(0, +) + 2 * max(0, widths.count - 1)
        // Trailing empty cells are trimmed; an all-empty last column adds only its separator.
        if let last = widths.last, last == 0 { total -= 2 }
        return total
    }

    /// The table without `columns` (indices into ``headers``).
    public func removing(columns: Set<Int>) -> TextTable {
        let kept = headers.indices.filter { !columns.contains($0) }
        var table = TextTable(kept.map { headers[$0] }, alignments: kept.map { alignment($0) })
        table.rows = rows.map { row in kept.map { $0 < row.count ? row[$0] : "" } }
        table.highlighted = highlighted
        table.harmful = harmful
        return table
    }

    /// The table narrowed to `width` characters by leaving out columns in `dropOrder` (least
    /// important first) until it fits, or until none is left to drop.
    public func fitting(width: Int, dropOrder: [Int]) -> TextTable {
        var dropped = Set<Int>()
        var table = self
        for column in dropOrder where table.textWidth > width {
            dropped.insert(column)
            table = removing(columns: dropped)
        }
        return table
    }

    private func alignment(_ column: Int) -> Alignment {
        column < alignments.count ? alignments[column] : .right
    }

    /// Columns padded to their widest cell, two spaces apart, a `─` rule under the header; with
    /// `color`, a bold header, highlighted rows in bold green and harmful rows in bold red (ANSI SGR codes).
    public func renderText(color: Bool = false) -> String {
        let header = headers.map { TerminalText.sanitize($0) }
        let body = rows.map { row in headers.indices.map { column in column < row.count ? TerminalText.sanitize(row[column]) : "" } }
        let widths = headers.indices.map { column in ([header[column]] + body.map { $0[column] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            var text = headers.indices.map { column in
                let cell = cells[column]
                let padding = String(repeating: " ", count: max(0, widths[column] - cell.count))
                return alignment(column) == .left ? cell + padding : padding + cell
            }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
        while rule.last == " " { rule.removeLast() }  // an empty last column (the `*` one) has no rule
        guard color else { return ([line(header), rule] + body.map(line)).joined(separator: "\n") }
        let lines = body.enumerated().map { index, row in
            if harmful.contains(index) { return "\u{1B}[1;31m" + line(row) + "\u{1B}[0m" }
            return highlighted.contains(index) ? "\u{1B}[1;32m" + line(row) + "\u{1B}[0m" : line(row)
        }
        return (["\u{1B}[1m" + line(header) + "\u{1B}[0m", rule] + lines).joined(separator: "\n")
    }

    public func renderMarkdown() -> String {
        func row(_ cells: [String]) -> String {
            "| " + headers.indices.map { column in column < cells.count ? MarkdownText.cell(cells[column]) : "" }
                .joined(separator: " | ") + " |"
        }
        let rule = "|" + headers.indices.map { alignment($0) == .left ? ":---|" : "---:|" }.joined()
        return ([row(headers), rule] + rows.map(row)).joined(separator: "\n")
    }

    /// The header and rows as CSV (no trailing line feed).
    public func renderCSV() -> String {
        ([headers] + rows).map(CSVWriting.line).joined(separator: "\n")
    }

    /// The table in `format` (`.text`, `.markdown` or `.csv`).
    public func render(_ style: Style, color: Bool = false) -> String {
        switch style {
        case .table: renderText(color: color)
        case .markdown: renderMarkdown()
        case .csv: renderCSV()
        }
    }

    /// The three tabular styles.
    public enum Style: Sendable { case table, csv, markdown }
}

import Foundation

/// A plain aligned table for terminals and its Markdown and CSV forms.
struct TextTable {
    enum Alignment { case left, right }

    var headers: [String]
    var alignments: [Alignment]
    var rows: [[String]] = []
    /// Rows drawn in bold colour when colour is on (significant comparisons); the text itself
    /// must carry the same information (a `*` column), so nothing is lost without colour.
    var highlighted: Set<Int> = []

    init(_ headers: [String], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.alignments = alignments ?? headers.indices.map { $0 == 0 ? .left : .right }
    }

    mutating func append(_ row: [String], highlight: Bool = false) {
        if highlight { highlighted.insert(rows.count) }
        rows.append(row)
    }

    /// Columns padded to their widest cell (counted in characters), two spaces apart; with
    /// `color`, a bold header and highlighted rows in bold green (ANSI SGR codes).
    func renderText(color: Bool = false) -> String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            headers.indices.map { column in
                let cell = column < cells.count ? cells[column] : ""
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return alignments[column] == .left ? cell + padding : padding + cell
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
            .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        guard color else { return ([line(headers), rule] + rows.map(line)).joined(separator: "\n") }
        let body = rows.enumerated().map { index, row in
            highlighted.contains(index) ? "\u{1B}[1;32m" + line(row) + "\u{1B}[0m" : line(row)
        }
        return (["\u{1B}[1m" + line(headers) + "\u{1B}[0m", rule] + body).joined(separator: "\n")
    }

    func renderMarkdown() -> String {
        func escape(_ cell: String) -> String { cell.replacingOccurrences(of: "|", with: "\\|") }
        let header = "| " + headers.map(escape).joined(separator: " | ") + " |"
        let rule = "|" + alignments.map { $0 == .left ? ":---|" : "---:|" }.joined()
        let body = rows.map { "| " + $0.map(escape).joined(separator: " | ") + " |" }
        return ([header, rule] + body).joined(separator: "\n")
    }
}

/// RFC 4180 CSV writing: fields with a delimiter, quote or line break are quoted.
public enum CSVWriting {
    public static func field(_ text: String) -> String {
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",")
    }
}

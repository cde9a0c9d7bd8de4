/// A plain HTML table; every cell is escaped. Rows may carry a class (`significant`).
struct HTMLTable {
    var headers: [String]
    var rows: [(cells: [String], rowClass: String?)] = []
    /// Rows whose cells are already HTML (see ``append(markup:rowClass:)``), by row index.
    var markupRows: Set<Int> = []
    var caption: String?
    /// A class on the `<table>` (`readout`: numbers never break inside a cell).
    var tableClass: String?

    init(_ headers: [String], caption: String? = nil) {
        self.headers = headers
        self.caption = caption
    }

    mutating func append(_ cells: [String], rowClass: String? = nil) { rows.append((cells, rowClass)) }

    /// A row of cells that are already markup: every piece of text in them must have been
    /// escaped by the caller (``estimateCell(_:_:)`` does).
    mutating func append(markup cells: [String], rowClass: String? = nil) {
        markupRows.insert(rows.count)
        rows.append((cells, rowClass))
    }

    /// An estimate with its interval on a second line (so a narrow column wraps there, not
    /// inside a number), both escaped.
    static func estimateCell(_ value: String, _ interval: String) -> String {
        "\(HTMLEscaping.escape(value)) <span class=\"interval\">\(HTMLEscaping.escape(interval))</span>"
    }

    func render() -> String {
        let e = HTMLEscaping.escape
        var html = tableClass.map { "<table class=\"\(e($0))\">\n" } ?? "<table>\n"
        if let caption { html += "<caption class=\"note\">\(e(caption))</caption>\n" }
        html += "<thead><tr>" + headers.map { "<th scope=\"col\">\(e($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for (index, row) in rows.enumerated() {
            let cls = row.rowClass.map { " class=\"\(e($0))\"" } ?? ""
            let markup = markupRows.contains(index)
            html += "<tr\(cls)>" + row.cells.map { "<td>\(markup ? $0 : e($0))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table>"
    }
}

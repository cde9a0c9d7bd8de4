/// A plain HTML table; every cell is escaped. Rows may carry a class (`significant`).
struct HTMLTable {
    var headers: [String]
    var rows: [(cells: [String], rowClass: String?)] = []
    var caption: String?

    init(_ headers: [String], caption: String? = nil) {
        self.headers = headers
        self.caption = caption
    }

    mutating func append(_ cells: [String], rowClass: String? = nil) { rows.append((cells, rowClass)) }

    func render() -> String {
        let e = HTMLEscaping.escape
        var html = "<table>\n"
        if let caption { html += "<caption class=\"note\">\(e(caption))</caption>\n" }
        html += "<thead><tr>" + headers.map { "<th scope=\"col\">\(e($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows {
            let cls = row.rowClass.map { " class=\"\(e($0))\"" } ?? ""
            html += "<tr\(cls)>" + row.cells.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table>"
    }
}

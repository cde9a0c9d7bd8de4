import Foundation

/// RFC 4180 CSV writing with spreadsheet formula neutralisation — the one CSV writer of every
/// command.
///
/// A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
/// LibreOffice and Google Sheets as a formula (`=HYPERLINK(…)`, `@SUM(…)`, DDE `=cmd|…`). Such a
/// cell is written with a leading single quote, as OWASP's "CSV Injection" guidance recommends,
/// unless it is a number: `-0.5`, `+3`, `-1.2e-5`, `-inf` and `inf` stay as they are, so numeric
/// columns keep parsing as numbers. Names from data (variants, metrics, channels, unit ids)
/// that start with one of those characters therefore come back with a `'` in front.
/// Then a field holding a comma, quote, CR or LF is quoted with quotes doubled.
public enum CSVWriting {
    /// Characters that make a spreadsheet evaluate a cell.
    static let formulaLeads: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\r\n"]

    /// Whether `text` is a plain number (decimal or scientific, optional sign, or ±inf).
    public static func isNumber(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        if bytes.elementsEqual("inf".utf8) { return true }
        var digits = 0, index = bytes.startIndex
        func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
        while index < bytes.endIndex, isDigit(bytes[index]) { digits += 1; index = bytes.index(after: index) }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
            index = bytes.index(after: index)
            while index < bytes.endIndex, isDigit(bytes[index]) { digits += 1; index = bytes.index(after: index) }
        }
        guard digits > 0 else { return false }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index = bytes.index(after: index)
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index = bytes.index(after: index)
            }
            var exponent = 0
            while index < bytes.endIndex, isDigit(bytes[index]) { exponent += 1; index = bytes.index(after: index) }
            guard exponent > 0 else { return false }
        }
        return index == bytes.endIndex
    }

    /// `text` with a leading `'` when a spreadsheet would evaluate it as a formula.
    public static func neutralized(_ text: String) -> String {
        guard let first = text.first, formulaLeads.contains(first), !isNumber(text) else { return text }
        return "'" + text
    }

    public static func field(_ text: String) -> String {
        let cell = neutralized(text)
        if cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return cell
    }

    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",")
    }

    /// A header and rows, one line each, ending with a line feed.
    public static func document(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map(line).joined(separator: "\n") + "\n"
    }
}

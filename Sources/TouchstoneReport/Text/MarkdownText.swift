/// Text from user data placed in Markdown.
public enum MarkdownText {
    /// A table cell: `\` → `\\` and `|` → `\|` (GitHub Flavored Markdown tables, §4.10: a pipe
    /// inside a cell must be escaped), and every character ``TerminalText`` escapes — line
    /// breaks included, which would end the row — shown as a visible `\u{…}` escape.
    public static func cell(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "|": escaped += "\\|"
            default:
                if TerminalText.isUnsafe(scalar) { escaped += TerminalText.visible(scalar) } else { escaped.unicodeScalars.append(scalar) }
            }
        }
        return escaped
    }

    /// Inline text outside tables (headings, notes): unsafe characters escaped, nothing else.
    public static func inline(_ text: String) -> String {
        TerminalText.sanitize(text)
    }
}

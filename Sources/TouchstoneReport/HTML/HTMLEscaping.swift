/// Escaping of text placed in HTML and SVG (element content and quoted attribute values).
///
/// Variant, metric and channel names come from user data, so every piece of text that reaches
/// a report goes through ``escape(_:)``: `&`, `<`, `>`, `"` and `'` become character
/// references, which is sufficient for both contexts as long as attributes are always quoted.
/// Control characters other than tab and line feed, and bidirectional overrides, are shown as
/// visible escapes like `\u{1B}` (``TerminalText``'s set): controls are not allowed in XML (the
/// reports are kept well-formed XML as well as HTML), dropping them would make two names look
/// the same, and a bidi override would reorder the text around it. U+FFFE/U+FFFF (not XML
/// characters) are dropped.
enum HTMLEscaping {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "\t", "\n": escaped.unicodeScalars.append(scalar)
            default:
                if scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                if TerminalText.isUnsafe(scalar) {
                    escaped += TerminalText.visible(scalar)
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }
}

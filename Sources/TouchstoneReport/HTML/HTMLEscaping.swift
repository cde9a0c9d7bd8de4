/// Escaping of text placed in HTML and SVG (element content and quoted attribute values).
///
/// Variant, metric and channel names come from user data, so every piece of text that reaches
/// a report goes through ``escape(_:)``: `&`, `<`, `>`, `"` and `'` become character
/// references, which is sufficient for both contexts as long as attributes are always quoted.
/// Control characters other than tab and line feed are dropped (they are not allowed in XML,
/// and the reports are kept well-formed XML as well as HTML).
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
                if scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) || scalar.value == 0xFFFE
                    || scalar.value == 0xFFFF
                {
                    continue
                }
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

import TouchstoneData

/// Text from user data made safe to print on a terminal (and in error messages).
///
/// Variant, metric, channel and experiment names come from files other people wrote. Printed
/// raw, an escape sequence in a name can recolour, move the cursor, retitle the window or hide
/// text; a bidirectional override (Trojan Source, CVE-2021-42574) can make a name read as
/// another. Every such character is shown as a visible Swift-style escape (`\u{1B}`) instead:
///
/// - C0 controls U+0000–U+001F (line feed kept only where line breaks are allowed), DEL U+007F,
///   C1 controls U+0080–U+009F (U+009B is a one-byte CSI);
/// - bidirectional controls U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069;
/// - line and paragraph separators U+2028, U+2029.
///
/// Everything else (letters of any script, emoji, combining marks) passes unchanged.
public enum TerminalText {
    /// Whether `scalar` is shown escaped.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        DisplayUnsafeScalars.contains(scalar)
    }

    /// The visible form of an unsafe scalar: `\u{1B}`.
    public static func visible(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }

    /// `text` with every unsafe scalar escaped; with `keepingLineBreaks`, line feeds stay
    /// (for messages and whole reports, not for a single name or table cell).
    public static func sanitize(_ text: String, keepingLineBreaks: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0) && !(keepingLineBreaks && $0 == "\n") }) else {
            return text
        }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar), !(keepingLineBreaks && scalar == "\n") {
                result += visible(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A whole rendered report that may carry Touchstone's own colour codes: every unsafe
    /// scalar is escaped except line feeds and the SGR sequences `ESC [ digits/semicolons m`.
    /// Names are sanitised where they are interpolated, so no SGR sequence can come from data;
    /// this pass only guarantees that nothing else slips through.
    public static func sanitizeReport(_ text: String, allowingColor: Bool) -> String {
        guard allowingColor else { return sanitize(text, keepingLineBreaks: true) }
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains(where: { isUnsafe($0) && $0 != "\n" }) else { return text }
        var result = ""
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\u{1B}", index + 1 < scalars.count, scalars[index + 1] == "[" {
                var end = index + 2
                while end < scalars.count, scalars[end] == ";" || ("0"..."9").contains(scalars[end]) { end += 1 }
                if end < scalars.count, scalars[end] == "m" {
                    for kept in scalars[index...end] { result.unicodeScalars.append(kept) }
                    index = end + 1
                    continue
                }
            }
            if isUnsafe(scalar), scalar != "\n" { result += visible(scalar) } else { result.unicodeScalars.append(scalar) }
            index += 1
        }
        return result
    }
}

/// The characters that must never reach a terminal, a log line or a printed SQL comment raw.
///
/// - C0 controls U+0000–U+001F (line feed, tab and escape included), DEL U+007F and C1
///   controls U+0080–U+009F (U+009B is a one-byte CSI);
/// - bidirectional controls U+061C, U+200E, U+200F, U+202A–U+202E and U+2066–U+2069, which
///   reorder what is displayed (Trojan Source, CVE-2021-42574);
/// - line and paragraph separators U+2028 and U+2029, which some tools break lines at.
///
/// TouchstoneReport's `TerminalText` and the printed SQL of ``SQLDialect/commentLiteral(_:)``
/// share this one definition.
public enum DisplayUnsafeScalars {
    public static func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }
}

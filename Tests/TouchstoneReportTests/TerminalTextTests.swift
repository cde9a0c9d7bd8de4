import Testing
import TouchstoneReport

/// Names from data on a terminal and in Markdown: controls, escape sequences and bidi
/// overrides shown as visible escapes; Markdown cells escape `|`, `\` and line breaks.
@Suite("Terminal and Markdown text")
struct TerminalTextTests {
    struct Case: Sendable, CustomStringConvertible {
        var input: String
        var terminal: String
        var markdown: String
        var description: String { input.debugDescription }
    }

    static let cases: [Case] = [
        Case(input: "control", terminal: "control", markdown: "control"),
        Case(input: "café ☕ 日本", terminal: "café ☕ 日本", markdown: "café ☕ 日本"),
        Case(input: "\u{1B}[31mred\u{1B}[0m", terminal: "\\u{1B}[31mred\\u{1B}[0m", markdown: "\\u{1B}[31mred\\u{1B}[0m"),
        Case(input: "\u{1B}]0;title\u{07}", terminal: "\\u{1B}]0;title\\u{7}", markdown: "\\u{1B}]0;title\\u{7}"),
        Case(input: "csi\u{9B}2J", terminal: "csi\\u{9B}2J", markdown: "csi\\u{9B}2J"),
        Case(input: "a\u{202E}cba\u{202C}", terminal: "a\\u{202E}cba\\u{202C}", markdown: "a\\u{202E}cba\\u{202C}"),
        Case(input: "iso\u{2066}x\u{2069}", terminal: "iso\\u{2066}x\\u{2069}", markdown: "iso\\u{2066}x\\u{2069}"),
        Case(input: "two\nlines", terminal: "two\\u{A}lines", markdown: "two\\u{A}lines"),
        Case(input: "nul\u{0}del\u{7F}", terminal: "nul\\u{0}del\\u{7F}", markdown: "nul\\u{0}del\\u{7F}"),
        Case(input: "a|b", terminal: "a|b", markdown: "a\\|b"),
        Case(input: "back\\slash", terminal: "back\\slash", markdown: "back\\\\slash"),
        Case(input: "tab\there", terminal: "tab\\u{9}here", markdown: "tab\\u{9}here"),
    ]

    @Test("names are escaped for the terminal and for Markdown cells", arguments: cases)
    func escaped(_ c: Case) {
        #expect(TerminalText.sanitize(c.input) == c.terminal)
        #expect(MarkdownText.cell(c.input) == c.markdown)
    }

    @Test("a whole report keeps line breaks and, with colour, only SGR sequences")
    func report() {
        let text = "\u{1B}[1mheading\u{1B}[0m\nname \u{1B}]8;;http://x\u{7}link\n"
        #expect(TerminalText.sanitizeReport(text, allowingColor: true)
            == "\u{1B}[1mheading\u{1B}[0m\nname \\u{1B}]8;;http://x\\u{7}link\n")
        #expect(TerminalText.sanitizeReport(text, allowingColor: false)
            == "\\u{1B}[1mheading\\u{1B}[0m\nname \\u{1B}]8;;http://x\\u{7}link\n")
    }

    @Test("a table cell with a line break stays on its row")
    func tableRow() {
        var table = TextTable(["variant", "units"])
        table.append(["evil\nfake  row", "1"])
        #expect(table.renderText() == "variant             units\n" + String(repeating: "─", count: 18) + "  ─────\nevil\\u{A}fake  row      1")
        #expect(table.renderMarkdown() == "| variant | units |\n|:---|---:|\n| evil\\u{A}fake  row | 1 |")
    }
}

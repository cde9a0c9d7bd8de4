import Testing
import TouchstoneReport

/// The one CSV writer: RFC 4180 quoting and spreadsheet formula neutralisation (OWASP).
@Suite("CSV writing")
struct CSVWritingTests {
    struct Case: Sendable, CustomStringConvertible {
        var input: String
        var expected: String
        var description: String { "\(input.debugDescription) → \(expected.debugDescription)" }
    }

    static let cases: [Case] = [
        Case(input: "=HYPERLINK(\"http://x\")", expected: "\"'=HYPERLINK(\"\"http://x\"\")\""),
        Case(input: "+cmd", expected: "'+cmd"),
        Case(input: "-2+3", expected: "'-2+3"),
        Case(input: "@SUM(A1:A9)", expected: "'@SUM(A1:A9)"),
        Case(input: "\tTAB", expected: "'\tTAB"),
        Case(input: "\rCR", expected: "\"'\rCR\""),
        Case(input: "=1,2", expected: "\"'=1,2\""),
        Case(input: "-", expected: "'-"),
        Case(input: "-0.5", expected: "-0.5"),
        Case(input: "+3", expected: "+3"),
        Case(input: "-1.2e-5", expected: "-1.2e-5"),
        Case(input: "-inf", expected: "-inf"),
        Case(input: "-.5", expected: "-.5"),
        Case(input: "-1e", expected: "'-1e"),
        Case(input: "email+push", expected: "email+push"),
        Case(input: "a,b", expected: "\"a,b\""),
        Case(input: "say \"hi\"", expected: "\"say \"\"hi\"\"\""),
        Case(input: "line\nbreak", expected: "\"line\nbreak\""),
        Case(input: "", expected: ""),
    ]

    @Test("cells are neutralised and quoted exactly", arguments: cases)
    func field(_ c: Case) {
        #expect(CSVWriting.field(c.input) == c.expected)
    }
}

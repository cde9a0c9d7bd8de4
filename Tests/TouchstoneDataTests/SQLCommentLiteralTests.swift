import Foundation
import Testing
import TouchstoneData

/// Bound values printed in `touchstone sql` comments: one line each, whatever the value holds,
/// and an expression of the dialect that evaluates to exactly the value.
@Suite("SQL comment literals")
struct SQLCommentLiteralTests {
    struct Case: Sendable, CustomStringConvertible {
        var value: String
        var sqlite: String
        var postgres: String
        var spark: String
        var description: String { value.debugDescription }
    }

    static let cases: [Case] = [
        Case(value: "plain", sqlite: "'plain'", postgres: "E'plain'", spark: "'plain'"),
        Case(value: "it's", sqlite: "'it''s'", postgres: "E'it\\'s'", spark: "'it\\'s'"),
        Case(value: "a\nDROP TABLE t;--", sqlite: "'a' || char(10) || 'DROP TABLE t;--'",
             postgres: "E'a\\u000ADROP TABLE t;--'", spark: "'a\\u000ADROP TABLE t;--'"),
        Case(value: "x\r\ny", sqlite: "'x' || char(13) || char(10) || 'y'", postgres: "E'x\\u000D\\u000Ay'", spark: "'x\\u000D\\u000Ay'"),
        Case(value: "end */ here", sqlite: "'end *' || char(47) || ' here'", postgres: "E'end *\\/ here'", spark: "'end */ here'"),
        Case(value: "\u{1B}[31mred", sqlite: "char(27) || '[31mred'", postgres: "E'\\u001B[31mred'", spark: "'\\u001B[31mred'"),
        Case(value: "back\\slash", sqlite: "'back\\slash'", postgres: "E'back\\\\slash'", spark: "'back\\\\slash'"),
        Case(value: "\u{202E}evil", sqlite: "char(8238) || 'evil'", postgres: "E'\\u202Eevil'", spark: "'\\u202Eevil'"),
        Case(value: "", sqlite: "''", postgres: "E''", spark: "''"),
    ]

    @Test("each dialect prints the value as one escaped line", arguments: cases)
    func printed(_ c: Case) {
        #expect(SQLDialect.sqlite.commentLiteral(.text(c.value)) == c.sqlite)
        #expect(SQLDialect.postgres.commentLiteral(.text(c.value)) == c.postgres)
        #expect(SQLDialect.spark.commentLiteral(.text(c.value)) == c.spark)
        for dialect in SQLDialect.allCases {
            let printed = dialect.commentLiteral(.text(c.value))
            #expect(!printed.unicodeScalars.contains(where: DisplayUnsafeScalars.contains), "\(dialect)")
        }
    }

    @Test("SQLite evaluates the printed expression back to the exact value", arguments: cases)
    func sqliteRoundTrip(_ c: Case) throws {
        let sqlite3 = URL(fileURLWithPath: "/usr/bin/sqlite3")
        guard FileManager.default.isExecutableFile(atPath: sqlite3.path) else { return }
        let process = Process()
        process.executableURL = sqlite3
        process.arguments = [":memory:"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // hex() shows the bytes, so line breaks in the value cannot blur the comparison.
        input.fileHandleForWriting.write(Data("SELECT hex(\(SQLDialect.sqlite.commentLiteral(.text(c.value))));\n".utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let expected = c.value.utf8.map { String(format: "%02X", $0) }.joined()
        #expect(String(decoding: data, as: UTF8.self) == expected + "\n")
    }

    @Test("integers print as digits")
    func integers() {
        for dialect in SQLDialect.allCases { #expect(dialect.commentLiteral(.integer(-42)) == "-42") }
    }
}

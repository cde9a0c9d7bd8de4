import Foundation
import Testing
import TouchstoneTestSupport

/// Terminal and Markdown output compared byte for byte with committed snapshots (colour off:
/// the runner sets `NO_COLOR` and output goes to a pipe).
///
/// To re-record after an intended change, run
/// `TOUCHSTONE_RECORD_SNAPSHOTS=1 swift test --filter SnapshotTests`, review the diff of
/// `Tests/TouchstoneCLITests/Snapshots/` and commit it. Recording fails the test run on purpose
/// so a recording is never mistaken for a pass.
@Suite("terminal output snapshots")
struct SnapshotTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var arguments: [String]
        var description: String { name }
    }

    static let hillstrom = [
        "analyze", "--units", "Datasets/hillstrom.csv", "--variant-column", "segment", "--control", "No E-Mail",
        "--metric", "visit", "--metric", "conversion", "--metric", "spend",
    ]

    static let cases: [Case] = [
        Case(name: "analyze-hillstrom", arguments: hillstrom),
        Case(name: "analyze-hillstrom-markdown", arguments: hillstrom + ["--format", "markdown"]),
        Case(name: "analyze-hillstrom-bayesian", arguments: hillstrom + ["--method", "bayesian"]),
        Case(name: "analyze-cookie-cats-sequential", arguments: [
            "analyze", "--units", "Datasets/cookie_cats.csv", "--variant-column", "version", "--control", "gate_30",
            "--metric", "retention_1", "--metric", "retention_7", "--method", "sequential",
        ]),
        Case(name: "design-proportion", arguments: [
            "design", "--metric", "proportion", "--baseline", "0.05", "--mde", "0.1", "--relative", "--arms", "3",
            "--daily-units", "5000", "--sequential",
        ]),
        Case(name: "attribute-journeys-all", arguments: [
            "attribute", "--touchpoints", "Datasets/journeys/touchpoints.csv", "--model", "all",
        ]),
    ]

    static var directory: URL { repositoryRoot().appendingPathComponent("Tests/TouchstoneCLITests/Snapshots") }

    @Test(arguments: cases)
    func matchesSnapshot(_ c: Case) throws {
        let result = try BinaryRunner.run(c.arguments + ["--no-color"])
        #expect(result.exitCode == 0, "stderr: \(result.stderr)")
        let file = Self.directory.appendingPathComponent("\(c.name).txt")
        if ProcessInfo.processInfo.environment["TOUCHSTONE_RECORD_SNAPSHOTS"] != nil {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try result.stdout.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("recorded \(file.lastPathComponent); unset TOUCHSTONE_RECORD_SNAPSHOTS and run again")
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(result.stdout == expected, "output differs from \(file.lastPathComponent); re-record if intended")
        #expect(!result.stdout.contains("\u{1B}["), "colour codes with --no-color")
    }
}

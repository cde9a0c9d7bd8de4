import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TouchstoneTestSupport

/// `touchstone report` and `--format html`: the page is well-formed, self-contained, escapes user
/// text and draws one chart element per arm and metric (or per channel and model).
@Suite("touchstone report")
struct ReportCommandTests {
    static let hillstrom = [
        "analyze", "--units", "Datasets/hillstrom.csv", "--variant-column", "segment", "--control", "No E-Mail",
        "--metric", "visit", "--metric", "conversion", "--metric", "spend",
    ]

    /// Parses `html` as XML (the reports are XHTML-compatible) and fails on any error.
    static func checkWellFormed(_ html: String) throws {
        final class Collector: NSObject, XMLParserDelegate {
            var error: (any Error)?
            func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) { error = parseError }
        }
        // The parser has no HTML DTD: strip the doctype, which is the only non-XML line.
        let body = html.replacingOccurrences(of: "<!DOCTYPE html>", with: "")
        let parser = XMLParser(data: Data(body.utf8))
        let collector = Collector()
        parser.delegate = collector
        let ok = parser.parse()
        #expect(ok, "not well-formed: \(String(describing: collector.error ?? parser.parserError)) at line \(parser.lineNumber)")
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    static func checkSelfContained(_ html: String) {
        #expect(!html.lowercased().contains("http"), "the page references the network")
        #expect(!html.lowercased().contains("<script"), "the page has a script")
        #expect(!html.contains("@import") && !html.contains("url("), "the page loads external CSS or fonts")
    }

    @Test("analyze --format html on Hillstrom: one forest-plot interval per arm and metric")
    func analyzeHTML() throws {
        let result = try BinaryRunner.run(Self.hillstrom + ["--format", "html"])
        #expect(result.exitCode == 0, "stderr: \(result.stderr)")
        let html = result.stdout
        try Self.checkWellFormed(html)
        Self.checkSelfContained(html)
        #expect(Self.count("<svg class=\"forest\"", in: html) == 3)
        for metric in ["visit", "conversion", "spend"] {
            for variant in ["Mens E-Mail", "Womens E-Mail"] {
                #expect(Self.count("data-metric=\"\(metric)\" data-variant=\"\(variant)\"", in: html) == 1, "\(metric) × \(variant)")
            }
        }
        // Every arm is significantly better on every metric: six upward (green) intervals.
        #expect(Self.count("class=\"ci significant better\"", in: html) == 6)
        #expect(html.contains("Sample ratio check passed"))
    }

    @Test("report renders a saved analysis exactly as analyze --format html does")
    func reportMatchesAnalyze() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("result.json").path
        let html = directory.appendingPathComponent("report.html").path
        #expect(try BinaryRunner.run(Self.hillstrom + ["--format", "json", "--output", json]).exitCode == 0)
        let report = try BinaryRunner.run(["report", json, "--format", "html", "--output", html])
        #expect(report.exitCode == 0, "stderr: \(report.stderr)")
        let direct = try BinaryRunner.run(Self.hillstrom + ["--format", "html"])
        #expect(try String(contentsOfFile: html, encoding: .utf8) == direct.stdout)
        let markdown = try BinaryRunner.run(["report", json, "--format", "markdown"])
        #expect(markdown.stdout == (try BinaryRunner.run(Self.hillstrom + ["--format", "markdown"])).stdout)
    }

    @Test("an SRM banner, escaped variant names and factorial effects")
    func srmEscapingAndFactorial() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let arms = directory.appendingPathComponent("arms.csv")
        // Channel-combination arms with a badly skewed split, and a hostile name.
        try """
            variant,units,conversions
            control,10000,500
            email,10000,600
            push,10000,560
            email+push,10000,700
            "<script>alert('x')</script>&",14000,700
            """.write(to: arms, atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run(["analyze", "--summary", arms.path, "--control", "control", "--format", "html"])
        #expect(result.exitCode == 0, "stderr: \(result.stderr)")
        let html = result.stdout
        try Self.checkWellFormed(html)
        Self.checkSelfContained(html)
        #expect(html.contains("Sample ratio mismatch"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"))
        #expect(Self.count("<g class=\"ci", in: html) >= 4)
    }

    @Test("attribution results: one bar per channel and model, with bootstrap intervals")
    func attributionHTML() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("credit.json").path
        let attribute = try BinaryRunner.run([
            "attribute", "--touchpoints", "Datasets/journeys/touchpoints.csv", "--model", "all",
            "--format", "json", "--output", json,
        ])
        #expect(attribute.exitCode == 0, "stderr: \(attribute.stderr)")
        let report = try BinaryRunner.run(["report", json, "--format", "html"])
        #expect(report.exitCode == 0, "stderr: \(report.stderr)")
        let html = report.stdout
        try Self.checkWellFormed(html)
        Self.checkSelfContained(html)
        struct Models: Decodable {
            struct Model: Decodable {
                struct Channel: Decodable { var channel: String }
                var model: String
                var channels: [Channel]
            }
            var models: [Model]
        }
        let saved = try JSONDecoder().decode(Models.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        let bars = saved.models.reduce(0) { $0 + $1.channels.count }
        #expect(Self.count("<g class=\"bar\"", in: html) == bars)

        let single = try BinaryRunner.run([
            "attribute", "--touchpoints", "Datasets/journeys/touchpoints.csv", "--model", "markov",
            "--bootstrap", "20", "--format", "html",
        ])
        #expect(single.exitCode == 0, "stderr: \(single.stderr)")
        try Self.checkWellFormed(single.stdout)
        #expect(single.stdout.contains("bootstrap percentile intervals"))
        #expect(single.stdout.contains("Removal effects"))
    }

    @Test("a file that is not a result is refused with its name")
    func rejectsOtherJSON() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("other.json")
        try #"{"samplePerArm": 10}"#.write(to: file, atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run(["report", file.path, "--format", "html"])
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("other.json"))
        #expect(result.stderr.contains("neither an analysis result"))
    }

    @Test("no progress bar or colour codes when output is not a terminal")
    func quietWhenPiped() throws {
        let result = try BinaryRunner.run(Self.hillstrom, environment: ["NO_COLOR": "1"])
        #expect(result.exitCode == 0)
        #expect(!result.stdout.contains("\u{1B}["))
        #expect(!result.stderr.contains("\u{1B}["))
    }
}

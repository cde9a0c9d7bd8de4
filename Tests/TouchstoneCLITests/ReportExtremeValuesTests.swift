import Foundation
import Testing
import TouchstoneTestSupport

/// `touchstone report` on valid JSON with impossible or extreme numbers: a located refusal
/// (exit 1) or a safe rendering (exit 0) — never a signal.
@Suite("report on extreme values")
struct ReportExtremeValuesTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var edit: @Sendable (inout [String: Any]) -> Void
        /// nil: rendered (exit 0); else exit 1 and this fragment in the message.
        var refusal: String?
        var description: String { name }
    }

    static func metric0(_ json: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
        guard var metrics = json["metrics"] as? [[String: Any]], !metrics.isEmpty else { return }
        change(&metrics[0])
        json["metrics"] = metrics
    }

    static let cases: [Case] = [
        Case(name: "alpha -1e308", edit: { $0["alpha"] = -1e308 }, refusal: "alpha = -1e+308 must be between 0 and 1"),
        Case(name: "alpha NaN string", edit: { $0["alpha"] = "nan" }, refusal: "alpha = — must be between 0 and 1"),
        Case(name: "alpha 1", edit: { $0["alpha"] = 1.0 }, refusal: "alpha = 1 must be between 0 and 1"),
        Case(name: "tuning 1e300", edit: { $0["tuning"] = 1e300 }, refusal: nil),
        Case(name: "tuning -5", edit: { $0["tuning"] = -5.0 }, refusal: "tuning = -5 must be a positive number"),
        Case(name: "srm expected 1e300", edit: { json in
            json["srm"] = ["chiSquare": 1.0, "pValue": 0.5, "mismatch": false, "threshold": 0.001,
                           "observed": ["control": 1000, "treatment": 1000], "expected": ["control": 1e300, "treatment": 1000.0]]
        }, refusal: "srm.expected.control = 1e+300 must be a count between 0 and 1e15"),
        Case(name: "srm observed negative", edit: { json in
            json["srm"] = ["chiSquare": 1.0, "pValue": 0.5, "mismatch": false, "threshold": 0.001,
                           "observed": ["control": -3], "expected": ["control": 10.0]]
        }, refusal: "srm.observed.control = -3 must not be negative"),
        Case(name: "negative units", edit: { json in
            metric0(&json) { metric in
                var arms = metric["arms"] as? [[String: Any]] ?? []
                if !arms.isEmpty { arms[0]["units"] = -1000 }
                metric["arms"] = arms
            }
        }, refusal: "metrics[0].arms[0].units = -1000 must not be negative"),
        Case(name: "p-value 7", edit: { json in
            metric0(&json) { metric in
                var comparisons = metric["comparisons"] as? [[String: Any]] ?? []
                if !comparisons.isEmpty { comparisons[0]["pValue"] = 7.0 }
                metric["comparisons"] = comparisons
            }
        }, refusal: "metrics[0].comparisons[0].pValue = 7 must be a probability"),
        Case(name: "effects 1e308 and inf strings", edit: { json in
            metric0(&json) { metric in
                var comparisons = metric["comparisons"] as? [[String: Any]] ?? []
                if !comparisons.isEmpty {
                    comparisons[0]["absoluteEffect"] = 1e308
                    comparisons[0]["absoluteCI"] = ["-inf", 1e308] as [Any]
                    comparisons[0]["relativeEffect"] = -1e308
                }
                metric["comparisons"] = comparisons
            }
        }, refusal: nil),
        Case(name: "20,000 arms", edit: { json in
            metric0(&json) { metric in
                metric["arms"] = (0..<20_000).map { ["variant": "v\($0)", "units": $0, "mean": 0.1, "stdDev": 0.3] as [String: Any] }
                metric["comparisons"] = []
            }
        }, refusal: nil),
    ]

    static func baseResult(in directory: URL) throws -> [String: Any] {
        let summary = directory.appendingPathComponent("s.csv")
        try "variant,units,conversions\ncontrol,1000,100\ntreatment,1000,130\n".write(to: summary, atomically: false, encoding: .utf8)
        let analysed = try BinaryRunner.run(["analyze", "--summary", summary.path, "--control", "control", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(analysed.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    @Test(arguments: cases)
    func extreme(_ c: Case) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var json = try Self.baseResult(in: directory)
        c.edit(&json)
        let file = directory.appendingPathComponent("r.json")
        try JSONSerialization.data(withJSONObject: json).write(to: file)
        for format in ["table", "markdown", "html", "csv", "json"] {
            let result = try BinaryRunner.run(["report", file.path, "--format", format])
            #expect(!result.terminatedBySignal, "\(format): signal \(result.exitCode)")
            if let refusal = c.refusal {
                #expect(result.exitCode == 1, "\(format)")
                #expect(result.stderr.hasPrefix("Error: " + file.path + ": impossible value: "), "\(result.stderr)")
                #expect(result.stderr.contains(refusal), "\(result.stderr)")
                #expect(result.stdout.isEmpty)
            } else {
                #expect(result.exitCode == 0, "\(format): \(result.stderr)")
            }
        }
    }
}

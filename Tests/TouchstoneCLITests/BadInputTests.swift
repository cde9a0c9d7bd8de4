import Foundation
import Testing
import TouchstoneTestSupport

/// Bad input to every reader and command: a located message on standard error, exit status 1
/// (input rejected) or 2 (command line rejected) — never a crash signal — and no `--output` file.
/// The exit-status scheme is documented in `docs/reliability.md`.
@Suite("Bad input across commands")
struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        /// Input files by name; arguments refer to them as `$name`, and to the output file as `$out`.
        var files: [String: [UInt8]]
        var arguments: [String]
        var status: Int32
        /// Fragments standard error must contain (`$name` is replaced by that file's path).
        var mentions: [String]
        var description: String { name }

        init(_ name: String, _ files: [String: [UInt8]], _ arguments: [String], status: Int32 = 1, mentions: [String]) {
            self.name = name
            self.files = files
            self.arguments = arguments
            self.status = status
            self.mentions = mentions
        }
    }

    static func text(_ string: String) -> [UInt8] { Array(string.utf8) }

    static let summaryHeader = "variant,units,conversions\n"
    static func summary(_ body: String) -> [String: [UInt8]] { ["s.csv": text(summaryHeader + body)] }
    static let analyzeSummary = ["analyze", "--summary", "$s.csv", "--control", "control", "--format", "json", "--output", "$out"]

    static let exposureHeader = "unit_id,experiment,variant,timestamp\n"
    static func exposures(_ body: String) -> [String: [UInt8]] { ["e.csv": text(exposureHeader + body)] }
    static let expose = ["expose", "--store", "$store.db", "$e.csv"]

    static let eventsOK = "unit_id,timestamp,event,value\nu1,2026-03-02T00:00:00Z,purchase,5\n"
    static let exposuresOK = exposureHeader + "u1,e,control,2026-03-01T00:00:00Z\nu2,e,treatment,2026-03-01T00:00:00Z\n"
    static let rawLogs = [
        "analyze", "--exposures", "$e.csv", "--events", "$v.csv", "--experiment", "e", "--metric", "purchase:sum",
        "--control", "control", "--output", "$out",
    ]

    static let pathHeader = "path,total_conversions,total_conversion_value,total_null\n"
    static let attributePaths = ["attribute", "--paths", "$p.csv", "--model", "markov", "--output", "$out"]
    static let touchHeader = "unit_id,timestamp,channel,conversion,value\n"
    static let attributeTouches = ["attribute", "--touchpoints", "$t.csv", "--model", "linear", "--output", "$out"]

    static let assign = ["assign", "--config", "$c.yaml", "--ids", "$ids.txt", "--output", "$out"]
    static func config(_ yaml: String) -> [String: [UInt8]] { ["c.yaml": text(yaml), "ids.txt": text("u1\nu2\n")] }

    static let cases: [Case] = [
        // MARK: Summary tables (analyze --summary)
        Case("summary: empty file", ["s.csv": []], analyzeSummary, mentions: ["$s.csv:1:", "empty"]),
        Case("summary: header only", summary(""), analyzeSummary, mentions: ["$s.csv", "no arms"]),
        Case("summary: wrong column count", summary("control,10,1\ntreatment,10\n"), analyzeSummary,
             mentions: ["$s.csv:3:", "expected 3 fields, found 2"]),
        Case("summary: unterminated quote", summary("control,10,1\n\"treatment,10,1\n"), analyzeSummary,
             mentions: ["$s.csv:3:1:", "unterminated quoted field"]),
        Case("summary: NUL byte", ["s.csv": text(summaryHeader + "control,10,1\ntreatment,1\u{0}0,1\n")], analyzeSummary,
             mentions: ["$s.csv:3:2:", "not a finite number"]),
        Case("summary: invalid UTF-8 variant", ["s.csv": text(summaryHeader + "control,10,1\ntreat") + [0xFF, 0xFE] + text(",10,1\n")],
             analyzeSummary, mentions: ["$s.csv:3:1:", "not valid UTF-8"]),
        Case("summary: invalid UTF-8 column name", ["s.csv": text("variant,units,conv") + [0xC3] + text("\ncontrol,1,1\n")],
             analyzeSummary, mentions: ["$s.csv:1:3:", "not valid UTF-8"]),
        Case("summary: NaN", summary("control,10,1\ntreatment,10,NaN\n"), analyzeSummary, mentions: ["$s.csv:3:3:", "'NaN'"]),
        Case("summary: Inf", summary("control,10,1\ntreatment,Inf,1\n"), analyzeSummary, mentions: ["$s.csv:3:2:", "'Inf'"]),
        Case("summary: 1e400", summary("control,10,1\ntreatment,10,1e400\n"), analyzeSummary, mentions: ["$s.csv:3:3:", "'1e400'"]),
        Case("summary: negative count", summary("control,10,1\ntreatment,-10,1\n"), analyzeSummary,
             mentions: ["$s.csv:3:2:", "negative"]),
        Case("summary: fractional count", summary("control,10,1\ntreatment,10,1.5\n"), analyzeSummary,
             mentions: ["$s.csv:3:3:", "whole number"]),
        Case("summary: conversions above units", summary("control,10,1\ntreatment,10,11\n"), analyzeSummary,
             mentions: ["$s.csv:3:3:", "exceed"]),
        Case("summary: duplicate arm", summary("control,10,1\ncontrol,10,1\n"), analyzeSummary, mentions: ["$s.csv:3:1:", "twice"]),
        Case("summary: unknown control", summary("ctrl,10,1\ntreatment,10,1\n"), analyzeSummary,
             mentions: ["--control 'control'", "'ctrl'"]),
        Case("summary: SRM weights summing to zero", summary("control,10,1\ntreatment,10,1\n"),
             analyzeSummary + ["--weights", "control=0,treatment=0"], mentions: ["--weights", "zero"]),

        // MARK: Unit tables (analyze --units)
        Case("units: NaN metric", ["u.csv": text("unit_id,variant,spend\n1,control,1\n2,treatment,nan\n")],
             ["analyze", "--units", "$u.csv", "--metric", "spend", "--control", "control", "--output", "$out"],
             mentions: ["$u.csv:3:3:", "'nan'"]),
        Case("units: BOM + CRLF + wrong column count", ["u.csv": [0xEF, 0xBB, 0xBF] + text("unit_id,variant,c\r\n1,control,1\r\n2,treatment\r\n")],
             ["analyze", "--units", "$u.csv", "--metric", "c", "--control", "control", "--output", "$out"],
             mentions: ["$u.csv:3:", "expected 3 fields, found 2"]),

        // MARK: Exposure logs (expose)
        Case("exposures: empty file", ["e.csv": []], expose, mentions: ["$e.csv:1:", "empty"]),
        Case("exposures: wrong column count", exposures("u1,e,control\n"), expose, mentions: ["$e.csv:2:", "expected 4 fields"]),
        Case("exposures: unterminated quote", exposures("u1,e,\"control,2026-03-01\n"), expose,
             mentions: ["$e.csv:2:3:", "unterminated"]),
        Case("exposures: unparsable timestamp", exposures("u1,e,control,2026-02-30T00:00:00Z\n"), expose,
             mentions: ["$e.csv:2:4:", "not a timestamp"]),
        Case("exposures: timestamp out of range (epoch milliseconds)", exposures("u1,e,control,1772368496000000\n"), expose,
             mentions: ["$e.csv:2:4:", "not a timestamp"]),
        Case("exposures: timestamp before year 1", exposures("u1,e,control,-99999999999\n"), expose,
             mentions: ["$e.csv:2:4:", "not a timestamp"]),
        Case("exposures: invalid UTF-8 variant", ["e.csv": text(exposureHeader + "u1,e,a") + [0xC3] + text(",1772368496\n")],
             expose, mentions: ["$e.csv:2:3:", "not valid UTF-8"]),
        Case("exposures: NUL in a unit id", exposures("u\u{0}1,e,a,1772368496\n"), expose, mentions: ["$e.csv:2:1:", "NUL"]),
        Case("exposures: invalid UTF-8 in JSON Lines", ["e.jsonl": text("{\"unit_id\":\"u1\",\"experiment\":\"e\",\"variant\":\"") + [0xFF]
                + text("\",\"timestamp\":1}\n")], ["expose", "--store", "$store.db", "$e.jsonl"], mentions: ["$e.jsonl:1:", "UTF-8"]),
        Case("exposures: NUL in JSON Lines", ["e.jsonl": text("{\"unit_id\":\"u1\",\"experiment\":\"e\",\"variant\":\"a\",\"timestamp\":1}\n\u{0}\n")],
             ["expose", "--store", "$store.db", "$e.jsonl"], mentions: ["$e.jsonl:2:1:"]),
        Case("exposures: truncated JSON Lines", ["e.jsonl": text("{\"unit_id\":\"u1\",\"experiment\":\"e\",\"varia")],
             ["expose", "--store", "$store.db", "$e.jsonl"], mentions: ["$e.jsonl:1:"]),
        Case("exposures: JSON timestamp 1e400", ["e.jsonl": text("{\"unit_id\":\"u1\",\"experiment\":\"e\",\"variant\":\"a\",\"timestamp\":1e400}\n")],
             ["expose", "--store", "$store.db", "$e.jsonl"], mentions: ["$e.jsonl:1:", "not a timestamp"]),
        Case("exposures: batch size zero", exposures("u1,e,control,1\n"), expose + ["--batch-size", "0"], status: 2,
             mentions: ["--batch-size"]),

        // MARK: Raw event logs (analyze --exposures --events)
        Case("events: NaN value", ["e.csv": text(exposuresOK), "v.csv": text("unit_id,timestamp,event,value\nu1,2026-03-02T00:00:00Z,purchase,NaN\n")],
             rawLogs, mentions: ["$v.csv:2:4:", "'NaN'"]),
        Case("events: unparsable timestamp", ["e.csv": text(exposuresOK), "v.csv": text("unit_id,timestamp,event,value\nu1,yesterday,purchase,1\n")],
             rawLogs, mentions: ["$v.csv:2:2:", "not a timestamp"]),
        Case("events: header only exposures", ["e.csv": text(exposureHeader), "v.csv": text(eventsOK)], rawLogs, mentions: ["e"]),
        Case("events: bad --metric", ["e.csv": text(exposuresOK), "v.csv": text(eventsOK)], rawLogs + ["--metric", "purchase:median"],
             status: 2, mentions: ["--metric 'purchase:median'"]),

        // MARK: Attribution (attribute --paths / --touchpoints)
        Case("paths: empty channel", ["p.csv": text(pathHeader + "a > > b,1,1,0\n")], attributePaths,
             mentions: ["$p.csv:2:1:", "empty channel name"]),
        Case("paths: negative conversions", ["p.csv": text(pathHeader + "a > b,-1,1,0\n")], attributePaths,
             mentions: ["$p.csv:2:2:", "negative"]),
        Case("paths: Inf value", ["p.csv": text(pathHeader + "a > b,1,inf,0\n")], attributePaths, mentions: ["$p.csv:2:3:", "'inf'"]),
        Case("paths: header only", ["p.csv": text(pathHeader)], attributePaths, mentions: ["no journeys"]),
        Case("paths: missing column", ["p.csv": text("path,conversions\na,1\n")], attributePaths,
             mentions: ["$p.csv:1:", "missing column 'total_conversions'"]),
        Case("touchpoints: unparsable timestamp", ["t.csv": text(touchHeader + "u1,soon,email,1,1\n")], attributeTouches,
             mentions: ["$t.csv:2:2:", "not a timestamp"]),
        Case("touchpoints: negative conversion", ["t.csv": text(touchHeader + "u1,2026-03-01,email,-1,1\n")], attributeTouches,
             mentions: ["$t.csv:2:4:"]),
        Case("touchpoints: timestamp out of range", ["t.csv": text(touchHeader + "u1,1772368496000000,email,1,1\n")], attributeTouches,
             mentions: ["$t.csv:2:2:", "not a timestamp"]),
        Case("attribute: unknown model", ["p.csv": text(pathHeader + "a,1,1,0\n")],
             ["attribute", "--paths", "$p.csv", "--model", "magic", "--output", "$out"], status: 2, mentions: ["--model"]),

        // MARK: Experiment configs (assign)
        Case("config: empty", config(""), assign, mentions: ["$c.yaml"]),
        Case("config: unknown key", config("experiments:\n  - key: a\n    variants: [a, b]\n    covrage: 0.5\n"), assign,
             mentions: ["$c.yaml", "experiments[0].covrage", "did you mean 'coverage'"]),
        Case("config: wrong type", config("experiments:\n  - key: a\n    variants: [a, b]\n    coverage: lots\n"), assign,
             mentions: ["$c.yaml", "experiments[0].coverage", "number"]),
        Case("config: weights summing to zero",
             config("experiments:\n  - key: a\n    variants:\n      - { name: a, weight: 0 }\n      - { name: b, weight: 0 }\n"),
             assign, mentions: ["$c.yaml", "experiments[0]", "weight"]),
        Case("config: duplicate variant", config("experiments:\n  - key: a\n    variants: [a, a]\n"), assign,
             mentions: ["$c.yaml", "experiments[0].variants"]),
        Case("config: invalid YAML", config("experiments: [\n"), assign, mentions: ["$c.yaml"]),
        Case("config: invalid UTF-8", ["c.yaml": text("experiments:\n  - key: ") + [0xFF] + text("\n"), "ids.txt": text("u1\n")],
             assign, mentions: ["$c.yaml", "UTF-8"]),
        Case("config: JSON with wrong type", config("{\"experiments\": {\"key\": \"a\"}}"), assign,
             mentions: ["$c.yaml", "experiments", "list"]),
        Case("config: weight NaN", config("experiments:\n  - key: a\n    variants:\n      - { name: a, weight: .nan }\n      - { name: b, weight: 1 }\n"),
             assign, mentions: ["$c.yaml", "experiments[0].variants[0].weight"]),
        Case("ids: invalid UTF-8", ["c.yaml": text("experiments:\n  - key: a\n    variants: [a, b]\n"), "ids.txt": text("u1\nu") + [0xFF] + text("\n")],
             assign, mentions: ["$ids.txt:2:", "UTF-8"]),
        Case("ids: NUL byte", ["c.yaml": text("experiments:\n  - key: a\n    variants: [a, b]\n"), "ids.txt": text("u1\r\nu2\r\n\u{0}\r\n")],
             assign, mentions: ["$ids.txt:3:", "NUL"]),

        // MARK: Stores
        Case("store: not a database", ["notdb.db": text("variant,units\n")],
             ["exposures", "--store", "$notdb.db", "--experiment", "e", "--output", "$out"], mentions: ["$notdb.db", "not a database"]),
        Case("store: empty file", ["empty.db": []],
             ["exposures", "--store", "$empty.db", "--experiment", "e", "--output", "$out"],
             mentions: ["$empty.db", "not a Touchstone exposure store", "holds no tables", "run it again"]),
        Case("config: unknown experiment flag", config("experiments:\n  - key: a\n    variants: [a, b]\n"), assign + ["--experiment", "zz"],
             status: 2, mentions: ["--experiment 'zz'"]),

        // MARK: Command line
        // Crashed before (Double → Int conversion trapped in the report / the design / the simulator).
        Case("usage: --tuning 1e308", summary("control,10,1\ntreatment,10,2\n"),
             ["analyze", "--summary", "$s.csv", "--control", "control", "--method", "sequential", "--tuning", "1e308", "--output", "$out"],
             status: 2, mentions: ["--tuning"]),
        Case("usage: design --daily-units 1e-300", [:],
             ["design", "--metric", "proportion", "--baseline", "0.05", "--mde", "0.01", "--daily-units", "1e-300", "--output", "$out"],
             status: 2, mentions: ["units a day"]),
        Case("usage: design with 1e11 arms", [:],
             ["design", "--metric", "proportion", "--baseline", "0.05", "--mde", "0.01", "--arms", "100000000000", "--sequential"],
             status: 2, mentions: ["--arms must be between 2 and 10000"]),
        Case("usage: simulate Int.max units", [:],
             ["simulate", "experiment", "--units", "9223372036854775807", "--out", "$out"], status: 2, mentions: ["--units"]),
        Case("usage: unknown flag", [:], ["design", "--metric", "proportion", "--baseline", "0.1", "--mde", "0.01", "--bogus"], status: 2, mentions: ["--bogus"]),
        Case("usage: bad value", [:], ["design", "--metric", "proportion", "--baseline", "x", "--mde", "0.1"], status: 2,
             mentions: ["--baseline"]),
    ]

    @Test(arguments: cases)
    func rejectsWithLocatedMessageAndNoOutput(_ c: Case) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func resolve(_ text: String) -> String {
            var text = text.replacingOccurrences(of: "$out", with: directory.appendingPathComponent("out.txt").path)
            text = text.replacingOccurrences(of: "$store.db", with: directory.appendingPathComponent("store.db").path)
            for name in c.files.keys { text = text.replacingOccurrences(of: "$\(name)", with: directory.appendingPathComponent(name).path) }
            return text
        }
        for (name, bytes) in c.files { try Data(bytes).write(to: directory.appendingPathComponent(name)) }
        let result = try BinaryRunner.run(c.arguments.map(resolve))
        #expect(!result.terminatedBySignal, "\(c.name): crashed: \(result.stderr)")
        #expect(result.exitCode == c.status, "\(c.name): exit \(result.exitCode): \(result.stderr)")
        for mention in c.mentions.map(resolve) {
            #expect(result.stderr.contains(mention), "\(c.name): '\(mention)' not in: \(result.stderr)")
        }
        #expect(result.stdout.isEmpty, "\(c.name): nothing on standard output on failure")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out.txt").path), "\(c.name): no output file")
    }

    /// The extremes that are valid input: analysed without error, no trap.
    @Test(arguments: [
        ("all zero", "control,100,0\ntreatment,100,0\n"),
        ("all one", "control,100,100\ntreatment,100,100\n"),
        ("1e12 units", "control,1000000000000,1\ntreatment,1000000000000,500000\n"),
        ("BOM and CRLF", "control,100,10\r\ntreatment,100,12\r\n"),
    ])
    func extremeButValidSummariesAnalyse(_ name: String, _ body: String) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("s.csv")
        let prefix: [UInt8] = name.hasPrefix("BOM") ? [0xEF, 0xBB, 0xBF] : []
        try Data(prefix + Array((Self.summaryHeader + body).utf8)).write(to: input)
        let result = try BinaryRunner.run(["analyze", "--summary", input.path, "--control", "control", "--format", "json"])
        #expect(result.exitCode == 0, "\(name): \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["experiment"] != nil || json["metrics"] != nil, "\(name)")
        if name == "1e12 units" {
            // p ≈ 0 but must come out as a number, not NaN (JSON would then hold null).
            #expect(result.stdout.contains("\"pValue\""), "\(result.stdout)")
        }
    }
}

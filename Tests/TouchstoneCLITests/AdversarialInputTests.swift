import Foundation
import Testing
import TouchstoneTestSupport

/// Inputs an adversarial new user tried on the round-two build, each of which was answered
/// silently (a merged arm, a unit counted twice, a flag ignored, the last of two values taken)
/// or trapped. Each is now refused with the place at fault; run by ``InputTrustTests``' runner.
@Suite("Adversarial inputs are refused, not answered")
struct AdversarialInputTests {
    typealias Case = InputTrustTests.Case

    /// `café` precomposed (U+00E9) and decomposed (e + U+0301): different bytes, equal `String`s.
    static let nfc = "caf\u{E9}", nfd = "cafe\u{301}"
    static let lookAlikeSummary = "variant,units,conversions\ncontrol,10000,500\n\(nfc),10000,500\n\(nfd),10000,300\n"
    static let summary = "variant,units,conversions\ncontrol,10000,500\ntreatment,10000,560\n"
    static let units = "unit_id,variant,y\nu1,control,1\nu2,treatment,1\nu3,treatment,0\nu4,control,0\n"
    static let rawLogs = InputTrustTests.rawLogs
    static let analyzeRaw = InputTrustTests.analyzeRaw
    static let paths = "path;total_conversions;total_conversion_value;total_null\n"
    static let touchpoints = "unit_id,timestamp,channel,conversion,value\n"
    static let targeting = "experiments:\n  - key: x\n    variants: [a, b]\n    targeting: { country: { in: [US] } }\n"

    static let cases: [Case] = [
        // Names that print alike would be merged wherever an arm is keyed as text.
        Case(name: "analyze: two variants equal up to Unicode normalisation", files: ["s.csv": lookAlikeSummary],
             arguments: ["analyze", "--summary", "@s.csv", "--control", "control"], exitCode: 1,
             stderr: ["are the same text in different Unicode forms", "63 61 66 c3 a9", "63 61 66 65 cc 81"]),
        Case(name: "bandit: two variants equal up to Unicode normalisation", files: ["s.csv": lookAlikeSummary],
             arguments: ["bandit", "--summary", "@s.csv"], exitCode: 1,
             stderr: ["are the same text in different Unicode forms"]),

        // A unit table names its units: a repeated one would be counted twice, in both arms.
        Case(name: "analyze --units: a unit_id on two rows", files: ["u.csv": units + "u1,treatment,1\n"],
             arguments: ["analyze", "--units", "@u.csv", "--control", "control", "--metric", "y"], exitCode: 1,
             stderr: ["@u.csv:6:1:", "unit 'u1' has a second row (the first is on line 2)"]),
        Case(name: "analyze --cluster-column: a unit_id twice in one cluster",
             files: ["u.csv": "unit_id,variant,household,y\nu1,control,h1,1\nu2,treatment,h2,0\nu1,control,h1,1\nu3,treatment,h2,1\nu4,control,h3,0\n"],
             arguments: ["analyze", "--units", "@u.csv", "--control", "control", "--metric", "y", "--cluster-column", "household"],
             exitCode: 1, stderr: ["@u.csv:4:1:", "unit 'u1' has a second row (the first is on line 2)"]),

        // Options the input cannot use are refused, not ignored.
        Case(name: "--pre-exposure-covariates with a unit table", files: ["u.csv": units],
             arguments: ["analyze", "--units", "@u.csv", "--control", "control", "--metric", "y", "--pre-exposure-covariates"],
             exitCode: 2, stderr: ["--pre-exposure-covariates computes each metric's pre-period from raw logs", "--covariate METRIC=COLUMN"]),
        Case(name: "--pre-exposure-covariates all with a unit table names the unit-table way", files: ["u.csv": units],
             arguments: ["analyze", "--units", "@u.csv", "--control", "control", "--metric", "y", "--pre-exposure-covariates", "all"],
             exitCode: 2, stderr: ["--covariate METRIC=COLUMN"]),
        Case(name: "--pre-exposure-covariates with a summary", files: ["s.csv": summary],
             arguments: ["analyze", "--summary", "@s.csv", "--control", "control", "--pre-exposure-covariates"],
             exitCode: 2, stderr: ["--pre-exposure-covariates computes"]),
        Case(name: "--window with a summary", files: ["s.csv": summary],
             arguments: ["analyze", "--summary", "@s.csv", "--control", "control", "--window", "7d"],
             exitCode: 2, stderr: ["--window is the metric window of raw logs"]),
        Case(name: "--variant-column with raw logs", files: rawLogs,
             arguments: analyzeRaw + ["--metric", "purchase", "--variant-column", "arm"],
             exitCode: 2, stderr: ["--variant-column names the variant column of a unit table"]),
        Case(name: "--method bayesian with --alternative", files: ["s.csv": summary],
             arguments: ["analyze", "--summary", "@s.csv", "--control", "control", "--method", "bayesian", "--alternative", "greater"],
             exitCode: 2, stderr: ["--method bayesian reports the probability", "drop --alternative"]),
        Case(name: "--factorial-metric that is not analysed", files: rawLogs,
             arguments: analyzeRaw + ["--metric", "purchase", "--factorial-metric", "purchase:sum"],
             exitCode: 2, stderr: ["--factorial-metric 'purchase:sum': is not one of the analysed metrics ('purchase')"]),

        // One value per key and per unit: which of two was meant cannot be known.
        Case(name: "expose: an exposure object with 'variant' twice",
             files: ["x.jsonl": #"{"unit_id":"u1","experiment":"e","variant":"control","variant":"treatment","timestamp":"2026-03-01T00:00:00Z"}"# + "\n"],
             arguments: ["expose", "--store", "@store.db", "@x.jsonl"], exitCode: 1,
             stderr: ["@x.jsonl:1:54:", "duplicate key 'variant'"]),
        Case(name: "assign --attributes: a unit on two rows", files: ["t.yaml": targeting, "a.csv": "unit_id,country\nu1,US\nu1,FR\n"],
             arguments: ["assign", "--config", "@t.yaml", "--attributes", "@a.csv"], exitCode: 1,
             stderr: ["@a.csv:3:", "unit 'u1' has a second row (the first is on line 2)"]),
        Case(name: "assign --attributes: a JSON key twice", files: ["t.yaml": targeting, "a.jsonl": #"{"unit_id":"u1","country":"FR","country":"US"}"# + "\n"],
             arguments: ["assign", "--config", "@t.yaml", "--attributes", "@a.jsonl"], exitCode: 1,
             stderr: ["@a.jsonl:1:32:", "duplicate key 'country'"]),

        // Attribution: traps, rounding and overflow.
        Case(name: "attribute --bootstrap on a path with 1e300 conversions does not trap",
             files: ["p.csv": paths + "a > b;1e300;10;0\nb;3;1;5\n"],
             arguments: ["attribute", "--paths", "@p.csv", "--model", "linear", "--bootstrap", "20"], exitCode: 1,
             stderr: ["the paths hold 1e+300 journeys (at most 100000000)"]),
        Case(name: "attribute --bootstrap on more journeys than it can draw",
             files: ["p.csv": paths + "a > b;5000000000;10;0\nb;3;1;5\n"],
             arguments: ["attribute", "--paths", "@p.csv", "--model", "linear", "--bootstrap", "2"], exitCode: 1,
             stderr: ["the bootstrap draws every journey of every replicate"]),
        Case(name: "attribute --bootstrap with a fractional count",
             files: ["p.csv": paths + "a;0.4;1;0\nb;1;1;0\n"],
             arguments: ["attribute", "--paths", "@p.csv", "--model", "first", "--bootstrap", "100"], exitCode: 1,
             stderr: ["path 'a' has 0.4 conversions: counts must be whole numbers to bootstrap"]),
        Case(name: "attribute: paths whose counts sum past the largest double",
             files: ["p.csv": paths + "a;1e308;1;0\nb;1e308;1;0\n"],
             arguments: ["attribute", "--paths", "@p.csv", "--model", "linear"], exitCode: 1,
             stderr: ["@p.csv", "the paths' total conversions overflows a double"]),
        Case(name: "attribute: custom weights past any sum",
             files: ["p.csv": paths + "a > b;1;10;0\nb;0;0;1\n"],
             arguments: ["attribute", "--paths", "@p.csv", "--model", "custom", "--weights", "1e308,1e308"], exitCode: 2,
             stderr: ["custom weights are relative"]),
        Case(name: "attribute --touchpoints: a channel containing the path separator",
             files: ["t.csv": touchpoints + "u1,1,a > b,0,0\nu1,2,c,1,1\n"],
             arguments: ["attribute", "--touchpoints", "@t.csv", "--model", "first"], exitCode: 1,
             stderr: ["@t.csv:2:", "channel 'a > b' contains '>'"]),
        Case(name: "attribute --touchpoints: a negative conversion value",
             files: ["t.csv": touchpoints + "u1,1,a,0,0\nu1,2,b,1,-10\nu2,1,a,1,4\n"],
             arguments: ["attribute", "--touchpoints", "@t.csv", "--model", "markov"], exitCode: 1,
             stderr: ["@t.csv:3:", "'-10' in column 'value' is negative"]),

        // Whole JSON documents: a key given twice was resolved silently (last or first value).
        Case(name: "analyze --power-sums: a JSON key twice",
             files: ["ps.json": "{\"arms\":[{\"variant\":\"control\",\"metric\":\"purchase\",\"units\":1000,\"sum\":100,\"sumOfSquares\":100},\n{\"variant\":\"treatment\",\"metric\":\"purchase\",\"units\":1000,\"sum\":120,\"sumOfSquares\":120,\"sum\":150,\"sumOfSquares\":150}]}\n"],
             arguments: ["analyze", "--power-sums", "@ps.json", "--control", "control"], exitCode: 1,
             stderr: ["@ps.json:2:86: duplicate key 'sum'"]),
        Case(name: "attribute --calibration: a JSON key twice",
             files: ["t.csv": touchpoints + "u1,1,email,0,0\nu1,2,,1,5\n",
                     "c.json": "{\"channels\":[{\"channel\":\"email\",\"incrementalConversions\":10,\"incrementalConversions\":40}]}\n"],
             arguments: ["attribute", "--touchpoints", "@t.csv", "--model", "linear", "--calibration", "@c.json"], exitCode: 1,
             stderr: ["@c.json:1:61: duplicate key 'incrementalConversions'"]),
        Case(name: "attribute --calibration: one channel measured twice",
             files: ["t.csv": touchpoints + "u1,1,email,0,0\nu1,2,,1,5\n",
                     "c.json": "{\"channels\":[{\"channel\":\"email\",\"incrementalConversions\":10},{\"channel\":\"email\",\"incrementalConversions\":40}]}\n"],
             arguments: ["attribute", "--touchpoints", "@t.csv", "--model", "linear", "--calibration", "@c.json"], exitCode: 1,
             stderr: ["channels[1]: channel 'email' is measured a second time"]),
        Case(name: "report and bandit: a saved result with a key twice",
             files: ["r.json": "{\"control\": \"control\", \"control\": \"treatment\", \"metrics\": []}\n"],
             arguments: ["report", "@r.json"], exitCode: 1, stderr: ["@r.json:1:24: duplicate key 'control'"]),

        // Power sums: a column or key the format lacks dropped CUPED silently.
        Case(name: "analyze --power-sums: a misspelt covariate column",
             files: ["ps.csv": "variant,metric,units,sum,sum_of_squares,covariate_sums,covariate_sum_of_squares,cross_products\ncontrol,purchase,100,10,10,5,5,2\ntreatment,purchase,100,12,12,6,6,2\n"],
             arguments: ["analyze", "--power-sums", "@ps.csv", "--control", "control"], exitCode: 1,
             stderr: ["@ps.csv:1:6: unknown column 'covariate_sums'"]),
        Case(name: "analyze --power-sums: JSON with the CSV's key names",
             files: ["ps.json": "{\"arms\":[{\"variant\":\"control\",\"metric\":\"m\",\"units\":100,\"sum\":10,\"sumOfSquares\":50,\"covariate_sum\":5}]}\n"],
             arguments: ["analyze", "--power-sums", "@ps.json", "--control", "control"], exitCode: 1,
             stderr: ["arms[0]: unknown key 'covariate_sum'"]),

        // More options the input cannot use.
        Case(name: "--exposure-columns with log files", files: rawLogs,
             arguments: analyzeRaw + ["--metric", "purchase", "--exposure-columns", "a,b,c,d"], exitCode: 2,
             stderr: ["--exposure-columns", "go with --postgres URL"]),
        Case(name: "--threads with a summary", files: ["s.csv": summary],
             arguments: ["analyze", "--summary", "@s.csv", "--control", "control", "--threads", "2"], exitCode: 2,
             stderr: ["--threads sets the raw-log reader's threads"]),
        Case(name: "--skip-missing with a summary", files: ["s.csv": summary],
             arguments: ["analyze", "--summary", "@s.csv", "--control", "control", "--skip-missing"], exitCode: 2,
             stderr: ["--skip-missing leaves empty cells of a unit table"]),
        Case(name: "--seed without --bootstrap", files: ["s.csv": summary],
             arguments: ["analyze", "--summary", "@s.csv", "--control", "control", "--seed", "9"], exitCode: 2,
             stderr: ["--seed seeds --bootstrap N"]),
        Case(name: "assign: config variants equal up to Unicode normalisation",
             files: ["c.yaml": "experiments:\n  - key: e\n    variants: [control, \"\(nfc)\", \"\(nfd)\"]\n", "i.txt": "u1\n"],
             arguments: ["assign", "--config", "@c.yaml", "--ids", "@i.txt"], exitCode: 1,
             stderr: ["experiments[0].variants[2]", "is '\(nfc)' in another Unicode form"]),

        // Options for another model, or naming nothing in the data.
        Case(name: "attribute --order with a heuristic model", files: ["p.csv": paths + "a > b;1;1;0\n"],
             arguments: ["attribute", "--paths", "@p.csv", "--model", "first", "--order", "2"], exitCode: 2,
             stderr: ["--order applies to --model markov (or all), not first"]),
        Case(name: "attribute --permutations without --shapley sampled", files: ["p.csv": paths + "a > b;1;1;0\n"],
             arguments: ["attribute", "--paths", "@p.csv", "--model", "shapley", "--shapley", "exact", "--permutations", "5"],
             exitCode: 2, stderr: ["--permutations sets --shapley sampled"]),
        Case(name: "attribute --direct-channel that is not in the data", files: ["p.csv": paths + "direct > direct;2;4;0\na > direct;1;1;0\n"],
             arguments: ["attribute", "--paths", "@p.csv", "--model", "last-non-direct", "--direct-channel", "Direct"], exitCode: 1,
             stderr: ["--direct-channel 'Direct' is not a channel in the data (channels: direct, a)"]),
        Case(name: "sql --paths: one column named for two roles", files: [:],
             arguments: ["sql", "--paths", "--dialect", "sqlite", "--touchpoints-table", "t", "--touchpoint-columns", "a,a,c,d"], exitCode: 2,
             stderr: ["column 'a' is named twice"]),
        Case(name: "attribute --model time-decay on aggregated paths", files: ["p.csv": paths + "a > b;1;1;0\n"],
             arguments: ["attribute", "--paths", "@p.csv", "--model", "time-decay"], exitCode: 2,
             stderr: ["--model time-decay needs --touchpoints"]),
        Case(name: "attribute: position weights that cannot be shares are a usage error", files: ["p.csv": paths + "a > b;1;1;0\n"],
             arguments: ["attribute", "--paths", "@p.csv", "--model", "position", "--position-weights", "0.6,0.6"], exitCode: 2,
             stderr: ["position weights need first, last"]),
        Case(name: "journeys: a channel in both product lists", files: ["p.csv": paths + "a > b;1;1;0\n"],
             arguments: ["journeys", "--paths", "@p.csv", "--in-product", "email", "--out-of-product", "email"], exitCode: 2,
             stderr: ["channel 'email' is in both --in-product and --out-of-product"]),
        Case(name: "design: a mean's spread given for a proportion", files: [:],
             arguments: ["design", "--metric", "proportion", "--baseline", "0.05", "--mde", "0.01", "--stddev", "4"], exitCode: 2,
             stderr: ["--mean and --stddev describe --metric mean"]),
        Case(name: "design: --looks without --sequential", files: [:],
             arguments: ["design", "--metric", "proportion", "--baseline", "0.05", "--mde", "0.01", "--looks", "9"], exitCode: 2,
             stderr: ["--looks sets the group-sequential design of --sequential"]),
        Case(name: "bandit --draws 0 is a usage error naming the flag", files: ["s.csv": summary],
             arguments: ["bandit", "--summary", "@s.csv", "--draws", "0"], exitCode: 2, stderr: ["--draws must lie in [1, 100000000]"]),
        Case(name: "assign: a config with no experiments", files: ["c.yaml": "experiments: []\n", "i.txt": "u1\n"],
             arguments: ["assign", "--config", "@c.yaml", "--ids", "@i.txt"], exitCode: 1,
             stderr: ["the config lists no experiments"]),
        Case(name: "a config repeating a key is located", files: ["c.yaml": "experiments:\n  - key: x\n    variants: [a, b]\n    coverage: 0.5\n    coverage: 1.0\n", "i.txt": "u1\n"],
             arguments: ["assign", "--config", "@c.yaml", "--ids", "@i.txt"], exitCode: 1,
             stderr: ["@c.yaml:4:5: duplicate key(s) 'coverage'"]),
    ]

    @Test(arguments: cases)
    func outcome(_ c: Case) throws {
        try InputTrustTests().outcome(c)
    }

    @Test("report refuses a saved result whose comparison names no treatment arm")
    func reportOfAnEditedResult() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = directory.appendingPathComponent("s.csv").path
        try Data(Self.summary.utf8).write(to: URL(fileURLWithPath: summary))
        let saved = try BinaryRunner.run(["analyze", "--summary", summary, "--control", "control", "--format", "json"])
        #expect(saved.exitCode == 0, "\(saved.stderr)")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(saved.stdout.utf8)) as? [String: Any])
        var metrics = try #require(json["metrics"] as? [[String: Any]])
        var comparisons = try #require(metrics[0]["comparisons"] as? [[String: Any]])
        for (variant, expected) in [("treatment", 0), ("nope", 1), ("control", 1)] as [(String, Int32)] {
            comparisons[0]["variant"] = variant
            metrics[0]["comparisons"] = comparisons
            json["metrics"] = metrics
            let edited = directory.appendingPathComponent("r.json").path
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: edited))
            let report = try BinaryRunner.run(["report", edited])
            #expect(report.exitCode == expected, "\(variant): \(report.stderr)")
            if expected != 0 {
                #expect(report.stderr.contains("metrics[0].comparisons[0].variant = '\(variant)' is not a treatment arm of the metric"), "\(report.stderr)")
            }
        }
    }

    @Test("the same inputs without the fault are answered")
    func controls() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ text: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        let units = try write("u.csv", Self.units)
        let summary = try write("s.csv", Self.summary)
        let paths = try write("p.csv", Self.paths + "a;1;1;0\nb;1;1;0\n")
        for arguments in [
            ["analyze", "--units", units, "--control", "control", "--metric", "y"],
            ["analyze", "--units", units, "--control", "control", "--metric", "y", "--variant-column", "variant", "--window", "14d"],
            ["analyze", "--summary", summary, "--control", "control", "--method", "bayesian"],
            ["bandit", "--summary", summary],
            ["attribute", "--paths", paths, "--model", "first", "--bootstrap", "10"],
        ] {
            let result = try BinaryRunner.run(arguments)
            #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
            #expect(!result.stdout.isEmpty)
        }
    }
}

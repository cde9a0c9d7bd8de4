import Foundation
import Testing
import TouchstoneTestSupport

/// Every input path fails loudly (issue 13, input side): each case runs `touchstone` on small
/// files and asserts the exact outcome — exit status, the located message, no signal, and no
/// output file unless the run succeeds.
@Suite("Input trust: every input path fails loudly")
struct InputTrustTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        /// File name → content, written into a fresh directory.
        var files: [String: String]
        /// Arguments; `@name` is replaced by the path of file `name`.
        var arguments: [String]
        var exitCode: Int32
        /// Fragments stderr must contain (`@name` is replaced by the file's path).
        var stderr: [String] = []
        /// Fragments stdout must contain (successful runs).
        var stdout: [String] = []
        var description: String { name }
    }

    // MARK: - Fixtures

    static let exposures = """
        unit_id,experiment,variant,timestamp
        u1,exp,control,2026-03-01T00:00:00Z
        u2,exp,control,2026-03-01T00:00:00Z
        u3,exp,treatment,2026-03-01T00:00:00Z
        u4,exp,treatment,2026-03-01T00:00:00Z
        u5,exp,control,2026-03-01T00:00:00Z
        u6,exp,treatment,2026-03-01T00:00:00Z

        """
    static let events = """
        unit_id,timestamp,event,value
        u1,2026-03-02T00:00:00Z,purchase,10
        u3,2026-03-02T00:00:00Z,purchase,12
        u4,2026-03-02T00:00:00Z,session,
        u2,2026-03-02T00:00:00Z,session,
        u6,2026-03-03T00:00:00Z,purchase,7

        """
    static let rawLogs = ["exposures.csv": exposures, "events.csv": events]
    /// 300 units in two arms: a third arm with weight and no units is an unmistakable SRM.
    static let manyExposures = "unit_id,experiment,variant,timestamp\n"
        + (0..<300).map { "u\($0),exp,\($0 % 2 == 0 ? "control" : "treatment"),2026-03-01T00:00:00Z\n" }.joined()
    static let manyLogs = ["exposures.csv": manyExposures, "events.csv": events]
    static let analyzeRaw = ["analyze", "--exposures", "@exposures.csv", "--events", "@events.csv", "--control", "control"]

    static let units = "unit_id,variant,c\n1,control,1\n2,control,0\n3,treatment,1\n4,treatment,0\n"
    static let powerSumsHeader = "variant,metric,units,sum,sum_of_squares\n"

    static func config(_ variants: String, extra: String = "") -> String {
        "experiments:\n  - key: exp\n    variants: \(variants)\n\(extra)"
    }

    static let cases: [Case] = [
        // 1. Several files are one log; errors name the right file.
        Case(name: "error in the second event file names it",
             files: rawLogs.merging(["more.csv": "unit_id,timestamp,event,value\nu1,2026-03-02T00:00:00Z,purchase,ten\n"]) { a, _ in a },
             arguments: analyzeRaw + ["--events", "@more.csv", "--metric", "purchase:sum"], exitCode: 1,
             stderr: ["@more.csv:2:4:", "'ten'"]),
        Case(name: "a malformed second exposure file is located",
             files: rawLogs.merging(["x2.csv": "unit_id,experiment,variant,timestamp\nu9,exp,control,yesterday\n"]) { a, _ in a },
             arguments: ["analyze", "--exposures", "@exposures.csv", "@x2.csv", "--events", "@events.csv", "--control", "control",
                         "--metric", "purchase"], exitCode: 1, stderr: ["@x2.csv:2:4:", "'yesterday'"]),

        // 2. A repeated single-valued option is a usage error naming it, on every command.
        Case(name: "analyze --control twice", files: rawLogs,
             arguments: analyzeRaw + ["--control", "treatment", "--metric", "purchase"], exitCode: 2,
             stderr: ["--control is given more than once"]),
        Case(name: "analyze --alpha twice (one with =)", files: rawLogs,
             arguments: analyzeRaw + ["--alpha=0.1", "--alpha", "0.2", "--metric", "purchase"], exitCode: 2,
             stderr: ["--alpha is given more than once"]),
        Case(name: "analyze --window twice", files: rawLogs,
             arguments: analyzeRaw + ["--window", "7d", "--window", "14d", "--metric", "purchase"], exitCode: 2,
             stderr: ["--window is given more than once"]),
        Case(name: "design --alpha twice", files: [:],
             arguments: ["design", "--metric", "proportion", "--baseline", "0.1", "--mde", "0.1", "--alpha", "0.05", "--alpha", "0.1"],
             exitCode: 2, stderr: ["--alpha is given more than once"]),
        Case(name: "assign --config twice", files: ["c.yaml": config("[control, treatment]"), "ids.txt": "u1\n"],
             arguments: ["assign", "--config", "@c.yaml", "--config", "@c.yaml", "--ids", "@ids.txt"], exitCode: 2,
             stderr: ["--config is given more than once"]),
        Case(name: "attribute --model twice", files: ["p.csv": "path,total_conversions\na > b,3\n"],
             arguments: ["attribute", "--paths", "@p.csv", "--model", "linear", "--model", "markov"], exitCode: 2,
             stderr: ["--model is given more than once"]),
        Case(name: "simulate experiment --units twice (a nested subcommand)", files: [:],
             arguments: ["simulate", "experiment", "--units", "10", "--units", "20", "--out", "unused"], exitCode: 2,
             stderr: ["--units is given more than once"]),
        Case(name: "assign --format twice (an option of an option group)", files: ["c.yaml": config("[control, treatment]"), "ids.txt": "u1\n"],
             arguments: ["assign", "--config", "@c.yaml", "--ids", "@ids.txt", "--format", "csv", "--format=json"], exitCode: 2,
             stderr: ["--format is given more than once"]),
        Case(name: "a repeatable option (--metric) may repeat", files: rawLogs,
             arguments: analyzeRaw + ["--metric", "purchase", "--metric", "session:count", "--format", "csv"], exitCode: 0,
             stdout: ["purchase", "session:count"]),

        // 3. A metric whose event never occurs is an error listing the events seen.
        Case(name: "misspelt event", files: rawLogs, arguments: analyzeRaw + ["--metric", "purchse"], exitCode: 1,
             stderr: ["event 'purchse' never occurs in @events.csv", "'purchase' (3)", "'session' (2)", "--allow-missing-events"]),
        Case(name: "misspelt ratio part", files: rawLogs,
             arguments: analyzeRaw + ["--ratio", "rps=purchase:sum/sesion:count"], exitCode: 1,
             stderr: ["event 'sesion' never occurs"]),
        Case(name: "--allow-missing-events warns and analyses", files: rawLogs,
             arguments: analyzeRaw + ["--metric", "purchse", "--metric", "purchase", "--allow-missing-events", "--format", "csv"],
             exitCode: 0, stderr: ["warning: event 'purchse' never occurs"], stdout: ["purchse"]),
        Case(name: "--experiment that matches no exposure lists the keys seen", files: rawLogs,
             arguments: analyzeRaw + ["--metric", "purchase", "--experiment", "exp2"], exitCode: 1,
             stderr: ["no exposures for experiment 'exp2'", "experiments seen: 'exp' (6)"]),
        Case(name: "--control that is not a variant lists the variants", files: rawLogs,
             arguments: ["analyze", "--exposures", "@exposures.csv", "--events", "@events.csv", "--control", "contrl",
                         "--metric", "purchase"], exitCode: 1,
             stderr: ["--control 'contrl' is not a variant", "'control'", "'treatment'"]),
        Case(name: "a unit-table metric column that does not exist", files: ["u.csv": units],
             arguments: ["analyze", "--units", "@u.csv", "--control", "control", "--metric", "conversion"], exitCode: 1,
             stderr: ["@u.csv:1:", "missing column 'conversion'"]),

        // 4. JSON Lines: required keys are required; invalid escapes are errors.
        Case(name: "JSON Lines events that say type instead of event",
             files: ["exposures.csv": exposures,
                     "events.jsonl": "{\"unit_id\":\"u1\",\"timestamp\":\"2026-03-02T00:00:00Z\",\"type\":\"purchase\"}\n"],
             arguments: ["analyze", "--exposures", "@exposures.csv", "--events", "@events.jsonl", "--control", "control",
                         "--metric", "purchase"], exitCode: 1,
             stderr: ["@events.jsonl:1:", "missing key 'event'", "'type'"]),
        Case(name: "a JSON Lines event without unit_id",
             files: ["exposures.csv": exposures,
                     "events.jsonl": """
                        {"unit_id":"u1","timestamp":"2026-03-02T00:00:00Z","event":"purchase"}
                        {"unit_id":"u3","timestamp":"2026-03-02T00:00:00Z","event":"purchase"}
                        {"timestamp":"2026-03-02T00:00:00Z","event":"purchase"}

                        """],
             arguments: ["analyze", "--exposures", "@exposures.csv", "--events", "@events.jsonl", "--control", "control",
                         "--metric", "purchase"], exitCode: 1,
             stderr: ["@events.jsonl:3:1:", "missing key 'unit_id'"]),
        Case(name: "a JSON Lines exposure without variant",
             files: ["exposures.jsonl": """
                        {"unit_id":"u1","experiment":"exp","variant":"control","timestamp":"2026-03-01T00:00:00Z"}
                        {"unit_id":"u2","experiment":"exp","timestamp":"2026-03-01T00:00:00Z"}

                        """, "events.csv": events],
             arguments: ["analyze", "--exposures", "@exposures.jsonl", "--events", "@events.csv", "--control", "control",
                         "--metric", "purchase"], exitCode: 1,
             stderr: ["@exposures.jsonl:2:1:", "missing key 'variant'"]),
        Case(name: "a lone high surrogate in a JSON string",
             files: ["exposures.csv": exposures,
                     "events.jsonl": "{\"unit_id\":\"u\\ud800\",\"timestamp\":\"2026-03-02T00:00:00Z\",\"event\":\"purchase\"}\n"],
             arguments: ["analyze", "--exposures", "@exposures.csv", "--events", "@events.jsonl", "--control", "control",
                         "--metric", "purchase"], exitCode: 1,
             stderr: ["@events.jsonl:1:14:", "lone surrogate"]),
        Case(name: "a lone low surrogate in a JSON string",
             files: ["u.jsonl": "{\"variant\":\"control\\udc00\",\"c\":1}\n{\"variant\":\"treatment\",\"c\":0}\n"],
             arguments: ["analyze", "--units", "@u.jsonl", "--control", "control", "--metric", "c"], exitCode: 1,
             stderr: ["@u.jsonl:1:20:", "lone surrogate"]),
        Case(name: "a bad \\u escape",
             files: ["u.jsonl": "{\"variant\":\"control\\u12G4\",\"c\":1}\n"],
             arguments: ["analyze", "--units", "@u.jsonl", "--control", "control", "--metric", "c"], exitCode: 1,
             stderr: ["@u.jsonl:1:", "invalid \\u escape"]),
        Case(name: "a JSON Lines unit table without the variant key on one line",
             files: ["u.jsonl": "{\"variant\":\"control\",\"c\":1}\n{\"c\":0}\n"],
             arguments: ["analyze", "--units", "@u.jsonl", "--control", "control", "--metric", "c"], exitCode: 1,
             stderr: ["@u.jsonl:2:1:", "missing key 'variant'"]),
        Case(name: "value only on some event lines is still read",
             files: ["exposures.csv": exposures,
                     "events.jsonl": """
                        {"unit_id":"u1","timestamp":"2026-03-02T00:00:00Z","event":"session"}
                        {"unit_id":"u3","timestamp":"2026-03-02T00:00:00Z","event":"purchase","value":5}

                        """],
             arguments: ["analyze", "--exposures", "@exposures.csv", "--events", "@events.jsonl", "--control", "control",
                         "--metric", "purchase:sum", "--metric", "session", "--format", "csv"], exitCode: 0,
             stdout: ["purchase:sum"]),

        // 5. Identifiers are bytes: two normalisations are two names, never merged, never a crash.
        // Variants that differ only so are refused (exit 1, both names' bytes shown): the
        // comparisons kept them apart, but the decision, SRM counts and bandit weights keyed
        // them as text and merged them (round-two adversarial pass).
        Case(name: "unit table: café precomposed and decomposed are refused, not merged",
             files: ["u.csv": "variant,c\ncontrol,1\ncontrol,0\ncaf\u{E9},1\ncaf\u{E9},1\ncafe\u{301},0\ncafe\u{301},0\n"],
             arguments: ["analyze", "--units", "@u.csv", "--control", "control", "--metric", "c", "--format", "csv"],
             exitCode: 1, stderr: ["variants 'caf\u{E9}' (bytes 63 61 66 c3 a9) and 'cafe\u{301}' (bytes 63 61 66 65 cc 81) are the same text"]),
        Case(name: "raw logs: café precomposed and decomposed are refused (no crash)",
             files: ["exposures.csv": """
                        unit_id,experiment,variant,timestamp
                        u1,exp,control,2026-03-01T00:00:00Z
                        u2,exp,caf\u{E9},2026-03-01T00:00:00Z
                        u3,exp,cafe\u{301},2026-03-01T00:00:00Z

                        """, "events.csv": events],
             arguments: ["analyze", "--exposures", "@exposures.csv", "--events", "@events.csv", "--control", "control",
                         "--metric", "purchase", "--format", "csv"], exitCode: 1, stderr: ["are the same text in different Unicode forms"]),
        Case(name: "summary: café precomposed and decomposed are refused as look-alikes, not 'appears twice'",
             files: ["s.csv": "variant,units,conversions\ncontrol,100,10\ncaf\u{E9},100,12\ncafe\u{301},100,14\n"],
             arguments: ["analyze", "--summary", "@s.csv", "--control", "control", "--format", "csv"], exitCode: 1,
             stderr: ["are the same text in different Unicode forms"]),
        Case(name: "a --control in another normalisation is not the data's variant",
             files: ["s.csv": "variant,units,conversions\ncaf\u{E9},100,10\ntreatment,100,12\n"],
             arguments: ["analyze", "--summary", "@s.csv", "--control", "cafe\u{301}"], exitCode: 1,
             stderr: ["is not a variant in the data"]),

        // 6. Power sums and summaries are internally consistent.
        Case(name: "power sums with Σy² < (Σy)²/n",
             files: ["p.csv": powerSumsHeader + "control,spend:sum,100,500,2000\ntreatment,spend:sum,100,600,5000\n"],
             arguments: ["analyze", "--power-sums", "@p.csv", "--control", "control"], exitCode: 1,
             stderr: ["@p.csv:2:5:", "negative variance"]),
        Case(name: "a proportion with Σy > n",
             files: ["p.csv": powerSumsHeader + "control,purchase,100,10,10\ntreatment,purchase,100,120,120\n"],
             arguments: ["analyze", "--power-sums", "@p.csv", "--control", "control"], exitCode: 1,
             stderr: ["@p.csv:3:4:", "0/1 metric"]),
        Case(name: "a proportion with Σy² ≠ Σy",
             files: ["p.csv": powerSumsHeader + "control,purchase,100,10,10\ntreatment,purchase,100,12,30\n"],
             arguments: ["analyze", "--power-sums", "@p.csv", "--control", "control"], exitCode: 1,
             stderr: ["@p.csv:3:5:", "Σy² = Σy"]),
        Case(name: "an empty arm with non-zero sums",
             files: ["p.csv": powerSumsHeader + "control,spend:sum,0,5,25\ntreatment,spend:sum,100,600,5000\n"],
             arguments: ["analyze", "--power-sums", "@p.csv", "--control", "control"], exitCode: 1,
             stderr: ["@p.csv:2:4:", "0 units"]),
        Case(name: "a negative sum of squares",
             files: ["p.csv": powerSumsHeader + "control,spend:sum,100,-5,-25\ntreatment,spend:sum,100,600,5000\n"],
             arguments: ["analyze", "--power-sums", "@p.csv", "--control", "control"], exitCode: 1,
             stderr: ["@p.csv:2:5:", "cannot be negative"]),
        Case(name: "a count metric with a fractional sum",
             files: ["p.csv": powerSumsHeader + "control,session:count,100,50.5,80\ntreatment,session:count,100,60,90\n"],
             arguments: ["analyze", "--power-sums", "@p.csv", "--control", "control"], exitCode: 1,
             stderr: ["@p.csv:2:4:", "whole numbers"]),
        Case(name: "a covariate correlation beyond 1",
             files: ["p.csv": "variant,metric,units,sum,sum_of_squares,covariate_sum,covariate_sum_of_squares,cross_products\n"
                        + "control,spend:sum,4,10,30,10,30,100\ntreatment,spend:sum,4,12,40,10,30,31\n"],
             arguments: ["analyze", "--power-sums", "@p.csv", "--control", "control"], exitCode: 1,
             stderr: ["@p.csv:2:8:", "correlation"]),
        Case(name: "JSON power sums are checked too",
             files: ["p.json": "{\"arms\": [{\"variant\": \"control\", \"metric\": \"purchase\", \"units\": 10, \"sum\": 3, \"sumOfSquares\": 3},"
                        + " {\"variant\": \"treatment\", \"metric\": \"purchase\", \"units\": 10, \"sum\": 11, \"sumOfSquares\": 11}]}"],
             arguments: ["analyze", "--power-sums", "@p.json", "--control", "control"], exitCode: 1,
             stderr: ["@p.json: arms[1].sum:"]),
        Case(name: "consistent power sums analyse",
             files: ["p.csv": powerSumsHeader + "control,purchase,100,10,10\ntreatment,purchase,100,12,12\n"],
             arguments: ["analyze", "--power-sums", "@p.csv", "--control", "control", "--format", "csv"], exitCode: 0,
             stdout: ["treatment"]),
        Case(name: "a summary covariance beyond stddev × covariate_stddev",
             files: ["s.csv": "variant,units,mean,stddev,covariate_mean,covariate_stddev,covariance\n"
                        + "control,100,5,2,4,1,3\ntreatment,100,5.5,2,4,1,1\n"],
             arguments: ["analyze", "--summary", "@s.csv", "--control", "control"], exitCode: 1,
             stderr: ["@s.csv:2:7:", "correlation outside"]),

        // 7. Config weights are finite, positive and within a sane ratio; assign reports enrolment.
        Case(name: "a weight of 1e308",
             files: ["c.yaml": config("\n      - { name: control, weight: 1e308 }\n      - { name: treatment, weight: 1 }"), "ids.txt": "u1\n"],
             arguments: ["assign", "--config", "@c.yaml", "--ids", "@ids.txt"], exitCode: 1,
             stderr: ["@c.yaml", "experiments[0].variants[0].weight", "outside"]),
        Case(name: "a subnormal weight",
             files: ["c.yaml": config("\n      - { name: control, weight: 5e-324 }\n      - { name: treatment, weight: 1 }"), "ids.txt": "u1\n"],
             arguments: ["assign", "--config", "@c.yaml", "--ids", "@ids.txt"], exitCode: 1,
             stderr: ["experiments[0].variants[0].weight", "outside"]),
        Case(name: "weights more than 1e6 apart",
             files: ["c.yaml": config("\n      - { name: control, weight: 0.001 }\n      - { name: treatment, weight: 10000 }"), "ids.txt": "u1\n"],
             arguments: ["assign", "--config", "@c.yaml", "--ids", "@ids.txt"], exitCode: 1,
             stderr: ["experiments[0].variants[0].weight", "times the smallest"]),
        Case(name: "a zero weight",
             files: ["c.yaml": config("\n      - { name: control, weight: 0 }\n      - { name: treatment, weight: 1 }"), "ids.txt": "u1\n"],
             arguments: ["assign", "--config", "@c.yaml", "--ids", "@ids.txt"], exitCode: 1,
             stderr: ["experiments[0].variants[0].weight", "positive"]),
        Case(name: "assign --experiment after its end, at the default time",
             files: ["c.yaml": config("[control, treatment]", extra: "    end: 2020-01-01\n"), "ids.txt": "u1\nu2\n"],
             arguments: ["assign", "--config", "@c.yaml", "--ids", "@ids.txt", "--experiment", "exp"], exitCode: 1,
             stderr: ["experiment 'exp' ended 2020-01-01", "--at"]),
        Case(name: "assign after the end with an explicit --at warns",
             files: ["c.yaml": config("[control, treatment]", extra: "    end: 2020-01-01\n"), "ids.txt": "u1\nu2\n"],
             arguments: ["assign", "--config", "@c.yaml", "--ids", "@ids.txt", "--at", "2021-01-01"], exitCode: 0,
             stderr: ["enrolment: exp: 2 units: enrolled control 0, treatment 0; inactive 2 (ended 2020-01-01", "warning: experiment 'exp' ended"],
             stdout: ["u1,exp,\n"]),
        Case(name: "assign inside the dates prints the enrolment summary",
             files: ["c.yaml": config("[control, treatment]", extra: "    start: 2019-01-01\n    end: 2020-01-01\n"), "ids.txt": "u1\nu2\nu3\nu4\n"],
             arguments: ["assign", "--config", "@c.yaml", "--ids", "@ids.txt", "--at", "2019-06-01"], exitCode: 0,
             stderr: ["enrolment: exp: 4 units: enrolled control "]),
        Case(name: "assign before the start",
             files: ["c.yaml": config("[control, treatment]", extra: "    start: 2999-01-01\n"), "ids.txt": "u1\n"],
             arguments: ["assign", "--config", "@c.yaml", "--ids", "@ids.txt", "--experiment", "exp"], exitCode: 1,
             stderr: ["experiment 'exp' starts 2999-01-01"]),

        // 8. SRM is a result, whichever source the weights came from.
        Case(name: "--weights naming a variant without data is an SRM result",
             files: manyLogs,
             arguments: analyzeRaw + ["--metric", "purchase", "--weights", "control=1,treatment=1,push=1", "--format", "json"],
             exitCode: 0, stderr: ["Variant 'push' has weight 1.0 but no units"], stdout: ["\"push\" : 0", "\"mismatch\" : true"]),
        Case(name: "a data variant without a weight is an SRM result",
             files: rawLogs,
             arguments: analyzeRaw + ["--metric", "purchase", "--weights", "control=1", "--format", "json"],
             exitCode: 0, stderr: ["'treatment' have units but no configured weight"], stdout: ["\"mismatch\" : true"]),
        Case(name: "--config with an arm that got no exposures reports the SRM",
             files: manyLogs.merging(["c.yaml": config("[control, treatment, push]")]) { a, _ in a },
             arguments: analyzeRaw + ["--metric", "purchase", "--config", "@c.yaml", "--experiment", "exp", "--format", "json"],
             exitCode: 0, stdout: ["\"push\" : 0", "\"mismatch\" : true"]),

        // 9. Integers from input and flags are range-checked.
        Case(name: "a retention day beyond 100 years", files: rawLogs,
             arguments: analyzeRaw + ["--metric", "purchase:retention:106751991167301"], exitCode: 2,
             stderr: ["--metric 'purchase:retention:106751991167301'", "DAY 0 to 36500"]),
        Case(name: "--threads 0", files: rawLogs, arguments: analyzeRaw + ["--metric", "purchase", "--threads", "0"], exitCode: 2,
             stderr: ["--threads '0': must be between 1 and 1024"]),
        Case(name: "--threads 10^9", files: rawLogs,
             arguments: analyzeRaw + ["--metric", "purchase", "--threads", "1000000000"], exitCode: 2,
             stderr: ["--threads '1000000000': must be between 1 and 1024"]),
        Case(name: "--srm-threshold 2", files: rawLogs,
             arguments: analyzeRaw + ["--metric", "purchase", "--srm-threshold", "2"], exitCode: 2,
             stderr: ["--srm-threshold '2.0': must lie in (0, 1)"]),
        Case(name: "design --arms 0", files: [:],
             arguments: ["design", "--metric", "proportion", "--baseline", "0.1", "--mde", "0.1", "--arms", "0"], exitCode: 2,
             stderr: ["--arms must be between 2 and 10000"]),
        Case(name: "attribute --bootstrap 10^12", files: ["p.csv": "path,total_conversions\na > b,3\n"],
             arguments: ["attribute", "--paths", "@p.csv", "--bootstrap", "1000000000000"], exitCode: 2,
             stderr: ["--bootstrap must be 0 (off) or between 2 and 1000000"]),
        Case(name: "expose --batch-size 10^12", files: ["x.csv": exposures],
             arguments: ["expose", "--store", "@store.db", "@x.csv", "--batch-size", "1000000000000"], exitCode: 2,
             stderr: ["--batch-size must be between 1 and 10000000"]),

        // 10. Limits: alias bombs, long fields, many columns.
        Case(name: "a YAML alias bomb", files: ["c.yaml": aliasBomb, "ids.txt": "u1\n"],
             arguments: ["assign", "--config", "@c.yaml", "--ids", "@ids.txt"], exitCode: 1,
             stderr: ["@c.yaml", "YAML aliases are expanded"]),
        Case(name: "a CSV field over 1 MiB",
             files: ["u.csv": "variant,c\ncontrol,1\n" + String(repeating: "x", count: (1 << 20) + 10) + ",0\n"],
             arguments: ["analyze", "--units", "@u.csv", "--control", "control", "--metric", "c"], exitCode: 1,
             stderr: ["@u.csv:3:1:", "longer than 1048576 bytes"]),
        Case(name: "a quoted CSV field over 1 MiB",
             files: ["u.csv": "variant,c\ncontrol,1\n\"" + String(repeating: "x", count: (1 << 20) + 10) + "\",0\n"],
             arguments: ["analyze", "--units", "@u.csv", "--control", "control", "--metric", "c"], exitCode: 1,
             stderr: ["@u.csv:3:1:", "longer than 1048576 bytes"]),
        Case(name: "a CSV header over 10,000 columns",
             files: ["u.csv": (0...10_000).map { "c\($0)" }.joined(separator: ",") + "\n"],
             arguments: ["analyze", "--units", "@u.csv", "--control", "control", "--metric", "c1"], exitCode: 1,
             stderr: ["@u.csv:1:10001:", "more than 10000 fields"]),
        Case(name: "a JSON string over 1 MiB",
             files: ["u.jsonl": "{\"variant\":\"" + String(repeating: "x", count: (1 << 20) + 10) + "\",\"c\":1}\n"],
             arguments: ["analyze", "--units", "@u.jsonl", "--control", "control", "--metric", "c"], exitCode: 1,
             stderr: ["@u.jsonl:1:12:", "longer than 1048576 bytes"]),
    ]

    /// Ten levels of ten aliases each: 10¹⁰ values once expanded, 1 KB on disk.
    static let aliasBomb: String = {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            text += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        return text + "experiments: *a9\n"
    }()

    @Test(arguments: cases)
    func outcome(_ c: Case) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        for (name, content) in c.files { try Data(content.utf8).write(to: URL(fileURLWithPath: path(name))) }
        func substitute(_ text: String) -> String {
            var result = text
            // Longest names first, so `@exposures.csv` is not taken for a shorter name's prefix.
            for name in (Array(c.files.keys) + ["store.db"]).sorted(by: { $0.count > $1.count }) {
                result = result.replacingOccurrences(of: "@" + name, with: path(name))
            }
            return result
        }
        let output = path("out.txt")
        var arguments = c.arguments.map(substitute)
        if c.exitCode != 0 { arguments += ["--output", output] }
        let result = try BinaryRunner.run(arguments)
        #expect(!result.terminatedBySignal, "\(c.name): killed by signal \(result.exitCode); stderr: \(result.stderr)")
        #expect(result.exitCode == c.exitCode, "\(c.name): exit \(result.exitCode); stderr: \(result.stderr)")
        for fragment in c.stderr.map(substitute) {
            #expect(result.stderr.contains(fragment), "\(c.name): '\(fragment)' not in stderr: \(result.stderr)")
        }
        for fragment in c.stdout {
            #expect(result.stdout.contains(fragment), "\(c.name): '\(fragment)' not in stdout: \(result.stdout)")
        }
        if c.exitCode != 0 {
            #expect(!FileManager.default.fileExists(atPath: output), "\(c.name): no output may be written")
            #expect(result.stdout.isEmpty, "\(c.name): nothing on stdout: \(result.stdout)")
        }
    }
}

/// Several `--exposures`/`--events` files are one log: the same bytes out as one concatenated file.
@Suite("analyze: several log files read as one")
struct SeveralLogFilesTests {
    @Test func splitLogsGiveTheSameResultAsOneFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try BinaryRunner.run(["simulate", "experiment", "--units", "3000", "--seed", "5", "--out", directory.path]).exitCode == 0)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        // Split each log after its header into two files (the second with its own header).
        for log in ["exposures", "events"] {
            let text = try String(contentsOfFile: path("\(log).csv"), encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let header = lines[0], body = lines.dropFirst().filter { !$0.isEmpty }
            let half = body.count / 2
            try ([header] + body.prefix(half)).joined(separator: "\n").appending("\n").write(toFile: path("\(log)-a.csv"), atomically: true, encoding: .utf8)
            try ([header] + body.dropFirst(half)).joined(separator: "\n").appending("\n").write(toFile: path("\(log)-b.csv"), atomically: true, encoding: .utf8)
        }
        let common = ["--control", "control", "--metric", "purchase", "--metric", "purchase:sum", "--format", "json", "--quiet"]
        let whole = try BinaryRunner.run(["analyze", "--exposures", path("exposures.csv"), "--events", path("events.csv")] + common)
        #expect(whole.exitCode == 0, "\(whole.stderr)")
        let repeated = try BinaryRunner.run([
            "analyze", "--exposures", path("exposures-a.csv"), "--exposures", path("exposures-b.csv"),
            "--events", path("events-a.csv"), "--events", path("events-b.csv"),
        ] + common)
        #expect(repeated.exitCode == 0, "\(repeated.stderr)")
        #expect(repeated.stdout == whole.stdout)
        let listed = try BinaryRunner.run([
            "analyze", "--exposures", path("exposures-a.csv"), path("exposures-b.csv"),
            "--events", path("events-a.csv"), path("events-b.csv"),
        ] + common)
        #expect(listed.exitCode == 0, "\(listed.stderr)")
        #expect(listed.stdout == whole.stdout)
        // Files in the other order: the same units and counts; sums differ only by summation order.
        let reversed = try BinaryRunner.run([
            "analyze", "--exposures", path("exposures-b.csv"), path("exposures-a.csv"),
            "--events", path("events-b.csv"), path("events-a.csv"),
        ] + common)
        #expect(reversed.exitCode == 0, "\(reversed.stderr)")
        let a = try JSONDecoder().decode(Result.self, from: Data(whole.stdout.utf8))
        let b = try JSONDecoder().decode(Result.self, from: Data(reversed.stdout.utf8))
        #expect(a.metrics.count == 2 && b.metrics.count == 2)
        for (x, y) in zip(a.metrics.flatMap(\.arms), b.metrics.flatMap(\.arms)) {
            #expect(x.variant == y.variant && x.units == y.units)
            #expect(abs(x.mean - y.mean) <= 1e-12 * max(1, abs(x.mean)), "\(x.variant): \(x.mean) vs \(y.mean)")
        }
    }

    struct Result: Decodable {
        struct Metric: Decodable { var arms: [Arm] }
        struct Arm: Decodable { var variant: String; var units: Int; var mean: Double }
        var metrics: [Metric]
    }
}

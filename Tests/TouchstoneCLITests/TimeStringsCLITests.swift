import Foundation
import Testing
import TouchstoneTestSupport

/// The shared table of timestamp and duration strings (`TimeStringTable`, reference outcomes from
/// Python) through every entry point of the command line: analyze's exposure and event logs,
/// `expose` (store ingest), attribute's touchpoints, config dates and the flags `--at`,
/// `--window`, `--lookback`, `--half-life`. A string is accepted everywhere, as the same
/// instant to the microsecond, or rejected everywhere with exit status 1 (input) or 2 (flag).
@Suite("Timestamps and durations at every entry point")
struct TimeStringsCLITests {
    static let table = TimeStringTable.shared
    static let accepted = table.timestamps.filter(\.isAccepted)
    static let minimum: Int64 = -62_135_596_800_000_000, maximum: Int64 = 253_402_300_799_999_999

    // MARK: - Files and text

    /// A CSV field: quoted when it holds a comma or a quote.
    static func field(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Epoch seconds text of a microsecond count, written here independently of the parser.
    static func epoch(_ micros: Int64) -> String {
        let negative = micros < 0, magnitude = micros.magnitude
        let fraction = String(magnitude % 1_000_000)
        return "\(negative ? "-" : "")\(magnitude / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
    }

    static func json(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])) ?? Data()
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    static let exposureHeader = "unit_id,experiment,variant,timestamp\n"
    static let eventHeader = "unit_id,timestamp,event,value\n"
    static let touchHeader = "unit_id,timestamp,channel,conversion,value\n"

    struct Workspace {
        let directory: URL
        init() throws { directory = try temporaryDirectory() }
        func write(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    static func analyzeArguments(_ exposures: String, _ events: String, window: String = "1d") -> [String] {
        ["analyze", "--exposures", exposures, "--events", events, "--experiment", "e", "--metric", "buy",
         "--control", "control", "--window=\(window)", "--format", "json"]
    }

    static func config(start: String? = nil, end: String? = nil, key: String = "e") -> String {
        var fields = "\"key\": \(json(key)), \"variants\": [\"control\", \"treatment\"]"
        if let start { fields += ", \"start\": \(json(start))" }
        if let end { fields += ", \"end\": \(json(end))" }
        return "{ \(fields) }"
    }

    /// The per-arm means of the one metric of an `analyze --format json` result.
    static func means(_ stdout: String) throws -> [String: Double] {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        let metrics = try #require(root["metrics"] as? [[String: Any]])
        let arms = try #require(metrics.first?["arms"] as? [[String: Any]])
        var result: [String: Double] = [:]
        for arm in arms {
            if let name = arm["variant"] as? String, let mean = arm["mean"] as? Double { result[name] = mean }
        }
        return result
    }

    // MARK: - Rejected timestamps: rejected by every reader and flag

    @Test("a rejected timestamp is rejected by every reader and flag", arguments: table.timestamps.filter { !$0.isAccepted })
    func rejectedEverywhere(_ entry: TimeStringTable.Entry) throws {
        let work = try Workspace()
        defer { work.remove() }
        let s = Self.field(entry.text)
        let goodExposures = Self.exposureHeader + "u1,e,control,2026-03-01T00:00:00Z\nu2,e,treatment,2026-03-01T00:00:00Z\n"
        let goodEvents = Self.eventHeader + "u1,2026-03-01T06:00:00Z,buy,1\n"
        let ids = try work.write("ids.txt", "u1\nu2\n")
        let runs: [(String, [String], Int32, String)] = [
            ("exposure log", Self.analyzeArguments(
                try work.write("x.csv", Self.exposureHeader + "u1,e,control,\(s)\nu2,e,treatment,2026-03-01T00:00:00Z\n"),
                try work.write("v.csv", goodEvents)), 1, "x.csv:2:"),
            ("event log", Self.analyzeArguments(
                try work.write("x2.csv", goodExposures), try work.write("v2.csv", Self.eventHeader + "u1,\(s),buy,1\n")), 1, "v2.csv:2:"),
            ("expose", ["expose", "--store", work.path("s.db"), try work.write("x3.csv", Self.exposureHeader + "u1,e,control,\(s)\n")],
             1, "x3.csv:2:"),
            ("expose, JSON Lines", ["expose", "--store", work.path("s2.db"), try work.write(
                "x4.jsonl", "{\"unit_id\": \"u1\", \"experiment\": \"e\", \"variant\": \"control\", \"timestamp\": \(Self.json(entry.text))}\n")],
             1, "x4.jsonl:1:"),
            ("touchpoints", ["attribute", "--touchpoints", try work.write(
                "t.csv", Self.touchHeader + "u1,\(s),email,0,0\nu1,2026-03-02T00:00:00Z,,1,10\n"), "--model", "linear"], 1, "t.csv:2:"),
            ("config start", ["assign", "--config", try work.write("c.json", "{\"experiments\": [\(Self.config(start: entry.text))]}"),
                              "--ids", ids, "--at", "2026-03-01"], 1, "experiments[0].start"),
            ("config end", ["assign", "--config", try work.write("c2.json", "{\"experiments\": [\(Self.config(end: entry.text))]}"),
                            "--ids", ids, "--at", "2026-03-01"], 1, "experiments[0].end"),
            ("--at", ["assign", "--config", try work.write("c3.json", "{\"experiments\": [\(Self.config())]}"), "--ids", ids,
                      "--at=\(entry.text)"], 2, "--at"),
        ]
        for (name, arguments, status, place) in runs {
            let result = try BinaryRunner.run(arguments)
            #expect(result.exitCode == status && !result.terminatedBySignal, "\(entry) via \(name): exit \(result.exitCode): \(result.stderr)")
            #expect(result.stderr.contains(place), "\(entry) via \(name): \(result.stderr)")
            // An empty field is "empty timestamp" in CSV; an empty flag value is refused by the
            // argument parser ("Missing value for '--at <at>'").
            let what = name.hasPrefix("config") ? "is not a date"
                : entry.text.isEmpty ? (name == "--at" ? "Missing value for '--at" : "timestamp") : "is not a timestamp"
            #expect(result.stderr.contains(what), "\(entry) via \(name): \(result.stderr)")
        }
    }

    // MARK: - Accepted timestamps: the same instant, to the microsecond, everywhere

    /// Exposures at the table's strings, events at the reference instant written as epoch
    /// seconds: a unit exposed at the string converts when the event is at that very instant
    /// (control) and not when it is one microsecond earlier (treatment; the window is [t₀, t₀ + W)).
    static func exposuresAtStrings() -> (exposures: String, events: String, treated: Int) {
        var exposures = exposureHeader, events = eventHeader, treated = 0
        for (i, entry) in accepted.enumerated() {
            guard let micros = entry.microseconds else { continue }
            exposures += "a\(i),e,control,\(field(entry.text))\n"
            events += "a\(i),\(epoch(micros)),buy,1\n"
            if micros > minimum {
                exposures += "b\(i),e,treatment,\(field(entry.text))\n"
                events += "b\(i),\(epoch(micros - 1)),buy,1\n"
                treated += 1
            }
        }
        return (exposures, events, treated)
    }

    @Test("accepted timestamps in an exposure log are the reference instants")
    func exposureLog() throws {
        let work = try Workspace()
        defer { work.remove() }
        let logs = Self.exposuresAtStrings()
        let result = try BinaryRunner.run(Self.analyzeArguments(try work.write("x.csv", logs.exposures), try work.write("v.csv", logs.events)))
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(try Self.means(result.stdout) == ["control": 1, "treatment": 0])
        #expect(result.stderr.contains("\(Self.accepted.count + logs.treated) units"), "\(result.stderr)")
    }

    @Test("accepted timestamps ingested by expose are the reference instants in the store")
    func exposeIntoStore() throws {
        let work = try Workspace()
        defer { work.remove() }
        let logs = Self.exposuresAtStrings()
        let ingest = try BinaryRunner.run(["expose", "--store", work.path("s.db"), try work.write("x.csv", logs.exposures)])
        #expect(ingest.exitCode == 0, "\(ingest.stderr)")
        // JSON Lines: the same strings as JSON strings.
        var lines = ""
        for (i, entry) in Self.accepted.enumerated() {
            lines += "{\"unit_id\": \"j\(i)\", \"experiment\": \"j\", \"variant\": \"control\", \"timestamp\": \(Self.json(entry.text))}\n"
        }
        let jsonl = try BinaryRunner.run(["expose", "--store", work.path("s.db"), try work.write("x.jsonl", lines)])
        #expect(jsonl.exitCode == 0, "\(jsonl.stderr)")
        let result = try BinaryRunner.run([
            "analyze", "--store", work.path("s.db"), "--events", try work.write("v.csv", logs.events), "--experiment", "e",
            "--metric", "buy", "--control", "control", "--window=1d", "--format", "json",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(try Self.means(result.stdout) == ["control": 1, "treatment": 0])
    }

    @Test("accepted timestamps in an event log are the reference instants")
    func eventLog() throws {
        let work = try Workspace()
        defer { work.remove() }
        // Exposed at the reference instant (control) or one microsecond later (treatment); the
        // event at the table's string counts only for the first.
        var exposures = Self.exposureHeader, events = Self.eventHeader
        for (i, entry) in Self.accepted.enumerated() {
            guard let micros = entry.microseconds else { continue }
            exposures += "a\(i),e,control,\(Self.epoch(micros))\n"
            events += "a\(i),\(Self.field(entry.text)),buy,1\n"
            if micros < Self.maximum {
                exposures += "b\(i),e,treatment,\(Self.epoch(micros + 1))\n"
                events += "b\(i),\(Self.field(entry.text)),buy,1\n"
            }
        }
        let result = try BinaryRunner.run(Self.analyzeArguments(try work.write("x.csv", exposures), try work.write("v.csv", events)))
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(try Self.means(result.stdout) == ["control": 1, "treatment": 0])
    }

    @Test("accepted timestamps in touchpoints are the reference instants (lookback 1 µs)")
    func touchpoints() throws {
        let work = try Workspace()
        defer { work.remove() }
        // A touch at the table's string; the conversion at the reference instant (age 0: kept) or
        // one microsecond later (age 1 µs = the lookback: dropped, so unattributed).
        var log = Self.touchHeader, dropped = 0
        for (i, entry) in Self.accepted.enumerated() {
            guard let micros = entry.microseconds else { continue }
            log += "a\(i),\(Self.field(entry.text)),email,0,0\na\(i),\(Self.epoch(micros)),,1,1\n"
            if micros < Self.maximum {
                log += "b\(i),\(Self.field(entry.text)),email,0,0\nb\(i),\(Self.epoch(micros + 1)),,1,1\n"
                dropped += 1
            }
        }
        let result = try BinaryRunner.run([
            "attribute", "--touchpoints", try work.write("t.csv", log), "--model", "linear", "--lookback=0.000001s", "--format", "json",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let model = (root["results"] as? [[String: Any]])?.first ?? root
        #expect((model["unattributedConversions"] as? Double) == Double(dropped), "\(result.stdout)")
        #expect((model["totalConversions"] as? Double) == Double(Self.accepted.count), "\(result.stdout)")
    }

    @Test("accepted timestamps are accepted as config start and end dates")
    func configDates() throws {
        let work = try Workspace()
        defer { work.remove() }
        let experiments = Self.accepted.enumerated().flatMap { i, entry in
            [Self.config(start: entry.text, key: "s\(i)"), Self.config(end: entry.text, key: "e\(i)")]
        }
        let result = try BinaryRunner.run([
            "assign", "--config", try work.write("c.json", "{\"experiments\": [\(experiments.joined(separator: ", "))]}"),
            "--ids", try work.write("ids.txt", "u1\n"), "--at", "2026-03-01", "--format", "json",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
    }

    @Test("--at and a config start name the same instant", arguments: accepted)
    func atFlag(_ entry: TimeStringTable.Entry) throws {
        let work = try Workspace()
        defer { work.remove() }
        let micros = try #require(entry.microseconds)
        // Starting at the instant: active at it. Starting one microsecond later: not yet.
        var experiments = [Self.config(start: Self.epoch(micros), key: "now")]
        if micros < Self.maximum { experiments.append(Self.config(start: Self.epoch(micros + 1), key: "later")) }
        let result = try BinaryRunner.run([
            "assign", "--config", try work.write("c.json", "{\"experiments\": [\(experiments.joined(separator: ", "))]}"),
            "--ids", try work.write("ids.txt", "u1\n"), "--at=\(entry.text)", "--format", "json",
        ])
        #expect(result.exitCode == 0, "\(entry): \(result.stderr)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let reasons = Dictionary(uniqueKeysWithValues: records.compactMap { record in
            (record["experiment"] as? String).map { ($0, record["reason"] as? String ?? "") }
        })
        #expect(reasons["now"] != "inactive", "\(entry): \(result.stdout)")
        // Config dates and --at are compared as Foundation `Date`s (Double seconds), exact to the
        // microsecond only within 2^53 µs (about 285 years) of 1970: beyond, one microsecond is
        // below a Date's resolution.
        if micros < Self.maximum, micros.magnitude < 1 << 53 {
            #expect(reasons["later"] == "inactive", "\(entry): \(result.stdout)")
        }
    }

    // MARK: - Durations: every duration flag

    static let window = (exposures: exposureHeader + "a,e,control,0\nb,e,treatment,0\n", events: eventHeader)

    @Test("a duration is accepted or rejected alike by --window, --lookback and --half-life", arguments: table.durations)
    func durations(_ entry: TimeStringTable.Entry) throws {
        let work = try Workspace()
        defer { work.remove() }
        let flag = entry.text
        var exposures = Self.window.exposures, events = Self.window.events
        var touches = Self.touchHeader
        if let length = entry.microseconds {
            // The last microsecond inside the window counts, the first outside does not.
            events += "a,\(Self.epoch(length - 1)),buy,1\nb,\(Self.epoch(length)),buy,1\n"
            touches += "a,0,email,0,0\na,\(Self.epoch(length - 1)),,1,1\nb,0,email,0,0\nb,\(Self.epoch(length)),,1,1\n"
        } else {
            events += "a,1,buy,1\n"
            touches += "a,0,email,0,0\na,1,,1,1\n"
            exposures += ""
        }
        let x = try work.write("x.csv", exposures), v = try work.write("v.csv", events), t = try work.write("t.csv", touches)
        let runs: [(String, [String])] = [
            ("analyze --window", Self.analyzeArguments(x, v, window: flag)),
            ("sql --window", ["sql", "--dialect", "postgres", "--exposures-table", "x", "--events-table", "v", "--experiment", "e",
                              "--metric", "buy", "--window=\(flag)"]),
            ("attribute --lookback", ["attribute", "--touchpoints", t, "--model", "linear", "--lookback=\(flag)", "--format", "json"]),
            ("attribute --half-life", ["attribute", "--touchpoints", t, "--model", "time-decay", "--half-life=\(flag)", "--format", "json"]),
            ("journeys --lookback", ["journeys", "--touchpoints", t, "--lookback=\(flag)", "--format", "json"]),
        ]
        for (name, arguments) in runs {
            let result = try BinaryRunner.run(arguments)
            guard entry.isAccepted else {
                #expect(result.exitCode == 2 && !result.terminatedBySignal, "\(entry) via \(name): exit \(result.exitCode): \(result.stderr)")
                // An empty value is refused by the argument parser itself ("Missing value for '--window …'").
                let quoted = entry.text.isEmpty ? "Missing value for '\(name.split(separator: " ")[1])" : "'\(entry.text)'"
                #expect(result.stderr.contains(quoted), "\(entry) via \(name): \(result.stderr)")
                continue
            }
            #expect(result.exitCode == 0, "\(entry) via \(name): \(result.stderr)")
            if name == "analyze --window" {
                #expect(try Self.means(result.stdout) == ["control": 1, "treatment": 0], "\(entry): \(result.stdout)")
            }
            if name == "attribute --lookback" {
                let root = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
                #expect((root["unattributedConversions"] as? Double) == 1, "\(entry): \(result.stdout)")
            }
        }
    }
}

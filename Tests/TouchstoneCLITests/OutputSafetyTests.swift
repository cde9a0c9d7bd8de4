import Foundation
import Testing
import TouchstoneTestSupport

/// Everything `touchstone` writes: `--output` destinations, write errors, signals, sanitised
/// names, neutralised CSV, escaped Markdown, JSON without NaN strings and printed SQL.
@Suite("Output safety")
struct OutputSafetyTests {
    static let summary = "variant,units,conversions\ncontrol,1000,100\ntreatment,1000,130\n"

    /// A scratch directory holding `files`, removed by the caller.
    static func scratch(_ files: [String: String]) throws -> URL {
        let directory = try temporaryDirectory()
        for (name, contents) in files {
            try contents.write(to: directory.appendingPathComponent(name), atomically: false, encoding: .utf8)
        }
        return directory
    }

    /// Runs the binary with standard output sent to `stdout` (a file handle the test controls).
    struct Outcome {
        var exitCode: Int32
        var stderr: String
        var terminatedBySignal: Bool
    }

    static func run(_ arguments: [String], stdout: FileHandle, closeBeforeStart: FileHandle? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = BinaryRunner.executable
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot()
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let err = Pipe()
        process.standardOutput = stdout
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try closeBeforeStart?.close()
        try process.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            exitCode: process.terminationStatus, stderr: String(decoding: errData, as: UTF8.self),
            terminatedBySignal: process.terminationReason == .uncaughtSignal)
    }

    // MARK: - Write errors

    @Test("--output /dev/full: exit 1 with the reason, the device untouched")
    func outputFull() throws {
        let directory = try Self.scratch(["s.csv": Self.summary])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try BinaryRunner.run([
            "analyze", "--summary", directory.appendingPathComponent("s.csv").path, "--control", "control", "--output", "/dev/full",
        ])
        #expect(!result.terminatedBySignal)
        #expect(result.exitCode == 1)
        #expect(result.stderr == "Error: /dev/full: cannot write: No space left on device\n")
        var info = stat()
        #expect(lstat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    @Test("standard output on /dev/full: exit 1 with a message, no trap")
    func stdoutFull() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let result = try Self.run(["design", "--metric", "proportion", "--baseline", "0.1", "--mde", "0.01"], stdout: full)
        #expect(!result.terminatedBySignal)
        #expect(result.exitCode == 1)
        #expect(result.stderr == "Error: standard output: cannot write: No space left on device\n")
    }

    @Test("a closed pipe (`| head -c0`): exit 1 with 'Broken pipe', not SIGPIPE")
    func closedPipe() throws {
        let pipe = Pipe()
        let result = try Self.run(
            ["design", "--metric", "proportion", "--baseline", "0.1", "--mde", "0.01"], stdout: pipe.fileHandleForWriting,
            closeBeforeStart: pipe.fileHandleForReading)
        #expect(!result.terminatedBySignal)
        #expect(result.exitCode == 1)
        #expect(result.stderr == "Error: standard output: cannot write: Broken pipe\n")
    }

    // MARK: - Destinations

    @Test("--output keeps a chmod 640 file at 640 and a symlink a symlink")
    func modeAndLink() throws {
        let directory = try Self.scratch(["s.csv": Self.summary, "kept.json": "old", "target.json": "old"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let kept = directory.appendingPathComponent("kept.json").path
        let target = directory.appendingPathComponent("target.json").path
        let link = directory.appendingPathComponent("link.json").path
        #expect(chmod(kept, 0o640) == 0)
        #expect(symlink(target, link) == 0)
        for destination in [kept, link] {
            let result = try BinaryRunner.run([
                "analyze", "--summary", directory.appendingPathComponent("s.csv").path, "--control", "control",
                "--format", "json", "--output", destination,
            ])
            #expect(result.exitCode == 0, "\(result.stderr)")
        }
        var info = stat()
        #expect(stat(kept, &info) == 0 && info.st_mode & 0o7777 == 0o640)
        #expect(lstat(link, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("{"))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["kept.json", "link.json", "s.csv", "target.json"])
    }

    @Test("SIGTERM while writing: no temporary file is left, the signal is the exit cause")
    func sigterm() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = BinaryRunner.executable
        process.arguments = ["simulate", "experiment", "--units", "20000000", "--seed", "1", "--out", directory.path, "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait (at most 20 s) until the temporary files exist and hold some bytes.
        var sawTemporary = false
        for _ in 0..<400 {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            let sizes = names.filter { $0.contains(".tmp-") }.map {
                ((try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent($0).path))?[.size] as? Int) ?? 0
            }
            if sizes.contains(where: { $0 > 0 }) { sawTemporary = true; break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(sawTemporary)
        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<200 where process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }  // never leave it running
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])
    }

    // MARK: - Names

    @Test("escape sequences and bidi overrides in names are shown escaped in tables and errors")
    func sanitisedNames() throws {
        let evil = "tr\u{1B}[2Jeat\u{202E}x"
        let directory = try Self.scratch(["s.csv": "variant,units,conversions\ncontrol,1000,100\n\(evil),1000,130\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("s.csv").path
        for format in ["table", "markdown"] {
            let result = try BinaryRunner.run(["analyze", "--summary", path, "--control", "control", "--format", format])
            #expect(result.exitCode == 0)
            #expect(!result.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" })
            #expect(result.stdout.contains("tr\\u{1B}[2Jeat\\u{202E}x"))
        }
        let failed = try BinaryRunner.run(["analyze", "--summary", path, "--control", "\u{1B}]0;owned\u{7}"])
        #expect(failed.exitCode != 0)
        #expect(!failed.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" })
        #expect(failed.stderr.contains("\\u{1B}]0;owned\\u{7}"))
    }

    @Test("CSV cells that would be formulas get a leading quote; negative numbers do not")
    func neutralisedCSV() throws {
        let config = """
            experiments:
              - key: exp
                variants:
                  - { name: "=HYPERLINK(\\"http://x\\")", weight: 1 }
                  - { name: "@B", weight: 1 }
            """
        let directory = try Self.scratch(["c.yaml": config, "ids.txt": "=1+2\n-5\n@cmd\n+x\nplain\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try BinaryRunner.run([
            "assign", "--config", directory.appendingPathComponent("c.yaml").path,
            "--ids", directory.appendingPathComponent("ids.txt").path, "--format", "csv",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let variants = ["\"'=HYPERLINK(\"\"http://x\"\")\"", "'@B"]
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "unit_id,experiment,variant")
        #expect(lines.dropFirst().map { $0.prefix { $0 != "," } } == ["'=1+2", "-5", "'@cmd", "'+x", "plain"])
        for line in lines.dropFirst() {
            let variant = line.split(separator: ",", maxSplits: 2).last.map(String.init) ?? ""
            #expect(variants.contains(variant), "\(line)")
        }
    }

    @Test("Markdown cells escape pipes, backslashes and line breaks (attribute)")
    func markdownCells() throws {
        let paths = "path,total_conversions,total_conversion_value,total_null\n\"a|b > c\\\\d\",10,100,5\nc\\\\d,4,40,8\n"
        let directory = try Self.scratch(["p.csv": paths])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try BinaryRunner.run([
            "attribute", "--paths", directory.appendingPathComponent("p.csv").path, "--model", "linear", "--format", "markdown",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("| a\\|b |"))
        #expect(result.stdout.contains("| c\\\\\\\\d |"))
    }

    @Test("assign --format table prints a table, not CSV")
    func assignTable() throws {
        let config = "experiments:\n  - key: exp\n    variants:\n      - { name: a, weight: 1 }\n      - { name: b, weight: 1 }\n"
        let directory = try Self.scratch(["c.yaml": config, "ids.txt": "u1\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try BinaryRunner.run([
            "assign", "--config", directory.appendingPathComponent("c.yaml").path,
            "--ids", directory.appendingPathComponent("ids.txt").path, "--format", "table",
        ])
        #expect(result.exitCode == 0)
        #expect(result.stdout == "unit_id  experiment  variant  reason\n───────  ──────────  ───────  ────────\nu1       exp         b        enrolled\n")
    }

    // MARK: - Formats

    @Test("--format lists and accepts only the command's formats", arguments: [
        ("design", false), ("exposures", false), ("journeys", true), ("assign", false), ("analyze", true),
        ("attribute", true), ("report", true),
    ])
    func formatHelp(_ command: String, _ html: Bool) throws {
        let help = try BinaryRunner.run([command, "--help"])
        // The option's own entry: its line and the wrapped lines under it.
        let lines = help.stdout.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--format <format>") })
        let entry = lines[start...].prefix { $0 == lines[start] || $0.hasPrefix("                  ") }.joined(separator: " ")
        #expect(entry.contains("html") == html, "\(entry)")
        #expect(entry.contains("table"))
        if !html {
            let rejected = try BinaryRunner.run([command, "--format", "html"])
            #expect(rejected.exitCode == 2)
        }
    }

    // MARK: - JSON

    @Test("attribute and journeys JSON on degenerate data hold no NaN or infinity strings")
    func noNaNStrings() throws {
        let paths = "path,total_conversions,total_conversion_value,total_null\na > b,0,0,5\nb,0,0,3\n"
        let directory = try Self.scratch(["p.csv": paths])
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("p.csv").path
        for arguments in [["attribute", "--paths", file, "--model", "all"], ["journeys", "--paths", file]] {
            let result = try BinaryRunner.run(arguments + ["--format", "json"])
            #expect(!result.terminatedBySignal)
            if result.exitCode == 0 {
                for token in ["\"nan\"", "\"inf\"", "\"-inf\"", "NaN", "Infinity"] {
                    #expect(!result.stdout.contains(token), "\(arguments[0]): \(token)")
                }
                #expect((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) != nil)
            } else {
                #expect(result.exitCode == 1 && !result.stderr.isEmpty)
            }
        }
    }

    // MARK: - Printed SQL

    @Test("hostile experiment keys and metric names cannot leave their comment in printed SQL")
    func printedSQL() throws {
        let sqlite3 = "/usr/bin/sqlite3"
        guard FileManager.default.isExecutableFile(atPath: sqlite3) else { return }
        let key = "k'\n;DROP TABLE canary;--\r\n*/ DROP TABLE canary; /*"
        let event = "buy\n;DROP TABLE canary;--"
        let printed = try BinaryRunner.run([
            "sql", "--dialect", "sqlite", "--exposures-table", "exposures", "--events-table", "events",
            "--experiment", key, "--metric", event,
        ])
        #expect(printed.exitCode == 0, "\(printed.stderr)")
        // The bound values come first, one comment line each, then the query's own comment.
        let comments = printed.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { !$0.hasPrefix("-- Touchstone push-down") }
        #expect(comments.count >= 2)
        #expect(comments.allSatisfy { $0.hasPrefix("-- ?") })
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("scratch.db").path
        let setup = """
            CREATE TABLE exposures (unit_id TEXT, experiment TEXT, variant TEXT, timestamp INTEGER);
            CREATE TABLE events (unit_id TEXT, timestamp INTEGER, event TEXT, value REAL);
            CREATE TABLE canary (x INTEGER);
            """
        func sqlite(_ script: String) throws -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: sqlite3)
            process.arguments = ["-bail", database]
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = output
            try process.run()
            input.fileHandleForWriting.write(Data(script.utf8))
            try input.fileHandleForWriting.close()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        #expect(try sqlite(setup).status == 0)
        // The whole printed script is one statement (parameters unbound: NULL), and it runs.
        let run = try sqlite(printed.stdout)
        #expect(run.status == 0, "\(run.output)")
        #expect(try sqlite("SELECT count(*) FROM canary;").output == "0\n")
        // Each comment's expression evaluates to the exact bound value.
        let values = comments.map { line in String(line[(line.range(of: " = ")?.upperBound ?? line.endIndex)...]) }
        let hex = try sqlite(values.map { "SELECT hex(\($0));" }.joined(separator: "\n") + "\n").output
        let expected = [key, event].map { $0.utf8.map { String(format: "%02X", $0) }.joined() }
        for value in expected { #expect(hex.split(separator: "\n").map(String.init).contains(value)) }
    }
}

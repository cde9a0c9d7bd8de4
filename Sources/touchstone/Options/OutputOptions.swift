import ArgumentParser
import Foundation
import TouchstoneData

/// The output format every command accepts (`--format`).
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json, csv, markdown, html
}

/// Flags shared by every command that prints a result.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, json, csv or markdown (html where the command supports it).")
    var format: OutputFormat = .table

    @Option(name: .long, help: "Write the result to this file (atomically) instead of standard output.")
    var output: String?

    @Flag(name: .long, help: "Print nothing but the result (no progress or notes on standard error).")
    var quiet = false

    @Flag(name: .customLong("no-color"), help: "Never colour terminal output (NO_COLOR is honoured too).")
    var noColor = false

    /// Colour only for a terminal, and never when the user opted out.
    var useColor: Bool {
        !noColor && output == nil && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) != 0
    }

    /// Prints `text` to standard output, or replaces `--output` atomically with it.
    func emit(_ text: String) throws {
        let body = text.hasSuffix("\n") ? text : text + "\n"
        if let output {
            try AtomicFile.write(body, to: output)
        } else {
            FileHandle.standardOutput.write(Data(body.utf8))
        }
    }

    /// A note for the user on standard error, suppressed by `--quiet`.
    func note(_ text: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Rejects formats a command cannot produce, naming the flag.
    func require(_ allowed: Set<OutputFormat>) throws {
        guard allowed.contains(format) else {
            let names = OutputFormat.allCases.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--format \(format.rawValue) is not available here (use one of: \(names))")
        }
    }
}

import ArgumentParser
import Foundation
import TouchstoneData
import TouchstoneReport

@main
struct Touchstone: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "touchstone",
        abstract: "A/B experimentation and attribution: design, assign, expose, analyse, attribute, simulate.",
        discussion: """
            Exit status: 0 success; 1 the input (a data file, config or store) was rejected or could not be \
            read; 2 the command line was rejected (unknown flag, bad or conflicting values). Errors go to \
            standard error and name the file:line:column, the config key path or the flag at fault; \
            --output is never left half-written.
            """,
        version: "0.1.0",
        subcommands: [
            Design.self, Assign.self, Expose.self, Exposures.self, Analyze.self, Attribute.self, Journeys.self,
            Simulate.self, Report.self, SQL.self, Bandit.self, Serve.self, Export.self,
        ]
    )

    /// Runs the command, mapping failures to the documented exit statuses (see ``ExitStatus``).
    ///
    /// ArgumentParser's own runner exits 64 (`EX_USAGE`) for usage errors; Touchstone keeps the
    /// conventional 2 of Unix tools, so scripts can tell "fix the command" from "fix the data".
    static func main() {
        // A closed pipe (`touchstone … | head -c1`) must be a write error with a message and
        // exit status 1, not a silent death by SIGPIPE: ignore the signal, and the write
        // returns EPIPE, which ``StandardStreams`` turns into an error.
        signal(SIGPIPE, SIG_IGN)
        do {
            try RepeatedOptionCheck.check(Array(CommandLine.arguments.dropFirst()), root: Touchstone.self)
            var command = try parseAsRoot()
            try command.run()
        } catch let stopped as QueryStopped {
            // Ctrl-C or SIGTERM during a push-down: the query was cancelled on the server first;
            // say so, then end as the signal would have (a timeout is an ordinary failure).
            StandardStreams.writeError(TerminalText.sanitize(stopped.message, keepingLineBreaks: true) + "\n")
            if let signal = stopped.signal { QueryInterruption.terminate(signal: signal) }
            Foundation.exit(ExitStatus.inputRejected)
        } catch {
            let code = exitCode(for: error)
            // --help, --version and clean exits: ArgumentParser prints and exits 0 itself.
            guard code != .success else { exit(withError: error) }
            // Names from data reach error messages: escape terminal controls and bidi overrides.
            let message = TerminalText.sanitize(fullMessage(for: error), keepingLineBreaks: true)
            StandardStreams.writeError(message.hasSuffix("\n") ? message : message + "\n")
            Foundation.exit(code == .validationFailure ? ExitStatus.usage : ExitStatus.inputRejected)
        }
    }
}

/// The exit statuses of `touchstone` (documented in `docs/reliability.md`).
enum ExitStatus {
    /// A data file, config or store was rejected or could not be read or written.
    static let inputRejected: Int32 = 1
    /// The command line was rejected: unknown flag, bad or conflicting flag values.
    static let usage: Int32 = 2
}

/// A failure on the user's data (not the command line) found while a command runs: exit status 1.
///
/// Commands throw `ValidationError` only for flag problems (exit status 2); errors the libraries
/// raise about data keep their own type, or are wrapped in this one.
struct InputFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import ArgumentParser
import Foundation
import TouchstoneData
import TouchstoneReport

/// The output formats of Touchstone; each command accepts a subset (``FormatSet``).
enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, csv, markdown, html
}

/// The formats one command accepts: `--format` parses only these and its help lists only these.
protocol FormatSet: Sendable {
    static var formats: [OutputFormat] { get }
    /// The format without `--format` (`table` unless the command says otherwise).
    static var defaultFormat: OutputFormat { get }
}

extension FormatSet {
    static var defaultFormat: OutputFormat { .table }
}

/// `analyze`, `attribute`, `journeys`, `report`.
enum AllFormats: FormatSet {
    static let formats: [OutputFormat] = [.table, .json, .csv, .markdown, .html]
}

/// `design`, `assign`, `exposures`: no HTML page.
enum TabularFormats: FormatSet {
    static let formats: [OutputFormat] = [.table, .json, .csv, .markdown]
}

/// `assign`: CSV by default (its output feeds other tools), or a table for people.
enum AssignmentFormats: FormatSet {
    static let formats: [OutputFormat] = [.csv, .table, .json, .markdown]
    static let defaultFormat: OutputFormat = .csv
}

/// `expose`: a one-line summary or its JSON.
enum SummaryFormats: FormatSet {
    static let formats: [OutputFormat] = [.table, .json]
}

/// A `--format` value restricted to `Formats`; anything else is a usage error (exit 2).
struct FormatChoice<Formats: FormatSet>: ExpressibleByArgument, Sendable {
    var value: OutputFormat

    init(_ value: OutputFormat) { self.value = value }

    init?(argument: String) {
        guard let format = OutputFormat(rawValue: argument), Formats.formats.contains(format) else { return nil }
        value = format
    }

    static var allValueStrings: [String] { Formats.formats.map(\.rawValue) }
    var defaultValueDescription: String { value.rawValue }
}

/// The flags of every command that prints a result: the command's formats, the default set
/// being all of them (`OutputOptions`).
struct FormattedOutput<Formats: FormatSet>: ParsableArguments {
    @Option(
        name: .customLong("format"),
        help: ArgumentHelp("Output format: \(Formats.formats.map(\.rawValue).joined(separator: ", ")).", valueName: "format"))
    var formatChoice: FormatChoice<Formats> = FormatChoice(Formats.defaultFormat)

    @Option(
        name: .long,
        help: "Write the result to this file instead of standard output: a regular file is replaced atomically (its mode kept); a device, FIFO or symlink target is written through.")
    var output: String?

    @Flag(name: .long, help: "Print nothing but the result (no progress or notes on standard error).")
    var quiet = false

    @Flag(name: .customLong("no-color"), help: "Never colour terminal output (NO_COLOR is honoured too).")
    var noColor = false

    var format: OutputFormat { formatChoice.value }

    /// The tabular style of the text formats (JSON and HTML are rendered separately).
    var style: TextTable.Style {
        switch format {
        case .csv: .csv
        case .markdown: .markdown
        default: .table
        }
    }

    /// Colour only for a terminal, and never when the user opted out.
    var useColor: Bool {
        !noColor && output == nil && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) != 0
    }

    /// Prints `text` to standard output, or writes it to `--output` (see ``OutputFile``).
    /// A write error (full device, closed pipe) is thrown and ends the command with status 1.
    func emit(_ text: String) throws {
        let body = text.hasSuffix("\n") ? text : text + "\n"
        if let output {
            try AtomicFile.write(body, to: output)
        } else {
            try StandardStreams.writeOutput(body)
        }
    }

    /// Emits JSON, with the diagnostic half of the NaN policy: undefined numbers are `null` in
    /// the JSON and counted in a note on standard error.
    func emit(_ json: JSONOutput.Encoded) throws {
        if json.undefinedNumbers > 0 {
            note("note: \(json.undefinedNumbers) undefined number(s) (NaN: no data to define them) written as null")
        }
        try emit(json.text)
    }

    /// A note for the user on standard error (names sanitised), suppressed by `--quiet`.
    func note(_ text: String) {
        guard !quiet else { return }
        StandardStreams.writeError(TerminalText.sanitize(text, keepingLineBreaks: true) + "\n")
    }

    /// Kept for commands that check their formats in `validate()`: `--format` already parses
    /// only `Formats`, so this only rejects a format outside `allowed` as well.
    func require(_ allowed: Set<OutputFormat>) throws {
        guard allowed.contains(format) else {
            let names = OutputFormat.allCases.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--format \(format.rawValue) is not available here (use one of: \(names))")
        }
    }
}

/// The output flags of a command that accepts every format.
typealias OutputOptions = FormattedOutput<AllFormats>

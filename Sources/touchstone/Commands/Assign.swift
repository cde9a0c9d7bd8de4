import ArgumentParser
import Foundation
import TouchstoneData
import TouchstoneExperiment
import TouchstoneReport
import TouchstoneTime

struct Assign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Assign unit ids to the variants of one or all experiments in a config.",
        discussion: """
            Prints CSV unit_id,experiment,variant (variant empty when the unit is not enrolled);
            --format table adds the reason for people; --format json adds the unit's bucket in
            [0, 1) and the reason. Without --attributes, CSV and JSON are written from the raw
            bytes of the ids on every core (millions of ids a second).
            Examples:
              touchstone assign --config experiments.yaml --ids users.txt
              cat users.txt | touchstone assign --config experiments.yaml --experiment onboarding_channels --format json
              touchstone assign --config experiments.yaml --attributes users.csv --at 2026-03-15
            """)

    @Option(help: "Experiment config (YAML or JSON).")
    var config: String

    @Option(help: "Only this experiment (default: every experiment in the config).")
    var experiment: String?

    @Option(help: "Unit ids, one per line ('-' for standard input; a first line 'unit_id' is a header). Default: the --attributes ids, else standard input.")
    var ids: String?

    @Option(help: "Unit attributes for targeting: CSV with a unit_id column, or JSON Lines objects with a unit_id key.")
    var attributes: String?

    @Option(help: "Evaluate start/end dates at this time (ISO 8601 or epoch seconds; default: now).")
    var at: String?

    @OptionGroup var output: FormattedOutput<AssignmentFormats>

    func validate() throws {
        if let at, Timestamp.parse(at) == nil {
            throw ValidationError("--at: \(Timestamp.rejection(of: at))")
        }
    }

    func run() throws {
        let parsed: ExperimentConfig
        // Config, data and store errors print as `file:line:column: problem`, without usage text.
        parsed = try ExperimentConfig(path: config)
        guard !parsed.experiments.isEmpty else {
            // Every id would be written with no assignment at all: almost surely the wrong file.
            throw InputFailure("\(config): experiments: the config lists no experiments, so there is nothing to assign")
        }
        let assigner = Assigner(config: parsed)
        var indices = Array(parsed.experiments.indices)
        if let experiment {
            guard let index = parsed.experiments.firstIndex(where: { $0.key == experiment }) else {
                let known = parsed.experiments.map(\.key).joined(separator: ", ")
                throw ValidationError("--experiment '\(experiment)' is not in \(config) (experiments: \(known))")
            }
            indices = [index]
        }
        let date = at.flatMap(Timestamp.parse).map { Date(timeIntervalSince1970: Double($0.microseconds) / 1_000_000) } ?? Date()
        if attributes == nil, let format = AssignFastPath.format(output.format) {
            try AssignFastPath.run(self, config: parsed, experiments: indices, at: date, format: format)
            return
        }
        let table = try attributes.map { try UnitAttributes.read(path: $0) }
        let units: [String]
        if let ids, ids != "-" {
            units = try UnitIdList.read(path: ids)
        } else if ids == nil, let table {
            units = table.order
        } else {
            units = try UnitIdList.parse(FileHandle.standardInput.readDataToEndOfFile())
        }
        if units.isEmpty { output.note("warning: no unit ids were read, so none is assigned") }
        let empty: [String: String] = [:]
        var assignments: [(unit: String, assignment: Assignment)] = []
        assignments.reserveCapacity(units.count * indices.count)
        for unit in units {
            let unitAttributes = table?.byUnit[unit] ?? empty
            for index in indices {
                assignments.append((unit, assigner.assign(experimentAt: index, unitId: unit, attributes: unitAttributes, at: date)))
            }
        }
        try report(EnrolmentSummary(assignments.map(\.assignment), experiments: indices.map { parsed.experiments[$0] }, at: date))
        if output.format == .json {
            try output.emit(try AssignmentReport.json(assignments))
        } else {
            try output.emit(AssignmentReport.text(assignments, style: output.style))
        }
    }
}

extension Assign {
    /// Prints the enrolment summary on standard error. An experiment that enrols nobody because
    /// it is inactive is a warning; when it is the one experiment asked for and the time is the
    /// default (now), it is an error (exit 1, nothing written): the user almost certainly meant
    /// a time inside the experiment's dates, and should say so with --at.
    func report(_ summary: EnrolmentSummary) throws {
        for line in summary.lines { output.note("enrolment: \(line)") }
        for entry in summary.entries where entry.units > 0 && entry.enrolsNobody {
            guard let because = entry.inactiveBecause else {
                StandardStreams.writeError(TerminalText.sanitize("warning: experiment '\(entry.experiment)' enrolled none of the \(entry.units) units") + "\n")
                continue
            }
            let message = "experiment '\(entry.experiment)' \(because), so none of the \(entry.units) units is enrolled at \(at ?? "the current time")"
            if experiment != nil, at == nil {
                throw InputFailure("\(config): \(message): pass --at TIME to assign as of a time inside its dates")
            }
            StandardStreams.writeError(TerminalText.sanitize("warning: \(message)") + "\n")
        }
    }
}

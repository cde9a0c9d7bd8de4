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
            Prints unit_id,experiment,variant (variant empty when the unit is not enrolled);
            --format json adds the unit's bucket in [0, 1) and the reason.
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

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try output.require([.table, .csv, .json, .markdown])
        if let at, Timestamp.parse(at) == nil {
            throw ValidationError("--at: \(Timestamp.rejection(of: at))")
        }
    }

    func run() throws {
        let parsed: ExperimentConfig
        // Config, data and store errors print as `file:line:column: problem`, without usage text.
        parsed = try ExperimentConfig(path: config)
        let assigner = Assigner(config: parsed)
        var indices = Array(parsed.experiments.indices)
        if let experiment {
            guard let index = parsed.experiments.firstIndex(where: { $0.key == experiment }) else {
                let known = parsed.experiments.map(\.key).joined(separator: ", ")
                throw ValidationError("--experiment '\(experiment)' is not in \(config) (experiments: \(known))")
            }
            indices = [index]
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
        let date = at.flatMap(Timestamp.parse).map { Date(timeIntervalSince1970: Double($0.microseconds) / 1_000_000) } ?? Date()
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
        try output.emit(try Self.render(assignments, format: output.format))
    }

    /// Prints the enrolment summary on standard error. An experiment that enrols nobody because
    /// it is inactive is a warning; when it is the one experiment asked for and the time is the
    /// default (now), it is an error (exit 1, nothing written): the user almost certainly meant
    /// a time inside the experiment's dates, and should say so with --at.
    func report(_ summary: EnrolmentSummary) throws {
        for line in summary.lines { output.note("enrolment: \(line)") }
        for entry in summary.entries where entry.units > 0 && entry.enrolsNobody {
            guard let because = entry.inactiveBecause else {
                FileHandle.standardError.write(Data("warning: experiment '\(entry.experiment)' enrolled none of the \(entry.units) units\n".utf8))
                continue
            }
            let message = "experiment '\(entry.experiment)' \(because), so none of the \(entry.units) units is enrolled at \(at ?? "the current time")"
            if experiment != nil, at == nil {
                throw InputFailure("\(config): \(message): pass --at TIME to assign as of a time inside its dates")
            }
            FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
        }
    }

    struct Row: Encodable {
        // Snake-case names match the CSV header and the exposure log columns.
        var unit_id: String
        var experiment: String
        var variant: String?
        var bucket: Double?
        var reason: String

        enum CodingKeys: String, CodingKey { case unit_id, experiment, variant, bucket, reason }

        // Explicit nulls: a missing `variant` key would read as a schema change, not "not enrolled".
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(unit_id, forKey: .unit_id)
            try container.encode(experiment, forKey: .experiment)
            try container.encode(variant, forKey: .variant)
            try container.encode(bucket, forKey: .bucket)
            try container.encode(reason, forKey: .reason)
        }
    }

    static func render(_ assignments: [(unit: String, assignment: Assignment)], format: OutputFormat) throws -> String {
        switch format {
        case .json:
            return try JSONOutput.encode(assignments.map {
                Row(unit_id: $0.unit, experiment: $0.assignment.experiment, variant: $0.assignment.variant,
                    bucket: $0.assignment.bucket, reason: $0.assignment.reason.rawValue)
            })
        case .markdown:
            var text = "| unit_id | experiment | variant |\n|---|---|---|\n"
            for (unit, assignment) in assignments {
                let cells = [unit, assignment.experiment, assignment.variant ?? ""].map { $0.replacingOccurrences(of: "|", with: "\\|") }
                text += "| \(cells.joined(separator: " | ")) |\n"
            }
            return text
        case .table, .csv, .html:
            var text = "unit_id,experiment,variant\n"
            text.reserveCapacity(assignments.count * 32)
            for (unit, assignment) in assignments {
                text += CSVWriting.line([unit, assignment.experiment, assignment.variant ?? ""]) + "\n"
            }
            return text
        }
    }
}

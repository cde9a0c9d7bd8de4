import ArgumentParser
import Foundation
import TouchstoneData
import TouchstoneExperiment
import TouchstoneReport

struct Assign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Assign unit ids to the variants of one or all experiments in a config.",
        discussion: """
            Prints CSV unit_id,experiment,variant (variant empty when the unit is not enrolled);
            --format table adds the reason for people; --format json adds the unit's bucket in
            [0, 1) and the reason.
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
        if let at, MicrosecondTimestamp.parse(at) == nil {
            throw ValidationError("--at '\(at)' is not a time (ISO 8601 such as 2026-03-01T12:00:00Z, or epoch seconds)")
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
        let date = at.flatMap(MicrosecondTimestamp.parse).map { Date(timeIntervalSince1970: Double($0) / 1_000_000) } ?? Date()
        let empty: [String: String] = [:]
        var assignments: [(unit: String, assignment: Assignment)] = []
        assignments.reserveCapacity(units.count * indices.count)
        for unit in units {
            let unitAttributes = table?.byUnit[unit] ?? empty
            for index in indices {
                assignments.append((unit, assigner.assign(experimentAt: index, unitId: unit, attributes: unitAttributes, at: date)))
            }
        }
        if output.format == .json {
            try output.emit(try AssignmentReport.json(assignments))
        } else {
            try output.emit(AssignmentReport.text(assignments, style: output.style))
        }
    }
}

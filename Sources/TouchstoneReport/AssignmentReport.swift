import TouchstoneExperiment

/// Renders `touchstone assign`: one row per (unit, experiment).
///
/// CSV is `unit_id,experiment,variant` (variant empty when the unit is not enrolled); the
/// terminal table and Markdown add the reason; JSON adds the bucket in [0, 1) and the reason,
/// with explicit `null`s.
public enum AssignmentReport {
    public struct Row: Encodable, Sendable {
        // Snake-case names match the CSV header and the exposure log columns.
        public var unit_id: String
        public var experiment: String
        public var variant: String?
        public var bucket: Double?
        public var reason: String

        enum CodingKeys: String, CodingKey { case unit_id, experiment, variant, bucket, reason }

        public init(unit: String, assignment: Assignment) {
            unit_id = unit
            experiment = assignment.experiment
            variant = assignment.variant
            bucket = assignment.bucket
            reason = assignment.reason.rawValue
        }

        // Explicit nulls: a missing `variant` key would read as a schema change, not "not enrolled".
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(unit_id, forKey: .unit_id)
            try container.encode(experiment, forKey: .experiment)
            try container.encode(variant, forKey: .variant)
            try container.encode(bucket, forKey: .bucket)
            try container.encode(reason, forKey: .reason)
        }
    }

    public static func json(_ assignments: [(unit: String, assignment: Assignment)]) throws -> JSONOutput.Encoded {
        try JSONOutput.encodeCounting(assignments.map { Row(unit: $0.unit, assignment: $0.assignment) })
    }

    public static func text(_ assignments: [(unit: String, assignment: Assignment)], style: TextTable.Style) -> String {
        if style == .csv {
            // Written line by line: assignment lists can be millions of rows.
            var text = "unit_id,experiment,variant\n"
            text.reserveCapacity(assignments.count * 32)
            for (unit, assignment) in assignments {
                text += CSVWriting.line([unit, assignment.experiment, assignment.variant ?? ""])
                text += "\n"
            }
            return text
        }
        var table = TextTable(["unit_id", "experiment", "variant", "reason"], alignments: [.left, .left, .left, .left])
        for (unit, assignment) in assignments {
            table.append([unit, assignment.experiment, assignment.variant ?? "—", assignment.reason.rawValue])
        }
        return table.render(style) + "\n"
    }
}

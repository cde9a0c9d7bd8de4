import Foundation

/// How the units of one `assign` run fell into each experiment: enrolled per variant, and why
/// the others were not (the ``Assignment/Reason`` counts).
///
/// `assign` prints it on standard error so that a run that enrols nobody (an experiment that
/// has ended, a targeting rule that matches no one) cannot pass for a normal one.
public struct EnrolmentSummary: Sendable, Hashable {
    /// One experiment's counts.
    public struct Entry: Sendable, Hashable {
        public var experiment: String
        /// Enrolled (or forced) units per variant, in config order (variants with none included).
        public var enrolled: [(variant: String, units: Int)] {
            variantNames.indices.map { (variantNames[$0], variantUnits[$0]) }
        }
        /// Units per reason other than enrolment, for every reason that occurred.
        public var reasons: [Assignment.Reason: Int]
        public var units: Int
        /// Why the experiment was inactive at the evaluated time, when it was.
        public var inactiveBecause: String?
        var variantNames: [String]
        var variantUnits: [Int]

        /// Whether no unit at all is in a variant.
        public var enrolsNobody: Bool { variantUnits.allSatisfy { $0 == 0 } }
    }

    public var entries: [Entry]

    /// Counts `assignments` (unit, assignment) for the experiments `experiments` evaluated at `date`.
    public init(_ assignments: [Assignment], experiments: [Experiment], at date: Date) {
        var entries = experiments.map { experiment in
            Entry(
                experiment: experiment.key, reasons: [:], units: 0,
                inactiveBecause: Self.inactivity(experiment, at: date),
                variantNames: experiment.variants.map(\.name),
                variantUnits: Array(repeating: 0, count: experiment.variants.count))
        }
        // Bytewise keys: experiment keys are never compared after Unicode normalisation.
        var position: [[UInt8]: Int] = [:]
        for (index, experiment) in experiments.enumerated() { position[Array(experiment.key.utf8)] = index }
        for assignment in assignments {
            guard let index = position[Array(assignment.experiment.utf8)] else { continue }
            entries[index].units += 1
            if let variant = assignment.variantIndex, variant >= 0, variant < entries[index].variantUnits.count {
                entries[index].variantUnits[variant] += 1
            } else {
                entries[index].reasons[assignment.reason, default: 0] += 1
            }
        }
        self.entries = entries
    }

    /// `"ended 2026-03-01T00:00:00Z"` / `"starts …"` when `experiment` is inactive at `date`.
    static func inactivity(_ experiment: Experiment, at date: Date) -> String? {
        let format = ISO8601DateFormatter()
        if let start = experiment.start, date < start { return "starts \(format.string(from: start))" }
        if let end = experiment.end, date >= end { return "ended \(format.string(from: end))" }
        return nil
    }

    /// One line per experiment, e.g.
    /// `onboarding: 1000 units: enrolled control 480, treatment 470; not targeted 50`.
    public var lines: [String] {
        entries.map { entry in
            let enrolled = entry.enrolled.map { "\($0.variant) \($0.units)" }.joined(separator: ", ")
            var parts = ["enrolled \(enrolled)"]
            for reason in Assignment.Reason.allCases {
                guard let count = entry.reasons[reason], count > 0 else { continue }
                let detail = reason == .inactive ? entry.inactiveBecause.map { " (\($0))" } ?? "" : ""
                let label = reason == .coverage ? "outside coverage" : reason == .holdout ? "in holdout" : reason.rawValue
                parts.append("\(label) \(count)\(detail)")
            }
            return "\(entry.experiment): \(entry.units) units: \(parts.joined(separator: "; "))"
        }
    }
}

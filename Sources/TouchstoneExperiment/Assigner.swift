import Foundation

/// Assigns units to the experiments of a config: a pure function of the config, the unit's id
/// and attributes, and the evaluation time — no state, no coordination between processes.
///
/// Evaluation order (the first rule that decides gives the ``Assignment/Reason``):
/// 1. no value for the experiment's `unit` attribute → `missing unit`;
/// 2. a forced variant for the id → `forced` (QA overrides win over every rule below);
/// 3. outside `start ..< end` → `inactive`;
/// 4. targeting fails → `not targeted`;
/// 5. in one of the experiment's holdouts → `holdout`;
/// 6. outside the experiment's slice of its layer → `excluded by layer`;
/// 7. bucket outside every variant range → `coverage`; otherwise `enrolled`.
///
/// The id hashed is the unit's value of the experiment's `unit` attribute; when the attributes
/// do not carry that attribute, the unit id itself is used, so `--ids` alone works for any `unit:`.
public struct Assigner: Sendable {
    public let config: ExperimentConfig
    /// Holdouts applying to each experiment, in config order.
    let holdoutsByExperiment: [[Holdout]]

    public init(config: ExperimentConfig) {
        self.config = config
        let holdouts = Dictionary(config.holdouts.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        self.holdoutsByExperiment = config.experiments.map { experiment in experiment.holdouts.compactMap { holdouts[$0] } }
    }

    /// The experiment at `index` of the config.
    public func assign(
        experimentAt index: Int, unitId: String, attributes: some AttributeSource = [String: String](),
        at date: Date = Date()
    ) -> Assignment {
        let experiment = config.experiments[index]
        guard let id = attributes.attribute(experiment.unit) ?? (unitId.isEmpty ? nil : unitId) else {
            return Assignment(experiment: experiment.key, variantIndex: nil, variant: nil, bucket: nil, reason: .missingUnit)
        }
        let bucket = experiment.hash.bucket(id)
        func outcome(_ variant: Int?, _ reason: Assignment.Reason) -> Assignment {
            Assignment(
                experiment: experiment.key, variantIndex: variant, variant: variant.map { experiment.variants[$0].name },
                bucket: bucket, reason: reason)
        }
        if let forced = experiment.forced[id] { return outcome(forced, .forced) }
        if !experiment.isActive(at: date) { return outcome(nil, .inactive) }
        if let targeting = experiment.targeting, !targeting.matches(attributes) { return outcome(nil, .notTargeted) }
        for holdout in holdoutsByExperiment[index] where holdout.holds(attributes.attribute(holdout.unit) ?? unitId) {
            return outcome(nil, .holdout)
        }
        if let layer = experiment.layer, !layer.contains(id) { return outcome(nil, .excludedByLayer) }
        guard let variant = experiment.ranges.variant(for: bucket) else { return outcome(nil, .coverage) }
        return outcome(variant, .enrolled)
    }

    /// The hot path for the common case, bucketing only: the variant index of `id` ignoring
    /// targeting, holdouts and dates (layer and coverage still apply). Allocation-free.
    @inlinable
    public static func variant(of id: some StringProtocol, in experiment: Experiment) -> Int? {
        if let layer = experiment.layer, !layer.contains(id) { return nil }
        return experiment.ranges.variant(for: experiment.hash.bucket(id))
    }
}

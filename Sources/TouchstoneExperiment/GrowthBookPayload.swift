import Foundation

/// The GrowthBook SDK payload (`{"features": …}`) for the experiments of a config that use
/// GrowthBook hashing, so GrowthBook's SDKs assign exactly as ``Assigner`` does.
///
/// Each exported experiment becomes a feature of the same key whose value is the variant name
/// (`null` when the unit is not enrolled), with:
/// - one force rule per forced variant, first (`{"condition": {UNIT: {"$in": [ids]}}, "force": name}`),
///   as forced units win over every other rule in ``Assigner``;
/// - one experiment rule: `key`, `seed` (the salt), `hashVersion` 1 or 2, `hashAttribute` (the
///   experiment's `unit:`), `variations`, `weights` and `coverage` for readers, and the explicit
///   bucket `ranges` of ``Experiment/ranges`` — SDKs use `ranges` over weights (GrowthBook's
///   `_run` step 9), so both sides split [0, 1) by the very same numbers; a layer becomes the
///   rule's `namespace` `[name, lower, upper]` (``LayerAllocation`` is the SDK's `inNamespace`).
///
/// What GrowthBook's payload cannot express is refused, naming the experiment, rather than
/// exported into a payload that assigns differently: targeting (our conditions compare
/// attributes given as text; an SDK compares typed JSON values) and holdouts. Start and end
/// dates are not in the payload either: an experiment inactive at `date` is left out with a
/// note, an active one with an `end` is exported with a note that the SDK will not stop it.
public enum GrowthBookPayload {
    public struct Export: Sendable {
        /// The payload's JSON text (keys in a fixed order, so the same config gives the same bytes).
        public var json: String
        /// Keys of the experiments exported.
        public var exported: [String]
        /// Experiments left out or exported with a caveat, for standard error.
        public var notes: [String]
    }

    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The payload of the GrowthBook-hashed experiments of `config` as of `date`.
    ///
    /// - Throws: ``Refusal`` when a GrowthBook-hashed experiment uses targeting or holdouts, or
    ///   when no experiment can be exported.
    public static func export(_ config: ExperimentConfig, at date: Date = Date()) throws -> Export {
        var features: [String] = []
        var exported: [String] = []
        var notes: [String] = []
        for experiment in config.experiments {
            let version: Int
            switch experiment.hash.algorithm {
            case .growthbookV1: version = 1
            case .growthbookV2: version = 2
            case .touchstone:
                notes.append("experiment '\(experiment.key)' is not exported: it uses hash: touchstone, which GrowthBook's SDKs do not compute")
                continue
            }
            if experiment.targeting != nil {
                throw Refusal(description: "experiment '\(experiment.key)' uses targeting, which cannot be exported to GrowthBook exactly (attributes are compared as text here, as typed JSON values by the SDKs); remove it from the experiment or export without it")
            }
            let holdouts = experiment.holdouts.filter { key in config.holdouts.contains { $0.key == key } }
            if !holdouts.isEmpty {
                throw Refusal(description: "experiment '\(experiment.key)' uses holdouts (\(holdouts.joined(separator: ", "))), which GrowthBook's SDK payload cannot express; set `holdouts: []` on it to export")
            }
            if !experiment.isActive(at: date) {
                notes.append("experiment '\(experiment.key)' is not exported: it is not active at \(iso(date)) (start/end)")
                continue
            }
            if experiment.unit != "id" {
                // Touchstone falls back to the unit id when the attribute is absent; the SDKs
                // skip the experiment instead, so the two agree only when every caller sets it.
                notes.append("experiment '\(experiment.key)' hashes the '\(experiment.unit)' attribute: GrowthBook's SDKs skip a user without it, where `touchstone assign` hashes the unit id instead, so set '\(experiment.unit)' on every user")
            }
            if let end = experiment.end {
                notes.append("experiment '\(experiment.key)' ends at \(iso(end)), but a GrowthBook payload has no end date: re-export or remove it then")
            }
            var rules: [String] = []
            let forcedByVariant = Dictionary(grouping: experiment.forced, by: \.value)
            for variant in forcedByVariant.keys.sorted() {
                let ids = (forcedByVariant[variant] ?? []).map(\.key).sorted()
                let condition = "{\(string(experiment.unit)):{\"$in\":[\(ids.map(string).joined(separator: ","))]}}"
                rules.append("{\"id\":\(string("force-\(experiment.key)-\(variant)")),\"condition\":\(condition),\"force\":\(string(experiment.variants[variant].name))}")
            }
            let total = experiment.weights.reduce(0, +)
            var rule = "{\"key\":\(string(experiment.key)),\"seed\":\(string(experiment.hash.salt)),\"hashVersion\":\(version)"
            rule += ",\"hashAttribute\":\(string(experiment.unit))"
            rule += ",\"variations\":[\(experiment.variants.map { string($0.name) }.joined(separator: ","))]"
            rule += ",\"meta\":[\(experiment.variants.map { "{\"key\":\(string($0.name)),\"name\":\(string($0.name))}" }.joined(separator: ","))]"
            rule += ",\"weights\":[\(experiment.weights.map { number($0 / total) }.joined(separator: ","))]"
            rule += ",\"coverage\":\(number(experiment.coverage))"
            let ranges = zip(experiment.ranges.starts, experiment.ranges.ends).map { "[\(number($0)),\(number($1))]" }
            rule += ",\"ranges\":[\(ranges.joined(separator: ","))]"
            if let layer = experiment.layer {
                rule += ",\"namespace\":[\(string(layer.name)),\(number(layer.lower)),\(number(layer.upper))]"
            }
            rule += "}"
            rules.append(rule)
            features.append("\(string(experiment.key)):{\"defaultValue\":null,\"rules\":[\(rules.joined(separator: ","))]}")
            exported.append(experiment.key)
        }
        guard !exported.isEmpty else {
            throw Refusal(description: "no experiment of the config can be exported: GrowthBook's SDKs need hash: growthbook-v1 or growthbook-v2 (and an active experiment)")
        }
        let json = "{\"features\":{\n" + features.map { "  " + $0 }.joined(separator: ",\n") + "\n}}\n"
        return Export(json: json, exported: exported, notes: notes)
    }

    private static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// Shortest round-trip decimal, as JSON allows (the values are finite: config-validated).
    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    private static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

import Foundation
import TouchstoneTime

/// A validated experiment config: experiments, layers and holdouts (YAML or JSON, one schema).
///
/// ```yaml
/// experiments:
///   - key: onboarding_channels      # unique; also the default salt
///     hash: touchstone              # or growthbook-v1 / growthbook-v2
///     unit: user_id                 # attribute hashed (default: id)
///     coverage: 1.0
///     factorial: [email, push]      # or variants: [{ name: control, weight: 1 }, …]
///     layer: { name: messaging, range: [0.0, 0.5] }
///     targeting: { country: { in: [US, CA] } }
///     forced: { qa-user-1: email }
///     start: 2026-03-01
///     end: 2026-04-01T00:00:00Z
///     holdouts: [global_2026]       # default: every holdout; [] opts out
/// layers:                           # optional; when present, experiments may only use these
///   - { name: messaging }
/// holdouts:
///   - { key: global_2026, share: 0.05 }
/// ```
/// Every error names the file, the key path and the problem: weights that are negative or sum
/// to zero, duplicate keys or variant names, overlapping ranges within a layer, experiments in
/// one layer hashing differently, an unknown holdout, layer or forced variant, a misspelt key.
public struct ExperimentConfig: Sendable {
    public let experiments: [Experiment]
    public let holdouts: [Holdout]
    /// Declared layer names (empty when the config declares none).
    public let layers: [String]

    public init(experiments: [Experiment], holdouts: [Holdout] = [], layers: [String] = []) {
        self.experiments = experiments
        self.holdouts = holdouts
        self.layers = layers
    }

    /// Reads and validates the config at `path` (`.json`, `.yaml` or `.yml`; the content decides).
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError(file: path, keyPath: "", message: "cannot read the file (missing or unreadable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ExperimentError(file: path, keyPath: "", message: "the file is not UTF-8 text")
        }
        try self.init(text: text, file: path)
    }

    /// Parses and validates config `text`; `file` names it in errors.
    public init(text: String, file: String) throws {
        let reader = ConfigReader(file: file)
        let root = try reader.map(ConfigNode.parse(text, file: file), "", allowed: ["experiments", "holdouts", "layers"])

        var holdouts: [Holdout] = []
        if let node = root["holdouts"] {
            for (index, item) in try reader.list(node, "holdouts").enumerated() {
                let path = "holdouts[\(index)]"
                holdouts.append(try Self.holdout(item, path, reader, existing: holdouts))
            }
        }
        var layers: [String] = []
        if let node = root["layers"] {
            for (index, item) in try reader.list(node, "layers").enumerated() {
                let path = "layers[\(index)]"
                let fields = try reader.map(item, path, allowed: ["name", "description"])
                guard let nameNode = fields["name"] else { throw reader.error(item, path, "missing 'name'") }
                let name = try reader.nonEmptyString(nameNode, "\(path).name")
                guard !layers.contains(name) else { throw reader.error(nameNode, "\(path).name", "duplicate layer '\(name)'") }
                layers.append(name)
            }
        }
        guard let experimentsNode = root["experiments"] else {
            throw reader.error(nil, "experiments", "missing: the config must list its experiments")
        }
        var experiments: [Experiment] = []
        var experimentNodes: [ConfigNode] = []
        for (index, item) in try reader.list(experimentsNode, "experiments").enumerated() {
            let experiment = try Self.experiment(item, "experiments[\(index)]", reader, holdouts: holdouts, layers: layers)
            if let first = experiments.firstIndex(where: { $0.key == experiment.key }) {
                throw reader.error(item, "experiments[\(index)].key", "duplicate experiment key '\(experiment.key)' (first at experiments[\(first)])")
            }
            experiments.append(experiment)
            experimentNodes.append(item)
        }
        try Self.checkLayers(experiments, experimentNodes, reader)
        self.init(experiments: experiments, holdouts: holdouts, layers: layers)
    }

    /// The experiment with `key`.
    public func experiment(_ key: String) -> Experiment? {
        experiments.first { $0.key == key }
    }

    // MARK: - Sections

    private static let experimentKeys = [
        "key", "salt", "hash", "unit", "coverage", "variants", "factorial", "layer", "targeting", "forced",
        "start", "end", "holdouts", "metrics", "description", "name",
    ]

    private static func experiment(
        _ node: ConfigNode, _ path: String, _ reader: ConfigReader, holdouts: [Holdout], layers: [String]
    ) throws -> Experiment {
        let fields = try reader.map(node, path, allowed: experimentKeys)
        guard let keyNode = fields["key"] else { throw reader.error(node, path, "missing 'key'") }
        let key = try reader.nonEmptyString(keyNode, "\(path).key")
        let salt = try fields["salt"].map { try reader.nonEmptyString($0, "\(path).salt") } ?? key
        var algorithm = HashAlgorithm.touchstone
        if let hashNode = fields["hash"] {
            let name = try reader.string(hashNode, "\(path).hash")
            guard let parsed = HashAlgorithm(rawValue: name) else {
                let known = HashAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
                throw reader.error(hashNode, "\(path).hash", "unknown hash '\(name)' (known: \(known))")
            }
            algorithm = parsed
        }
        let unit = try fields["unit"].map { try reader.nonEmptyString($0, "\(path).unit") } ?? "id"
        var coverage = 1.0
        if let coverageNode = fields["coverage"] {
            coverage = try reader.number(coverageNode, "\(path).coverage")
            guard (0...1).contains(coverage) else {
                throw reader.error(coverageNode, "\(path).coverage", "coverage must lie in [0, 1], got \(coverage)")
            }
        }
        let variants = try Self.variants(fields, node, path, reader)
        var layer: LayerAllocation?
        if let layerNode = fields["layer"] {
            let layerPath = "\(path).layer"
            let layerFields = try reader.map(layerNode, layerPath, allowed: ["name", "range"])
            guard let nameNode = layerFields["name"] else { throw reader.error(layerNode, layerPath, "missing 'name'") }
            let name = try reader.nonEmptyString(nameNode, "\(layerPath).name")
            if !layers.isEmpty, !layers.contains(name) {
                throw reader.error(nameNode, "\(layerPath).name", "unknown layer '\(name)' (declared: \(layers.joined(separator: ", ")))")
            }
            guard let rangeNode = layerFields["range"] else { throw reader.error(layerNode, layerPath, "missing 'range: [start, end]'") }
            let bounds = try reader.list(rangeNode, "\(layerPath).range")
            guard bounds.count == 2 else { throw reader.error(rangeNode, "\(layerPath).range", "expected [start, end]") }
            let lower = try reader.number(bounds[0], "\(layerPath).range[0]")
            let upper = try reader.number(bounds[1], "\(layerPath).range[1]")
            guard lower >= 0, upper <= 1, lower < upper else {
                throw reader.error(rangeNode, "\(layerPath).range", "expected 0 ≤ start < end ≤ 1, got [\(lower), \(upper)]")
            }
            layer = LayerAllocation(name: name, lower: lower, upper: upper, algorithm: algorithm)
        }
        let targeting = try fields["targeting"].map { try reader.condition($0, "\(path).targeting") }
        var forced: [String: Int] = [:]
        if let forcedNode = fields["forced"] {
            guard case .map(let pairs) = forcedNode.kind else {
                throw reader.error(forcedNode, "\(path).forced", "expected a mapping of unit id: variant")
            }
            for (unitId, variantNode) in pairs {
                let variantPath = "\(path).forced.\(unitId)"
                let name = try reader.string(variantNode, variantPath)
                guard let index = variants.firstIndex(where: { $0.name == name }) else {
                    throw reader.error(variantNode, variantPath, "unknown variant '\(name)' (variants: \(variants.map(\.name).joined(separator: ", ")))")
                }
                forced[unitId] = index
            }
        }
        let start = try fields["start"].map { try Self.date($0, "\(path).start", reader) }
        let end = try fields["end"].map { try Self.date($0, "\(path).end", reader) }
        if let start, let end, start >= end, let endNode = fields["end"] {
            throw reader.error(endNode, "\(path).end", "end must be after start")
        }
        var holdoutKeys = holdouts.map(\.key)
        if let holdoutsNode = fields["holdouts"] {
            holdoutKeys = try reader.list(holdoutsNode, "\(path).holdouts").enumerated().map { index, item in
                let itemPath = "\(path).holdouts[\(index)]"
                let name = try reader.string(item, itemPath)
                guard holdouts.contains(where: { $0.key == name }) else {
                    let known = holdouts.isEmpty ? "none declared" : "declared: " + holdouts.map(\.key).joined(separator: ", ")
                    throw reader.error(item, itemPath, "unknown holdout '\(name)' (\(known))")
                }
                return name
            }
        }
        return Experiment(
            key: key, hash: SaltedHash(algorithm, salt: salt), unit: unit, coverage: coverage, variants: variants,
            layer: layer, targeting: targeting, forced: forced, start: start, end: end, holdouts: holdoutKeys,
            metrics: try fields["metrics"].map { try metrics($0, "\(path).metrics", reader) } ?? [])
    }

    private static func variants(
        _ fields: [String: ConfigNode], _ node: ConfigNode, _ path: String, _ reader: ConfigReader
    ) throws -> [Variant] {
        var variants: [Variant] = []
        switch (fields["variants"], fields["factorial"]) {
        case (nil, nil): throw reader.error(node, path, "missing 'variants' (or 'factorial')")
        case (.some, .some): throw reader.error(fields["factorial"], "\(path).factorial", "give either 'variants' or 'factorial', not both")
        case (let variantsNode?, nil):
            for (index, item) in try reader.list(variantsNode, "\(path).variants").enumerated() {
                let itemPath = "\(path).variants[\(index)]"
                if case .scalar = item.kind {
                    let name = try reader.nonEmptyString(item, itemPath)
                    if variants.contains(where: { $0.name.utf8.elementsEqual(name.utf8) }) {
                        throw reader.error(item, itemPath, "duplicate variant name '\(name)'")
                    }
                    if let other = variants.first(where: { $0.name == name }) {
                        throw reader.error(item, itemPath, Self.lookAlike(name, other.name))
                    }
                    variants.append(Variant(name: name, weight: 1))
                    continue
                }
                let itemFields = try reader.map(item, itemPath, allowed: ["name", "weight", "description"])
                guard let nameNode = itemFields["name"] else { throw reader.error(item, itemPath, "missing 'name'") }
                let name = try reader.nonEmptyString(nameNode, "\(itemPath).name")
                var weight = 1.0
                if let weightNode = itemFields["weight"] {
                    weight = try reader.number(weightNode, "\(itemPath).weight")
                    guard weight > 0 else { throw reader.error(weightNode, "\(itemPath).weight", "weights must be positive (remove a variant that should get no units)") }
                    guard Self.weightRange.contains(weight) else {
                        throw reader.error(
                            weightNode, "\(itemPath).weight",
                            "weight \(weight) is outside [\(Self.weightRange.lowerBound), \(Self.weightRange.upperBound)]: weights are relative shares such as 1, 50 or 0.25")
                    }
                }
                if variants.contains(where: { $0.name.utf8.elementsEqual(name.utf8) }) {
                    throw reader.error(nameNode, "\(itemPath).name", "duplicate variant name '\(name)'")
                }
                if let other = variants.first(where: { $0.name == name }) {
                    throw reader.error(nameNode, "\(itemPath).name", Self.lookAlike(name, other.name))
                }
                variants.append(Variant(name: name, weight: weight))
            }
        case (nil, let factorialNode?):
            let factorPath = "\(path).factorial"
            var factors: [String] = []
            for (index, item) in try reader.list(factorialNode, factorPath).enumerated() {
                let factor = try reader.nonEmptyString(item, "\(factorPath)[\(index)]")
                guard !factor.contains("+"), factor != "control" else {
                    throw reader.error(item, "\(factorPath)[\(index)]", "a factor may not be called 'control' or contain '+'")
                }
                guard !factors.contains(factor) else { throw reader.error(item, "\(factorPath)[\(index)]", "duplicate factor '\(factor)'") }
                factors.append(factor)
            }
            guard (1...10).contains(factors.count) else {
                throw reader.error(factorialNode, factorPath, "a factorial needs 1 to 10 factors (2^k arms), got \(factors.count)")
            }
            variants = Variant.factorial(factors)
        }
        let variantsPath = fields["variants"] != nil ? "\(path).variants" : "\(path).factorial"
        guard variants.count >= 2 else { throw reader.error(fields["variants"], variantsPath, "an experiment needs at least two variants") }
        guard variants.reduce(0, { $0 + $1.weight }) > 0 else {
            throw reader.error(fields["variants"], variantsPath, "the variant weights sum to zero")
        }
        if let smallest = variants.map(\.weight).min(), let largest = variants.map(\.weight).max(),
            largest / smallest > Self.maximumWeightRatio {
            let at = variants.firstIndex { $0.weight == smallest } ?? 0
            throw reader.error(
                fields["variants"], "\(variantsPath)[\(at)].weight",
                "the largest weight is \(largest / smallest) times the smallest (more than \(Self.maximumWeightRatio)): such an arm would get (almost) no units")
        }
        return variants
    }

    /// The range of a variant weight: weights are relative shares, and a huge (1e308) or
    /// subnormal (5e-324) one would make the normalised shares overflow or vanish, silently
    /// sending every unit to one arm or none.
    /// Two variant names that are different bytes but the same text (`String ==` is canonical
    /// equivalence): they would be assigned apart but merged, or refused, by every read-out.
    static func lookAlike(_ name: String, _ other: String) -> String {
        "variant name '\(name)' is '\(other)' in another Unicode form (different bytes, the same text): "
            + "the read-outs could not tell the arms apart; rename one"
    }

    static let weightRange: ClosedRange<Double> = 1e-9...1e9

    /// The largest ratio of two weights of one experiment: beyond it the smaller arm gets fewer
    /// than one unit per million, below the resolution of any SRM check.
    static let maximumWeightRatio = 1e6

    private static func holdout(_ node: ConfigNode, _ path: String, _ reader: ConfigReader, existing: [Holdout]) throws -> Holdout {
        let fields = try reader.map(node, path, allowed: ["key", "share", "salt", "unit", "hash", "description"])
        guard let keyNode = fields["key"] else { throw reader.error(node, path, "missing 'key'") }
        let key = try reader.nonEmptyString(keyNode, "\(path).key")
        guard !existing.contains(where: { $0.key == key }) else { throw reader.error(keyNode, "\(path).key", "duplicate holdout key '\(key)'") }
        guard let shareNode = fields["share"] else { throw reader.error(node, path, "missing 'share'") }
        let share = try reader.number(shareNode, "\(path).share")
        guard (0...1).contains(share) else { throw reader.error(shareNode, "\(path).share", "share must lie in [0, 1], got \(share)") }
        let salt = try fields["salt"].map { try reader.nonEmptyString($0, "\(path).salt") } ?? key
        let unit = try fields["unit"].map { try reader.nonEmptyString($0, "\(path).unit") } ?? "id"
        var algorithm = HashAlgorithm.touchstone
        if let hashNode = fields["hash"] {
            let name = try reader.string(hashNode, "\(path).hash")
            guard let parsed = HashAlgorithm(rawValue: name) else {
                throw reader.error(hashNode, "\(path).hash", "unknown hash '\(name)'")
            }
            algorithm = parsed
        }
        return Holdout(key: key, share: share, unit: unit, hash: SaltedHash(algorithm, salt: salt))
    }

    private static func date(_ node: ConfigNode, _ path: String, _ reader: ConfigReader) throws -> Date {
        let text = try reader.string(node, path)
        let instant: Timestamp
        do {
            instant = try Timestamp(parsing: text)
        } catch {
            throw reader.error(node, path, "'\(text)' is not a date: \(error)")
        }
        return Date(timeIntervalSince1970: Double(instant.microseconds) / 1_000_000)
    }

    /// Experiments sharing a layer must hash the same way and own disjoint ranges.
    private static func checkLayers(_ experiments: [Experiment], _ nodes: [ConfigNode], _ reader: ConfigReader) throws {
        var byLayer: [String: [Int]] = [:]
        for (index, experiment) in experiments.enumerated() {
            if let layer = experiment.layer { byLayer[layer.name, default: []].append(index) }
        }
        for members in byLayer.values {
            let sorted = members.sorted { (experiments[$0].layer?.lower ?? 0, $0) < (experiments[$1].layer?.lower ?? 0, $1) }
            for (previous, current) in zip(sorted, sorted.dropFirst()) {
                guard let earlier = experiments[previous].layer, let later = experiments[current].layer else { continue }
                let path = "experiments[\(current)].layer"
                if later.lower < earlier.upper {
                    throw reader.error(nodes[current], "\(path).range",
                        "range [\(later.lower), \(later.upper)) overlaps experiments[\(previous)] ('\(experiments[previous].key)', [\(earlier.lower), \(earlier.upper))) in layer '\(later.name)'")
                }
            }
            if let first = members.first {
                for index in members.dropFirst() {
                    let path = "experiments[\(index)]"
                    if experiments[index].hash.algorithm.isGrowthBook != experiments[first].hash.algorithm.isGrowthBook {
                        throw reader.error(nodes[index], "\(path).hash", "experiments in layer '\(experiments[index].layer?.name ?? "")' must use the same hash family as '\(experiments[first].key)'")
                    }
                    if experiments[index].unit != experiments[first].unit {
                        throw reader.error(nodes[index], "\(path).unit", "experiments in layer '\(experiments[index].layer?.name ?? "")' must hash the same unit attribute as '\(experiments[first].key)' ('\(experiments[first].unit)')")
                    }
                }
            }
        }
    }
}

extension HashAlgorithm {
    /// GrowthBook's two versions share the namespace (layer) hash.
    var isGrowthBook: Bool { self != .touchstone }
}

extension ExperimentConfig {
    /// The experiment `key` of the config at `path`; an error listing the config's keys when it
    /// has none by that name.
    public static func experiment(_ key: String, in path: String) throws -> Experiment {
        let parsed = try ExperimentConfig(path: path)
        guard let definition = parsed.experiment(key) else {
            let known = parsed.experiments.map { "'\($0.key)'" }.joined(separator: ", ")
            throw ExperimentError(file: path, keyPath: "experiments", message: "no experiment '\(key)' (experiments: \(known))")
        }
        return definition
    }
}

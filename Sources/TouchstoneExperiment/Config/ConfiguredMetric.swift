/// A metric listed in an experiment's `metrics:` section, kept as written: the analysis decides
/// what the text means (an event-log metric such as `purchase:sum`, or a unit-table column) and
/// reports a problem at ``line``:``column`` of the config.
///
/// ```yaml
/// metrics:
///   - purchase                                               # same forms as --metric
///   - purchase:sum
///   - app_open:retention:7
///   - { name: revenue_per_session, ratio: purchase:sum/session:count }   # as --ratio
///   - { name: latency:sum, role: guardrail, direction: decrease, margin: 0.02 }
///   - { name: page_views:count, role: secondary }
/// ```
///
/// `role` is `goal` (the default), `guardrail` or `secondary`; `direction` is `increase` (the
/// default) or `decrease`; `margin` (guardrails only) is the largest tolerated harm as a share
/// of the control mean. The analysis turns them into its decision (`--guardrail`,
/// `--secondary` and `--decrease` override them).
public struct ConfiguredMetric: Sendable, Hashable {
    public enum Definition: Sendable, Hashable {
        /// The `--metric` argument form.
        case metric(String)
        /// The `--ratio NAME=NUMERATOR/DENOMINATOR` form.
        case ratio(name: String, numerator: String, denominator: String)
    }

    public var definition: Definition
    /// `goal`, `guardrail` or `secondary`, when written (checked by the config reader).
    public var role: String?
    /// `increase` or `decrease`, when written.
    public var direction: String?
    /// A guardrail's non-inferiority margin (finite, > 0), when written.
    public var margin: Double?
    /// Where it was written: config file, key path (`experiments[0].metrics[2]`), line and column.
    public var file: String
    public var keyPath: String
    public var line: Int?
    public var column: Int?

    public init(definition: Definition, file: String, keyPath: String, line: Int? = nil, column: Int? = nil) {
        self.definition = definition
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.column = column
    }

    /// A located error about this metric, in the form of every config error.
    public func error(_ message: String) -> ExperimentError {
        ExperimentError(file: file, keyPath: keyPath, line: line, column: column, message: message)
    }
}

extension ExperimentConfig {
    static func metrics(_ node: ConfigNode, _ path: String, _ reader: ConfigReader) throws -> [ConfiguredMetric] {
        try reader.list(node, path).enumerated().map { index, item in
            let itemPath = "\(path)[\(index)]"
            let located = { (definition: ConfiguredMetric.Definition) in
                ConfiguredMetric(definition: definition, file: reader.file, keyPath: itemPath, line: item.line, column: item.column)
            }
            if case .scalar = item.kind { return located(.metric(try reader.nonEmptyString(item, itemPath))) }
            let fields = try reader.map(item, itemPath, allowed: ["name", "ratio", "role", "direction", "margin"])
            guard let nameNode = fields["name"] else { throw reader.error(item, itemPath, "missing 'name'") }
            let name = try reader.nonEmptyString(nameNode, "\(itemPath).name")
            var metric: ConfiguredMetric
            if let ratioNode = fields["ratio"] {
                metric = located(try ratio(name: name, ratioNode, itemPath, reader))
            } else {
                metric = located(.metric(name))
            }
            if let node = fields["role"] {
                let role = try reader.string(node, "\(itemPath).role")
                guard ["goal", "guardrail", "secondary"].contains(role) else {
                    throw reader.error(node, "\(itemPath).role", "expected goal, guardrail or secondary, got '\(role)'")
                }
                metric.role = role
            }
            if let node = fields["direction"] {
                let direction = try reader.string(node, "\(itemPath).direction")
                guard ["increase", "decrease"].contains(direction) else {
                    throw reader.error(node, "\(itemPath).direction", "expected increase or decrease, got '\(direction)'")
                }
                metric.direction = direction
            }
            if let node = fields["margin"] {
                let margin = try reader.number(node, "\(itemPath).margin")
                guard margin > 0 else {
                    throw reader.error(node, "\(itemPath).margin", "must be a share greater than 0 (e.g. 0.01 for 1%), got \(margin)")
                }
                guard metric.role == "guardrail" else {
                    throw reader.error(node, "\(itemPath).margin", "a margin applies to 'role: guardrail' (the largest tolerated harm)")
                }
                metric.margin = margin
            }
            return metric
        }
    }

    private static func ratio(name: String, _ ratioNode: ConfigNode, _ itemPath: String, _ reader: ConfigReader) throws -> ConfiguredMetric.Definition {
        let ratio = try reader.nonEmptyString(ratioNode, "\(itemPath).ratio")
        let parts = ratio.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw reader.error(ratioNode, "\(itemPath).ratio", "expected NUMERATOR/DENOMINATOR, got '\(ratio)'")
        }
        return .ratio(name: name, numerator: String(parts[0]), denominator: String(parts[1]))
    }
}

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
/// ```
public struct ConfiguredMetric: Sendable, Hashable {
    public enum Definition: Sendable, Hashable {
        /// The `--metric` argument form.
        case metric(String)
        /// The `--ratio NAME=NUMERATOR/DENOMINATOR` form.
        case ratio(name: String, numerator: String, denominator: String)
    }

    public var definition: Definition
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
            let fields = try reader.map(item, itemPath, allowed: ["name", "ratio"])
            guard let nameNode = fields["name"] else { throw reader.error(item, itemPath, "missing 'name'") }
            guard let ratioNode = fields["ratio"] else {
                throw reader.error(item, itemPath, "missing 'ratio: NUMERATOR/DENOMINATOR' (or write the metric as a string)")
            }
            let name = try reader.nonEmptyString(nameNode, "\(itemPath).name")
            let ratio = try reader.nonEmptyString(ratioNode, "\(itemPath).ratio")
            let parts = ratio.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw reader.error(ratioNode, "\(itemPath).ratio", "expected NUMERATOR/DENOMINATOR, got '\(ratio)'")
            }
            return located(.ratio(name: name, numerator: String(parts[0]), denominator: String(parts[1])))
        }
    }
}

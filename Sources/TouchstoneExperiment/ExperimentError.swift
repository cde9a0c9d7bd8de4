/// A problem in an experiment config, located by file, key path and (for YAML and JSON read by
/// the YAML parser) line and column.
///
/// Printed as `file:line:column: key.path: problem`, the compiler convention editors jump to.
public struct ExperimentError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// The key path of the offending value, e.g. `experiments[2].variants[1].weight`.
    public var keyPath: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(file: String, keyPath: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }
}

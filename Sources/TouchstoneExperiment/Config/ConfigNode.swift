import Yams

/// A parsed config document, independent of YAML or JSON, that remembers where each value was.
///
/// Both formats go through libyaml (via Yams): JSON is valid YAML flow syntax, so one parser
/// gives line and column for either. Scalars keep their source text, so a variant called `off`
/// stays the string `off` where a name is expected, while a plain `5` is a number where one is.
struct ConfigNode {
    enum Kind {
        /// `text` as written; `quoted` scalars are always strings.
        case scalar(text: String, quoted: Bool, type: ScalarType)
        case list([ConfigNode])
        case map([(key: String, value: ConfigNode)])
        case null
    }

    /// What a plain scalar resolves to under YAML's core schema.
    enum ScalarType { case string, number, bool }

    let kind: Kind
    let line: Int?
    let column: Int?

    /// Parses `text`; YAML syntax errors (and JSON ones) are reported with their position.
    static func parse(_ text: String, file: String) throws -> ConfigNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            // Yams finds repeated keys while composing, before ConfigNode's own check could
            // name the key path; its context mark is where the mapping holding them is.
            throw ExperimentError(
                file: file, keyPath: "", line: context.mark.line, column: context.mark.column,
                message: "duplicate key(s) \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")) in this mapping: give each key once")
        } catch let error as YamlError {
            throw ExperimentError(file: file, keyPath: "", message: "cannot parse: \(Self.describe(error))")
        }
        guard let root else { throw ExperimentError(file: file, keyPath: "", message: "the config is empty") }
        var budget = maximumNodes
        return try ConfigNode(root, file: file, path: "", budget: &budget)
    }

    /// The most values (scalars, lists and mappings) a config may hold once YAML aliases are
    /// expanded. libyaml resolves an alias by sharing the anchored node, so a 1 KB "billion
    /// laughs" document composes cheaply but would expand to 10⁹ values here; counting while
    /// converting refuses it after this many, in bounded time and memory. Real configs hold a
    /// few hundred values.
    static let maximumNodes = 100_000

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)"
        case let .duplicatedKeysInMapping(duplicates, _):
            return "duplicate key(s) \(duplicates.map { "'\($0)'" }.joined(separator: ", "))"
        default:
            return "\(error)"
        }
    }

    private init(kind: Kind, line: Int?, column: Int?) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    private init(_ node: Node, file: String, path: String, budget: inout Int) throws {
        let mark = node.mark
        budget -= 1
        guard budget >= 0 else {
            throw ExperimentError(
                file: file, keyPath: path, line: mark?.line, column: mark?.column,
                message: "the config holds more than \(Self.maximumNodes) values once YAML aliases are expanded: refused (an alias bomb?)")
        }
        switch node {
        case .scalar(let scalar):
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
                || scalar.style == .literal || scalar.style == .folded
            if !quoted, node.null != nil {
                self.init(kind: .null, line: mark?.line, column: mark?.column)
            } else {
                // Yams reads YAML 1.1 sexagesimal integers (`1:5:05` = 3905) with trapping Int
                // arithmetic, so a long one such as `1:5:05:1:5:1:51:5:05:1:5:1:51:5` crashed the
                // process (found by FuzzTargeting). Never ask Yams for an Int when the text has a
                // colon: such scalars are strings to Touchstone anyway (`Double(text)` is nil).
                let isInteger = !scalar.string.contains(":") && node.int != nil
                let type: ScalarType = quoted ? .string : node.bool != nil ? .bool
                    : isInteger || node.float != nil ? .number : .string
                self.init(kind: .scalar(text: scalar.string, quoted: quoted, type: type), line: mark?.line, column: mark?.column)
            }
        case .sequence(let sequence):
            var items: [ConfigNode] = []
            for (index, item) in sequence.enumerated() {
                items.append(try ConfigNode(item, file: file, path: "\(path)[\(index)]", budget: &budget))
            }
            self.init(kind: .list(items), line: mark?.line, column: mark?.column)
        case .mapping(let mapping):
            var pairs: [(key: String, value: ConfigNode)] = []
            var seen: Set<String> = []
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    throw ExperimentError(
                        file: file, keyPath: path, line: key.mark?.line, column: key.mark?.column,
                        message: "keys must be plain strings")
                }
                let childPath = path.isEmpty ? name : "\(path).\(name)"
                guard seen.insert(name).inserted else {
                    throw ExperimentError(
                        file: file, keyPath: childPath, line: key.mark?.line, column: key.mark?.column,
                        message: "duplicate key '\(name)'")
                }
                pairs.append((name, try ConfigNode(value, file: file, path: childPath, budget: &budget)))
            }
            self.init(kind: .map(pairs), line: mark?.line, column: mark?.column)
        case .alias:
            throw ExperimentError(
                file: file, keyPath: path, line: mark?.line, column: mark?.column,
                message: "YAML aliases are not supported in experiment configs")
        }
    }
}

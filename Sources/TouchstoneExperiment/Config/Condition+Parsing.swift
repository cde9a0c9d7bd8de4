import Foundation

extension ConfigReader {
    /// Parses a `targeting:` map into a ``Condition`` (syntax in ``Condition``).
    func condition(_ node: ConfigNode, _ path: String) throws -> Condition {
        guard case .map(let pairs) = node.kind else { throw error(node, path, "expected a mapping of attribute: condition") }
        var parts: [Condition] = []
        for (key, value) in pairs {
            let childPath = "\(path).\(key)"
            switch key.hasPrefix("$") ? String(key.dropFirst()) : key {
            case "and": parts.append(.all(try list(value, childPath).enumerated().map { try condition($1, "\(childPath)[\($0)]") }))
            case "or":
                let items = try list(value, childPath)
                guard !items.isEmpty else { throw error(value, childPath, "'or' needs at least one condition") }
                parts.append(.any(try items.enumerated().map { try condition($1, "\(childPath)[\($0)]") }))
            case "not": parts.append(.not(try condition(value, childPath)))
            default: parts.append(.field(key, try fieldTest(value, childPath)))
            }
        }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    private static let operators = [
        "eq", "ne", "in", "nin", "gt", "gte", "lt", "lte", "veq", "vne", "vgt", "vgte", "vlt", "vlte",
        "regex", "exists", "not",
    ]

    func fieldTest(_ node: ConfigNode, _ path: String) throws -> FieldTest {
        guard case .map(let pairs) = node.kind else {
            // `country: US` means equals.
            if case .list = node.kind { throw error(node, path, "a list needs an operator: use { in: [...] }") }
            return .equals(try literal(node, path))
        }
        var tests: [FieldTest] = []
        for (key, value) in pairs {
            let name = key.hasPrefix("$") ? String(key.dropFirst()) : key
            let childPath = "\(path).\(key)"
            switch name {
            case "eq": tests.append(.equals(try literal(value, childPath)))
            case "ne": tests.append(.notEquals(try literal(value, childPath)))
            case "in", "nin":
                let values = try list(value, childPath).enumerated().map { try literal($1, "\(childPath)[\($0)]") }
                tests.append(name == "in" ? .isIn(values) : .notIn(values))
            case "gt", "gte", "lt", "lte":
                let comparison = Self.comparison(name)
                switch try literal(value, childPath) {
                case .number(let number): tests.append(.number(comparison, number))
                case .string(let text):
                    guard let version = SemanticVersion(text) else {
                        throw error(value, childPath, "'\(text)' is neither a number nor a version")
                    }
                    tests.append(.version(comparison, version))
                case .bool: throw error(value, childPath, "cannot compare with a boolean")
                }
            case "veq", "vne", "vgt", "vgte", "vlt", "vlte":
                let text = try string(value, childPath)
                guard let version = SemanticVersion(text) else { throw error(value, childPath, "'\(text)' is not a version") }
                tests.append(.version(Self.comparison(String(name.dropFirst())), version))
            case "regex":
                let pattern = try string(value, childPath)
                do {
                    tests.append(.regex(try NSRegularExpression(pattern: pattern)))
                } catch {
                    throw self.error(value, childPath, "invalid regular expression '\(pattern)'")
                }
            case "exists": tests.append(.exists(try bool(value, childPath)))
            case "not": tests.append(.not(try fieldTest(value, childPath)))
            default:
                throw error(value, childPath, "unknown operator '\(key)'; known: \(Self.operators.joined(separator: ", "))")
            }
        }
        guard !tests.isEmpty else { throw error(node, path, "an empty condition") }
        return tests.count == 1 ? tests[0] : .all(tests)
    }

    private static func comparison(_ name: String) -> Comparison {
        switch name {
        case "eq": return .equal
        case "ne": return .notEqual
        case "gt": return .greater
        case "gte": return .greaterOrEqual
        case "lt": return .less
        default: return .lessOrEqual
        }
    }
}

/// Typed access to a ``ConfigNode`` tree that turns every mismatch into an ``ExperimentError``
/// naming the file, key path, line and column.
struct ConfigReader {
    let file: String

    func error(_ node: ConfigNode?, _ path: String, _ message: String) -> ExperimentError {
        ExperimentError(file: file, keyPath: path, line: node?.line, column: node?.column, message: message)
    }

    func map(_ node: ConfigNode, _ path: String, allowed: [String]) throws -> [String: ConfigNode] {
        guard case .map(let pairs) = node.kind else { throw error(node, path, "expected a mapping (key: value, …)") }
        var result: [String: ConfigNode] = [:]
        for (key, value) in pairs {
            guard allowed.contains(key) else {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                let hint = allowed.min { editDistance($0, key) < editDistance($1, key) }
                    .flatMap { editDistance($0, key) <= 2 ? " (did you mean '\($0)'?)" : nil } ?? ""
                throw error(value, childPath, "unknown key '\(key)'\(hint); known keys: \(allowed.joined(separator: ", "))")
            }
            result[key] = value
        }
        return result
    }

    func list(_ node: ConfigNode, _ path: String) throws -> [ConfigNode] {
        guard case .list(let items) = node.kind else { throw error(node, path, "expected a list") }
        return items
    }

    func string(_ node: ConfigNode, _ path: String) throws -> String {
        guard case .scalar(let text, _, _) = node.kind else { throw error(node, path, "expected a string") }
        return text
    }

    func nonEmptyString(_ node: ConfigNode, _ path: String) throws -> String {
        let text = try string(node, path)
        guard !text.trimmingSpaces().isEmpty else { throw error(node, path, "must not be empty") }
        return text
    }

    func number(_ node: ConfigNode, _ path: String) throws -> Double {
        guard case .scalar(let text, _, _) = node.kind, let value = Double(text.trimmingSpaces()), value.isFinite else {
            throw error(node, path, "expected a finite number")
        }
        return value
    }

    func bool(_ node: ConfigNode, _ path: String) throws -> Bool {
        guard case .scalar(let text, let quoted, _) = node.kind, !quoted else { throw error(node, path, "expected true or false") }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(node, path, "expected true or false")
        }
    }

    /// A targeting literal typed as written: quoted → string; plain → bool, number or string.
    func literal(_ node: ConfigNode, _ path: String) throws -> ConditionValue {
        guard case .scalar(let text, let quoted, let type) = node.kind else {
            throw error(node, path, "expected a string, number or boolean")
        }
        if quoted { return .string(text) }
        switch type {
        case .bool: return .bool(try bool(node, path))
        case .number: if let value = Double(text), value.isFinite { return .number(value) }
        case .string: break
        }
        return .string(text)
    }

    /// Levenshtein distance, for "did you mean" hints on misspelt keys.
    private func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

import Foundation

/// Rewrites the variant weights of one experiment in a config's text, leaving every other byte
/// as it was: comments, key order, quoting, indentation and the other experiments.
///
/// Only the numbers are replaced, at the line and column libyaml reports for each `weight:`
/// scalar (YAML and JSON alike, since JSON is YAML flow syntax). So every variant of the
/// experiment must already carry an explicit, unquoted `weight:` — a bare variant name, a map
/// without `weight` or a `factorial:` list is refused with its position rather than rewritten
/// (inserting keys would mean re-serialising, which loses comments and layout). The new text
/// is parsed and validated again before it is returned, so a caller never writes a config that
/// `touchstone assign` would reject.
///
/// Note: changing weights moves bucket boundaries, so some already-assigned units change arm
/// (``BucketRanges``); a bandit accepts that, a fixed-horizon experiment would not.
public enum ConfigWeightsUpdate {
    /// The config `text` with experiment `key`'s weights set to `weights` (variant name →
    /// weight, every variant exactly once), each written with 6 significant digits.
    public static func update(text: String, file: String, experiment key: String, weights: [String: Double]) throws -> String {
        let reader = ConfigReader(file: file)
        let root = try ConfigNode.parse(text, file: file)
        guard case .map(let top) = root.kind, let experimentsNode = top.first(where: { $0.key == "experiments" })?.value else {
            throw reader.error(root, "experiments", "missing: the config must list its experiments")
        }
        let items = try reader.list(experimentsNode, "experiments")
        var found: (node: ConfigNode, path: String)?
        for (index, item) in items.enumerated() {
            guard case .map(let fields) = item.kind, let keyNode = fields.first(where: { $0.key == "key" })?.value,
                case .scalar(let text, _, _) = keyNode.kind, text == key
            else { continue }
            found = (item, "experiments[\(index)]")
        }
        guard let found, case .map(let fields) = found.node.kind else {
            throw ExperimentError(file: file, keyPath: "experiments", message: "no experiment with key '\(key)'")
        }
        let (experimentNode, path) = found
        guard let variantsNode = fields.first(where: { $0.key == "variants" })?.value else {
            throw reader.error(
                experimentNode, path,
                "'\(key)' lists no 'variants' (a 'factorial:' list has no weights to update): write its arms as variants with explicit weights")
        }
        var edits: [(line: Int, column: Int, length: Int, text: String)] = []
        var seen: Set<String> = []
        for (index, item) in try reader.list(variantsNode, "\(path).variants").enumerated() {
            let itemPath = "\(path).variants[\(index)]"
            guard case .map(let variant) = item.kind,
                let nameNode = variant.first(where: { $0.key == "name" })?.value, case .scalar(let name, _, _) = nameNode.kind
            else {
                throw reader.error(item, itemPath, "give this variant as { name: …, weight: … } so its weight can be updated in place")
            }
            guard let weightNode = variant.first(where: { $0.key == "weight" })?.value,
                case .scalar(let written, let quoted, .number) = weightNode.kind, !quoted,
                let line = weightNode.line, let column = weightNode.column
            else {
                throw reader.error(item, itemPath, "variant '\(name)' has no plain numeric 'weight:' to update: add one (e.g. weight: 1)")
            }
            guard let weight = weights[name] else {
                throw reader.error(item, itemPath, "variant '\(name)' has no weight in the bandit result (arms: \(weights.keys.sorted().joined(separator: ", ")))")
            }
            guard weight > 0, weight.isFinite else {
                throw reader.error(weightNode, "\(itemPath).weight", "the new weight \(weight) of '\(name)' is not positive: use --min-share > 0")
            }
            seen.insert(name)
            edits.append((line, column, written.unicodeScalars.count, format(weight)))
        }
        let missing = Set(weights.keys).subtracting(seen).sorted()
        guard missing.isEmpty else {
            throw reader.error(variantsNode, "\(path).variants", "the bandit result has arms the experiment does not list: \(missing.joined(separator: ", "))")
        }
        let updated = try apply(edits, to: text, file: file)
        // The result must be a valid config whose experiment now has exactly these weights.
        let check = try ExperimentConfig(text: updated, file: file)
        guard let experiment = check.experiment(key),
            experiment.variants.allSatisfy({ variant in weights[variant.name].map { format($0) == format(variant.weight) } ?? false })
        else {
            throw ExperimentError(file: file, keyPath: path, message: "internal error: the rewritten config does not read back the new weights")
        }
        return updated
    }

    /// Six significant digits: weights are relative shares, and the bucketing resolution (1e-4
    /// of traffic) is far coarser.
    static func format(_ weight: Double) -> String { String(format: "%.6g", weight) }

    /// Replaces `length` characters at each (1-based line, 1-based column, counted in Unicode
    /// scalars as libyaml does).
    private static func apply(_ edits: [(line: Int, column: Int, length: Int, text: String)], to text: String, file: String) throws -> String {
        var scalars = Array(text.unicodeScalars)
        var lineStarts = [0]
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" { lineStarts.append(offset + 1) }
        let positioned = try edits.map { edit -> (start: Int, length: Int, text: String) in
            guard edit.line >= 1, edit.line <= lineStarts.count else {
                throw ExperimentError(file: file, keyPath: "", message: "internal error: weight at line \(edit.line) outside the text")
            }
            let start = lineStarts[edit.line - 1] + edit.column - 1
            guard start >= 0, start + edit.length <= scalars.count else {
                throw ExperimentError(file: file, keyPath: "", message: "internal error: weight at \(edit.line):\(edit.column) outside the text")
            }
            return (start, edit.length, edit.text)
        }
        for edit in positioned.sorted(by: { $0.start > $1.start }) {
            scalars.replaceSubrange(edit.start..<(edit.start + edit.length), with: Array(edit.text.unicodeScalars))
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}

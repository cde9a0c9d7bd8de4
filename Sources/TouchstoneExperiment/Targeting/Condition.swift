import Foundation

/// A targeting rule over a unit's attributes, parsed from the config's `targeting:` map.
///
/// The syntax follows GrowthBook's (MongoDB-style) conditions, with or without the `$`:
/// ```yaml
/// targeting:
///   country: { in: [US, CA] }          # field: { operator: operand, … } — all must hold
///   plan: pro                          # a bare value means equals
///   app_version: { gte: "5.2.0" }      # string operand: semantic-version comparison
///   age: { gte: 18, lt: 65 }           # number operand: numeric comparison
///   or: [ { beta: true }, { email: { regex: "@example\\.com$" } } ]
///   not: { country: { nin: [US] } }
/// ```
/// Operators: `eq` `ne` `in` `nin` (not in) `gt` `gte` `lt` `lte` `veq` `vne` `vgt` `vgte` `vlt`
/// `vlte` (always versions) `regex` `exists`, and `and` / `or` / `not` at any level.
/// A missing attribute fails every operator except `exists: false`, `ne` and `nin`.
public indirect enum Condition: Sendable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case field(String, FieldTest)

    /// `true` when `attributes` satisfy the rule.
    public func matches(_ attributes: some AttributeSource) -> Bool {
        switch self {
        case .all(let conditions): return conditions.allSatisfy { $0.matches(attributes) }
        case .any(let conditions): return conditions.contains { $0.matches(attributes) }
        case .not(let condition): return !condition.matches(attributes)
        case .field(let name, let test): return test.matches(attributes.attribute(name))
        }
    }
}

/// Attribute look-up for targeting: any `[String: String]`, or a reader's row.
public protocol AttributeSource {
    /// The attribute's value as text, `nil` when the unit does not have it.
    func attribute(_ name: String) -> String?
}

extension Dictionary: AttributeSource where Key == String, Value == String {
    public func attribute(_ name: String) -> String? { self[name] }
}

/// A literal from the config: typed, because `5` and `"5"` compare differently.
public enum ConditionValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)

    /// Equality with an attribute's text: numbers compare numerically, booleans accept
    /// `true`/`false` in any case and `1`/`0`.
    public func equals(_ text: String) -> Bool {
        switch self {
        case .string(let value): return value == text
        case .number(let value): return Double(text.trimmingSpaces()) == value
        case .bool(let value):
            switch text.lowercased() {
            case "true", "1": return value
            case "false", "0": return !value
            default: return false
            }
        }
    }

    public var description: String {
        switch self {
        case .string(let value): return value
        case .number(let value): return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .bool(let value): return String(value)
        }
    }
}

/// The comparison operators shared by numbers and versions.
public enum Comparison: String, Sendable, Hashable {
    case equal, notEqual, greater, greaterOrEqual, less, lessOrEqual

    func holds<T: Comparable>(_ lhs: T, _ rhs: T) -> Bool {
        switch self {
        case .equal: return lhs == rhs
        case .notEqual: return lhs != rhs
        case .greater: return lhs > rhs
        case .greaterOrEqual: return lhs >= rhs
        case .less: return lhs < rhs
        case .lessOrEqual: return lhs <= rhs
        }
    }
}

/// One operator applied to one attribute.
public indirect enum FieldTest: @unchecked Sendable {
    // NSRegularExpression is immutable after creation and documented thread-safe for matching,
    // hence the unchecked Sendable.
    case equals(ConditionValue)
    case notEquals(ConditionValue)
    case isIn([ConditionValue])
    case notIn([ConditionValue])
    case number(Comparison, Double)
    case version(Comparison, SemanticVersion)
    case regex(NSRegularExpression)
    case exists(Bool)
    case all([FieldTest])
    case not(FieldTest)

    public func matches(_ value: String?) -> Bool {
        switch self {
        case .exists(let expected): return (value != nil) == expected
        case .notEquals(let literal): return value.map { !literal.equals($0) } ?? true
        case .notIn(let literals): return value.map { text in !literals.contains { $0.equals(text) } } ?? true
        case .not(let test): return !test.matches(value)
        case .all(let tests): return tests.allSatisfy { $0.matches(value) }
        default: break
        }
        guard let value else { return false }
        switch self {
        case .equals(let literal): return literal.equals(value)
        case .isIn(let literals): return literals.contains { $0.equals(value) }
        case .number(let comparison, let operand):
            guard let number = Double(value.trimmingSpaces()) else { return false }
            return comparison.holds(number, operand)
        case .version(let comparison, let operand):
            guard let version = SemanticVersion(value) else { return false }
            return comparison.holds(version, operand)
        case .regex(let expression):
            let range = NSRange(value.startIndex..<value.endIndex, in: value)
            return expression.firstMatch(in: value, range: range) != nil
        case .exists, .notEquals, .notIn, .not, .all: return false  // handled above
        }
    }
}

/// A table or column name given by the user, checked before it goes anywhere near SQL.
///
/// Only `[A-Za-z_][A-Za-z0-9_]*` is accepted, optionally schema-qualified with one dot
/// (`analytics.exposures`). Anything else — quotes, spaces, semicolons, comments — is refused
/// with an error rather than escaped, so no flag can smuggle SQL into a query. Accepted names
/// are still quoted per dialect (``SQLDialect/quote(_:)``), which also keeps reserved words
/// such as `timestamp` and `value` usable as column names.
public struct SQLIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The dot-separated parts: one (`events`) or two (`analytics.events`).
    public let parts: [String]

    /// Validates `name`; `what` names the flag or role in the error (e.g. "--events-table").
    public init(_ name: String, what: String) throws(SQLError) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), parts.allSatisfy(Self.isPlainName) else {
            throw SQLError(
                "\(what) '\(name)' is not a valid table or column name: use letters, digits and _ "
                    + "(not starting with a digit), optionally schema.name")
        }
        self.parts = parts
    }

    /// A column name: one part, no schema.
    public init(column name: String, what: String) throws(SQLError) {
        try self.init(name, what: what)
        guard parts.count == 1 else { throw SQLError("\(what) '\(name)' must be a plain column name (no schema)") }
    }

    public var description: String { parts.joined(separator: ".") }

    static func isPlainName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 128 else { return false }
        func isLetter(_ byte: UInt8) -> Bool { (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95 }
        guard isLetter(first) else { return false }
        return name.utf8.allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) }
    }
}

/// A problem with a push-down query: a refused identifier, an unsupported request, a result
/// that does not have the expected shape.
public struct SQLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

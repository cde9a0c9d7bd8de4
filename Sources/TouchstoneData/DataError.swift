/// An error in user-supplied data, located as precisely as the reader knows it.
///
/// The description follows the compiler convention `file:line:column: message` so editors and
/// terminals can jump to the spot. Lines and columns are 1-based; column counts fields for
/// delimited files (the n-th field) and is `nil` when the problem concerns a whole line or file.
public struct DataError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
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
        return "\(location): \(message)"
    }
}

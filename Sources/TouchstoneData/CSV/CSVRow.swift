/// One data row: fields by index, as text or numbers.
///
/// The same type serves both formats of ``CSVReader``. In JSON Lines a field is the value of
/// the key that is the column's name; a key absent from the line, `null` and `""` are all empty
/// fields (``isEmpty(_:)``), and errors point at the value's byte column (or the start of the
/// line, naming the key, when the key is absent).
public struct CSVRow: ~Copyable {
    let buffer: UnsafeBufferPointer<UInt8>
    /// The fields of this row, owned by the scanner and valid during the callback only.
    let fields: UnsafeBufferPointer<CSVField>
    /// The 1-based line on which the row starts.
    public let line: Int
    /// The file name and (JSON Lines) key table are the reader's, borrowed for the callback like
    /// `fields`: a row is built per line, and retaining a heap string and a class reference for
    /// each cost 16% of a JSON Lines scan's CPU in atomic reference counting. Read for errors only.
    private let namePointer: UnsafePointer<String>
    /// JSON Lines only: where the line starts (columns are byte columns) and the key names.
    private let jsonLineStart: Int
    private let jsonKeys: Unmanaged<JSONKeyTable>?

    /// `name` must outlive the row, as `buffer` and `fields` must (the reader's loops keep them).
    init(
        buffer: UnsafeBufferPointer<UInt8>, fields: UnsafeBufferPointer<CSVField>, line: Int, name: UnsafePointer<String>,
        json: (lineStart: Int, keys: Unmanaged<JSONKeyTable>)? = nil
    ) {
        self.buffer = buffer
        self.fields = fields
        self.line = line
        self.namePointer = name
        self.jsonLineStart = json?.lineStart ?? 0
        self.jsonKeys = json?.keys
    }

    var name: String { namePointer.pointee }
    var json: (lineStart: Int, keys: JSONKeyTable)? {
        jsonKeys.map { (jsonLineStart, $0.takeUnretainedValue()) }
    }

    public var count: Int { fields.count }

    /// Field `index`; an index past the row (a JSON key registered after the scan started) reads
    /// as an absent key rather than outside the buffer.
    private func field(_ index: Int) -> CSVField {
        guard index >= 0, index < fields.count else {
            let start = jsonLineStart
            return CSVField(start: start, end: start, kind: .missing)
        }
        return fields[index]
    }

    /// The field's text with RFC 4180 quoting (or JSON escaping) removed.
    public func string(_ index: Int) -> String {
        field(index).string(in: buffer)
    }

    /// The field's text, or a located error when its bytes are not valid UTF-8.
    ///
    /// Use it for names that identify something (variants, arms): ``string(_:)`` repairs bad
    /// bytes to U+FFFD, so two different malformed names would silently become one.
    public func text(_ index: Int, column: String? = nil) throws -> String {
        guard let text = field(index).validatedString(in: buffer) else {
            throw error(index, "the field is not valid UTF-8 text\(column.map { " in column '\($0)'" } ?? "")")
        }
        return text
    }

    /// `true` when the field is empty: an empty CSV field; in JSON Lines also `null` or a missing key.
    public func isEmpty(_ index: Int) -> Bool {
        field(index).isBlank
    }

    /// The field as a finite number, or a located error.
    public func double(_ index: Int, column: String? = nil) throws -> Double {
        let field = field(index)
        let value: Double?
        switch field.kind {
        case .quoted, .escaped:
            value = field.withBytes(in: buffer) { NumberParsing.double($0, 0, $0.count) }
        case .plain, .quotedVerbatim, .jsonString, .empty, .missing:
            value = NumberParsing.double(buffer, field.start, field.end)
        }
        guard let value else {
            throw error(index, "'\(string(index))' is not a finite number\(column.map { " in column '\($0)'" } ?? "")")
        }
        return value
    }

    /// The field as a whole number, or a located error.
    public func integer(_ index: Int, column: String? = nil) throws -> Int {
        let value = try double(index, column: column)
        guard value == value.rounded(), abs(value) <= 9.007_199_254_740_992e15 else {
            throw error(index, "'\(string(index))' is not a whole number\(column.map { " in column '\($0)'" } ?? "")")
        }
        return Int(value)
    }

    /// A ``DataError`` located at this row and the given field.
    ///
    /// Delimited text: the column is the 1-based field number. JSON Lines: the column is the
    /// 1-based byte column of the value; for a key absent from the line it is the start of the
    /// line, and the message names the missing key.
    public func error(_ index: Int, _ message: String) -> DataError {
        guard let json else { return DataError(file: name, line: line, column: index + 1, message: message) }
        let field = field(index)
        if field.kind == .missing {
            return DataError(
                file: name, line: line, column: 1,
                message: "\(message) (the line has no key '\(json.keys.name(at: index))')")
        }
        return DataError(file: name, line: line, column: field.valueStart - json.lineStart + 1, message: message)
    }

    /// The field's bytes in the input when they need no unescaping (plain and verbatim-quoted
    /// fields, JSON strings without escapes), valid during the callback; `nil` otherwise.
    /// Lets hot loops skip ``withBytes(_:_:)``'s closure for the common case.
    func inPlaceBytes(_ index: Int) -> UnsafeBufferPointer<UInt8>? {
        field(index).inPlaceBytes(in: buffer)
    }

    /// Calls `body` with the raw bytes of a field (for hashing or interning without a `String`);
    /// quoted CSV fields and escaped JSON strings are unescaped into a temporary copy.
    public func withBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try field(index).withBytes(in: buffer, body)
    }
}

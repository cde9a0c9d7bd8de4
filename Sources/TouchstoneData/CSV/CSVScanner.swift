/// The record splitter shared by the header and body passes.
struct CSVScanner: @unchecked Sendable {
    let delimiter: UInt8
    private(set) var fields: [CSVField] = []
    private(set) var fieldCount = 0

    init(delimiter: UInt8) {
        self.delimiter = delimiter
        fields.reserveCapacity(16)
    }

    /// Stores field number `count` (the limit of columns checked first, as every record's
    /// fields are counted); `false` when `storage` is full.
    @inline(__always)
    private static func store(
        _ field: CSVField, into storage: UnsafeMutableBufferPointer<CSVField>, count: inout Int, line: Int, name: String
    ) throws -> Bool {
        guard count < InputLimits.maximumColumns else {
            throw DataError(
                file: name, line: line, column: count + 1,
                message: "more than \(InputLimits.maximumColumns) fields on one record (the limit of columns)")
        }
        guard count < storage.count else { return false }
        storage[count] = field
        count += 1
        return true
    }

    /// Splits the record starting at `offset`; `nil` at end of input.
    ///
    /// Fields are written through a pointer into ``fields``: storing into the array checked its
    /// uniqueness for every field. A record with more fields than the array holds is split again
    /// after the array grows (records are read-only bytes, so splitting twice is the same split).
    mutating func nextRecord(
        _ buffer: UnsafeBufferPointer<UInt8>, from offset: Int, line: Int, name: String
    ) throws -> (next: Int, nextLine: Int)? {
        guard offset < buffer.count else { return nil }
        let delimiter = self.delimiter
        while true {
            var count = 0
            let outcome = try fields.withUnsafeMutableBufferPointer { storage in
                try Self.split(buffer, from: offset, line: line, name: name, delimiter: delimiter, into: storage, count: &count)
            }
            if let outcome {
                fieldCount = count
                return outcome
            }
            fields.append(contentsOf: repeatElement(CSVField(start: 0, end: 0, kind: .empty), count: max(16, fields.count)))
        }
    }

    /// One record's fields into `storage`; `nil` when they do not fit.
    @inline(__always)
    private static func split(
        _ buffer: UnsafeBufferPointer<UInt8>, from offset: Int, line: Int, name: String, delimiter: UInt8,
        into storage: UnsafeMutableBufferPointer<CSVField>, count fieldCount: inout Int
    ) throws -> (next: Int, nextLine: Int)? {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var index = offset
        var currentLine = line
        while true {
            if index < buffer.count, buffer[index] == quote {
                let startLine = currentLine
                let start = index + 1
                let scanned = Self.quotedField(buffer, from: start, line: &currentLine)
                index = scanned.end
                // The limit applies to the bytes looked at before the closing quote (or the end of input).
                guard (scanned.closed ? index : index - 1) - start <= InputLimits.maximumFieldBytes else {
                    throw Self.tooLong(name: name, line: startLine, column: fieldCount + 1)
                }
                guard scanned.closed else {
                    throw DataError(
                        file: name, line: startLine, column: fieldCount + 1,
                        message: "unterminated quoted field")
                }
                guard try store(
                    CSVField(start: start, end: index, kind: scanned.escaped ? .quoted : .quotedVerbatim),
                    into: storage, count: &fieldCount, line: startLine, name: name)
                else { return nil }
                index += 1
                guard index < buffer.count else { return (index, currentLine) }
                let byte = buffer[index]
                if byte == delimiter {
                    index += 1
                    continue
                }
                if byte == newline { return (index + 1, currentLine + 1) }
                if byte == cr, index + 1 < buffer.count, buffer[index + 1] == newline {
                    return (index + 2, currentLine + 1)
                }
                throw DataError(
                    file: name, line: currentLine, column: fieldCount,
                    message: "unexpected text after a closing quote")
            }
            let start = index
            // A field may hold maximumFieldBytes bytes: a delimiter or line break may follow at
            // `limit`, any other byte there is one too many.
            let limit = min(buffer.count, start + InputLimits.maximumFieldBytes)
            index = ByteSearch.first(delimiter, newline, quote, in: buffer, from: index, before: limit)
            if index < buffer.count {
                let byte = buffer[index]
                if byte != delimiter && byte != newline {
                    guard index < limit else { throw Self.tooLong(name: name, line: currentLine, column: fieldCount + 1) }
                    throw DataError(
                        file: name, line: currentLine, column: fieldCount + 1,
                        message: "a quote inside an unquoted field (quote the whole field and double the quote)")
                }
            }
            var end = index
            if index < buffer.count, buffer[index] == newline, end > start, buffer[end - 1] == cr { end -= 1 }
            if index == buffer.count, end > start, buffer[end - 1] == cr { end -= 1 }
            guard try store(CSVField(start: start, end: end, kind: .plain), into: storage, count: &fieldCount, line: currentLine, name: name)
            else { return nil }
            if index == buffer.count { return (index, currentLine) }
            if buffer[index] == newline { return (index + 1, currentLine + 1) }
            index += 1
        }
    }

    /// Finds the closing quote of a quoted field whose text starts at `start`: its offset (or
    /// the end of input, `closed` false), whether a doubled quote occurs (only then must the
    /// field be copied to be read), and the line breaks inside, added to `line`.
    ///
    /// One tight loop over the bytes: a quoted field without `""` costs what a plain one does.
    @inline(__always)
    private static func quotedField(
        _ buffer: UnsafeBufferPointer<UInt8>, from start: Int, line: inout Int
    ) -> (end: Int, closed: Bool, escaped: Bool) {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n")
        guard let base = buffer.baseAddress else { return (start, false, false) }
        let count = buffer.count
        var index = start, escaped = false, breaks = 0
        while index < count {
            index = ByteSearch.first(quote, newline, in: buffer, from: index, before: count)
            guard index < count else { break }
            let byte = base[index]
            if byte == quote {
                guard index + 1 < count, base[index + 1] == quote else {
                    line += breaks
                    return (index, true, escaped)
                }
                escaped = true
                index += 2
                continue
            }
            if byte == newline { breaks += 1 }
            index += 1
        }
        line += breaks
        return (count, false, escaped)
    }

    private static func tooLong(name: String, line: Int, column: Int) -> DataError {
        DataError(
            file: name, line: line, column: column,
            message: "a field longer than \(InputLimits.maximumFieldBytes) bytes (the limit of a field)")
    }

    /// The text of field `index`, or `nil` when it is not valid UTF-8.
    func validatedString(_ index: Int, in buffer: UnsafeBufferPointer<UInt8>) -> String? {
        fields[index].validatedString(in: buffer)
    }

    func isBlank(_ index: Int) -> Bool {
        fields[index].isBlank
    }
}

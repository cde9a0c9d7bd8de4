import Testing
import TouchstoneData

/// Quoted fields on the fast path: read in place unless they hold a doubled quote, with the
/// RFC 4180 corner cases exact, and quoted files split into chunks at true record boundaries.
@Suite("Quoted CSV fields")
struct QuotedFieldTests {
    /// Each row's fields as text, as bytes (``CSVRow/withBytes(_:_:)``) and as "blank or not".
    private func parse(_ text: String) throws -> [[(text: String, bytes: [UInt8], blank: Bool)]] {
        let reader = try CSVReader(bytes: Array(text.utf8), name: "q.csv")
        var rows: [[(text: String, bytes: [UInt8], blank: Bool)]] = []
        try reader.forEachRow { row in
            rows.append((0..<row.count).map { (row.string($0), row.withBytes($0) { Array($0) }, row.isEmpty($0)) })
        }
        return rows
    }

    private func error(_ text: String) -> DataError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error as? DataError
        }
    }

    @Test("escaped quotes are unescaped, as text and as bytes")
    func escapedQuotes() throws {
        let rows = try parse("a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n")
        #expect(rows[0].map(\.text) == ["say \"hi\"", "\""])
        #expect(rows[0].map(\.bytes) == [Array("say \"hi\"".utf8), [UInt8(ascii: "\"")]])
    }

    @Test("a quoted delimiter, a quoted line break and a quoted CRLF are text")
    func delimiterAndLineBreaks() throws {
        let rows = try parse("a,b\n\"x,y\",\"1\n2\"\n\"p\r\nq\",\"z\"\n")
        #expect(rows.map { $0.map(\.text) } == [["x,y", "1\n2"], ["p\r\nq", "z"]])
        #expect(rows[0][1].bytes == Array("1\n2".utf8))
    }

    @Test("CRLF line ends after quoted fields, with and without a final line end")
    func crlf() throws {
        #expect(try parse("\"a\",\"b\"\r\n\"1\",\"2\"\r\n\"3\",\"4\"").map { $0.map(\.text) } == [["1", "2"], ["3", "4"]])
        #expect(try parse("\"a\",\"b\"\r\n\"1\",\"2\"\r\n").map { $0.map(\.bytes) } == [[[0x31], [0x32]]])
    }

    @Test("a quoted empty field is empty text, not a missing value; an unquoted one is blank")
    func emptyQuotedField() throws {
        let rows = try parse("a,b,c\n\"\",,\"x\"\n")
        #expect(rows[0].map(\.text) == ["", "", "x"])
        #expect(rows[0].map(\.blank) == [false, true, false])
        #expect(rows[0][0].bytes.isEmpty)
    }

    @Test("numbers in quotes parse exactly; a doubled quote inside a number is an error")
    func quotedNumbers() throws {
        let reader = try CSVReader(bytes: Array("v\n\"1.25\"\n\"-3e2\"\n\"1\"\"5\"\n".utf8), name: "n.csv")
        var values: [Double] = []
        do {
            try reader.forEachRow { row in values.append(try row.double(0, column: "v")) }
            Issue.record("expected an error")
        } catch let error as DataError {
            #expect(error.description == "n.csv:4:1: '1\"5' is not a finite number in column 'v'")
        }
        #expect(values == [1.25, -300])
    }

    @Test("malformed quoting is still an error at file:line:column")
    func malformedQuoting() {
        let unterminated = error("a,b\n\"1\",\"2\"\n\"3\",\"open\nmore\n")
        #expect(unterminated?.description == "q.csv:3:2: unterminated quoted field")
        let after = error("a,b\n\"1\",\"2\"x\n")
        #expect(after?.description == "q.csv:2:2: unexpected text after a closing quote")
        let stray = error("a,b\n\"1\",2\"\n")
        #expect(stray?.line == 2 && stray?.column == 2)
        // A line break inside a quoted field counts as a line for later errors.
        let later = error("a,b\n\"x\ny\",\"1\"\n\"2\"\n")
        #expect(later?.description.hasPrefix("q.csv:4:") == true)
    }

    /// A body larger than a megabyte (the smallest that is split) full of quoted line breaks,
    /// delimiters and doubled quotes, with nominal split points falling inside quoted fields.
    private static func awkwardLog(rows: Int) -> String {
        var text = "id,note,value\n"
        for row in 0..<rows {
            switch row % 4 {
            case 0: text += "\"u\(row)\",\"plain\",\"\(row)\"\n"
            case 1: text += "\"u\(row)\",\"two\nlines, \"\"quoted\"\"\",\"\(row)\"\r\n"
            case 2: text += "\"u\(row)\",\"\",\"\(row)\"\n"
            default: text += "u\(row),\"\n\n\n\",\(row)\n"
            }
        }
        return text
    }

    @Test("a quoted file is split at record boundaries: the chunks read the same rows as one pass", arguments: [2, 3, 7])
    func quotedChunksAreRecordBoundaries(workers: Int) throws {
        let reader = try CSVReader(bytes: Array(Self.awkwardLog(rows: 60_000).utf8), name: "c.csv")
        var sequential: [String] = []
        try reader.forEachRow { row in sequential.append((0..<row.count).map { row.string($0) }.joined(separator: "|")) }
        #expect(sequential.count == 60_000)
        let chunks = reader.chunks(workers)
        #expect(chunks.count == workers)
        var chunked: [String] = []
        for chunk in chunks {
            try reader.forEachRow(in: chunk) { row in chunked.append((0..<row.count).map { row.string($0) }.joined(separator: "|")) }
        }
        #expect(chunked == sequential)
    }

    @Test("an error late in a quoted file names the same line whether read in chunks or in one pass")
    func chunkedErrorsKeepTheirLine() throws {
        let text = Self.awkwardLog(rows: 60_000) + "\"bad\",\"x\"y,\"1\"\n"
        let reader = try CSVReader(bytes: Array(text.utf8), name: "c.csv")
        var sequential: DataError?
        do { try reader.forEachRow { _ in } } catch { sequential = error as? DataError }
        let expected = try #require(sequential)
        #expect(expected.message == "unexpected text after a closing quote")
        #expect(expected.column == 2)
        // 1 header line, 60,000 rows and 60,000 line breaks inside their quoted fields.
        #expect(expected.line == 120_002)
        let chunks = reader.chunks(3)
        #expect(chunks.count == 3)
        var chunked: DataError?
        for chunk in chunks where chunked == nil {
            do { try reader.forEachRow(in: chunk) { _ in } } catch { chunked = error as? DataError }
        }
        #expect(chunked == expected)
    }
}

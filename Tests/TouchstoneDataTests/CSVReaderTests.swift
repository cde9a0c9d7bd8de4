import Testing
import TouchstoneData

@Suite("CSV reader")
struct CSVReaderTests {
    private func rows(_ text: String, delimiter: UInt8? = nil) throws -> (header: [String], rows: [[String]]) {
        let reader = try CSVReader(bytes: Array(text.utf8), name: "test.csv", delimiter: delimiter)
        var rows: [[String]] = []
        try reader.forEachRow { row in
            rows.append((0..<row.count).map { row.string($0) })
        }
        return (reader.header, rows)
    }

    private func error(_ text: String) -> DataError? {
        do {
            _ = try rows(text)
            return nil
        } catch let error as DataError {
            return error
        } catch {
            return nil
        }
    }

    @Test func plainAndQuotedFields() throws {
        let parsed = try rows("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,,\"multi\nline\"\n")
        #expect(parsed.header == ["a", "b", "c"])
        #expect(parsed.rows == [["1", "x, y", "say \"hi\""], ["2", "", "multi\nline"]])
    }

    @Test func crlfBomAndMissingFinalNewline() throws {
        let parsed = try rows("\u{FEFF}a,b\r\n1,2\r\n3,4")
        #expect(parsed.header == ["a", "b"])
        #expect(parsed.rows == [["1", "2"], ["3", "4"]])
    }

    @Test func delimitersAreSniffed() throws {
        #expect(try rows("a;b\n1;2\n").rows == [["1", "2"]])
        #expect(try rows("a\tb\n1\t2\n").rows == [["1", "2"]])
        #expect(try rows("path;n\n\"a,b\";2\n").rows == [["a,b", "2"]])
    }

    @Test func blankLinesAreSkipped() throws {
        #expect(try rows("a,b\n1,2\n\n3,4\n\n").rows == [["1", "2"], ["3", "4"]])
    }

    @Test func numbersParseExactly() throws {
        let reader = try CSVReader(bytes: Array("x\n0.1\n-2.5\n1e-3\n123456789012345678\n 7 \n\"3.25\"\n".utf8), name: "n.csv")
        var values: [Double] = []
        try reader.forEachRow { row in values.append(try row.double(0)) }
        #expect(values == [0.1, -2.5, 1e-3, 1.2345678901234568e17, 7, 3.25])
    }

    @Test(arguments: ["nan", "inf", "-Infinity", "0x10", "1e400", "", "1.2.3", "--1", "12abc", "."])
    func nonFiniteOrMalformedNumbersAreRejected(_ text: String) throws {
        let reader = try CSVReader(bytes: Array("x,y\n\(text),1\n".utf8), name: "n.csv")
        #expect(throws: DataError.self) {
            try reader.forEachRow { row in _ = try row.double(0) }
        }
    }

    @Test func errorsNameLineAndColumn() {
        let unterminated = error("a,b\n1,2\n3,\"open\n")
        #expect(unterminated?.line == 3)
        #expect(unterminated?.column == 2)
        let fieldCount = error("a,b\n1,2\n3\n")
        #expect(fieldCount?.line == 3)
        #expect(fieldCount?.description.hasPrefix("test.csv:3:") == true)
        let strayQuote = error("a,b\n1,x\"y\n")
        #expect(strayQuote?.line == 2 && strayQuote?.column == 2)
        let afterQuote = error("a,b\n\"1\"x,2\n")
        #expect(afterQuote?.line == 2)
        #expect(error("")?.line == 1)
        #expect(error("a,a\n1,2\n")?.message.contains("duplicate") == true)
    }

    @Test func lineNumbersCountEmbeddedNewlines() {
        let located = error("a,b\n\"x\ny\",1\n2\n")
        #expect(located?.line == 4)
    }

    @Test func missingColumnListsTheHeader() throws {
        let reader = try CSVReader(bytes: Array("a,b\n1,2\n".utf8), name: "t.csv")
        #expect(throws: DataError.self) { try reader.columnIndex("c") }
        do {
            _ = try reader.columnIndex("c")
        } catch let error as DataError {
            #expect(error.description == "t.csv:1: missing column 'c' (the header has 'a', 'b')")
        } catch {}
    }
}

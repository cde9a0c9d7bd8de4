import Foundation
import Testing
import TouchstoneData

@Suite("CSV reader, JSON Lines input")
struct JSONLinesReaderTests {
    private func reader(_ text: String, name: String = "test.jsonl") throws -> CSVReader {
        try CSVReader(bytes: Array(text.utf8), name: name)
    }

    /// The rows' `columns` as strings (requested in that order before the scan).
    private func rows(_ text: String, _ columns: [String], name: String = "test.jsonl") throws -> [[String]] {
        let reader = try reader(text, name: name)
        let indices = try columns.map { try reader.columnIndex($0, onEveryLine: false) }
        var rows: [[String]] = []
        try reader.forEachRow { row in rows.append(indices.map { row.string($0) }) }
        return rows
    }

    /// The error reading `text` (construction or scan), reading `columns` with `read`.
    private func error(
        _ text: String, _ columns: [String] = [], read: (borrowing CSVRow, [Int]) throws -> Void = { _, _ in }
    ) -> DataError? {
        do {
            let reader = try reader(text)
            let indices = try columns.map { try reader.columnIndex($0, onEveryLine: false) }
            try reader.forEachRow { row in try read(row, indices) }
            return nil
        } catch let error as DataError {
            return error
        } catch {
            return nil
        }
    }

    // MARK: - Detection and header

    @Test("JSON Lines is detected by extension, any case, or by a first non-blank '{'")
    func detection() throws {
        #expect(try reader("{\"a\":1}\n", name: "x.jsonl").format == .jsonLines)
        #expect(try reader("{\"a\":1}\n", name: "x.NDJSON").format == .jsonLines)
        #expect(try reader("\u{FEFF}\n  \r\n\t{\"a\":1}\n", name: "<stdin>").format == .jsonLines)
        #expect(try reader("a,b\n1,2\n", name: "x.csv").format == .delimited)
        // An empty JSON Lines file is an empty table, not a missing header.
        let empty = try reader("", name: "empty.jsonl")
        #expect(empty.format == .jsonLines)
        #expect(empty.header.isEmpty)
        var count = 0
        try empty.forEachRow { _ in count += 1 }
        #expect(count == 0)
    }

    @Test("the header is the sample's keys in order of first appearance")
    func headerFromTheSample() throws {
        let reader = try reader("{\"b\":1,\"a\":2}\n{\"c\":3,\"a\":4}\n{}\n")
        #expect(reader.header == ["b", "a", "c"])
        #expect(reader.optionalColumnIndex("c") == 2)
        #expect(reader.optionalColumnIndex("d") == nil)
        // Asking for an optional key does not add it.
        #expect(reader.header == ["b", "a", "c"])
    }

    @Test("a key absent from the sample is registered by sparseColumnIndex, shared by copies of the reader")
    func lateKeysAreRegistered() throws {
        var text = String(repeating: "{\"unit_id\":\"u\",\"event\":\"session\"}\n", count: 1_000)
        text += "{\"unit_id\":\"v\",\"event\":\"purchase\",\"value\":12.5}\n{\"event\":\"session\",\"unit_id\":\"w\"}\n"
        let reader = try reader(text)
        #expect(reader.header == ["unit_id", "event"])
        #expect(reader.optionalColumnIndex("value") == nil)
        let copy = reader
        #expect(throws: DataError.self) { try copy.columnIndex("value") }
        let value = try copy.sparseColumnIndex("value")
        #expect(value == 2)
        #expect(reader.header == ["unit_id", "event", "value"])
        #expect(reader.optionalColumnIndex("value") == 2)
        var seen: [(line: Int, unit: String, empty: Bool, value: Double?)] = []
        try reader.forEachRow { row in
            seen.append((row.line, row.string(0), row.isEmpty(value), row.isEmpty(value) ? nil : try row.double(value)))
        }
        #expect(seen.count == 1_002)
        #expect(seen[999].empty && seen[999].unit == "u")
        #expect(seen[1_000].line == 1_001 && seen[1_000].unit == "v" && seen[1_000].value == 12.5)
        #expect(seen[1_001].line == 1_002 && seen[1_001].unit == "w" && seen[1_001].empty)
    }

    // MARK: - Values

    @Test("missing keys, null and empty strings are empty fields; true/false are their text")
    func emptyValuesAndLiterals() throws {
        let reader = try reader("{\"a\":\"x\",\"b\":null,\"c\":\"\",\"d\":true}\n{\"d\":false}\n")
        var rows: [[Bool]] = [], texts: [[String]] = []
        try reader.forEachRow { row in
            rows.append((0..<4).map { row.isEmpty($0) })
            texts.append((0..<4).map { row.string($0) })
        }
        #expect(rows == [[false, true, true, false], [true, true, true, false]])
        #expect(texts == [["x", "", "", "true"], ["", "", "", "false"]])
    }

    @Test("escapes, surrogate pairs included, are decoded; plain strings come out unchanged")
    func escapes() throws {
        let line = #"{"s":"q\"b\\s\/ \b\f\n\r\t \u00e9 \ud83d\ude00 \u0041","p":"plain é"}"#
        let reader = try reader(line + "\n")
        var strings: [String] = [], bytes: [[UInt8]] = [], texts: [String] = []
        try reader.forEachRow { row in
            strings = [row.string(0), row.string(1)]
            bytes = [row.withBytes(0) { Array($0) }, row.withBytes(1) { Array($0) }]
            texts = [try row.text(0), try row.text(1)]
        }
        let expected = "q\"b\\s/ \u{8}\u{C}\n\r\t é 😀 A"
        #expect(strings == [expected, "plain é"])
        #expect(texts == strings)
        #expect(bytes == [Array(expected.utf8), Array("plain é".utf8)])
    }

    @Test("a lone surrogate is an error at its escape, never U+FFFD", arguments: [
        (#"{"a":1,"s":"x\ud800y"}"#, 14),
        (#"{"a":1,"s":"x\udc00y"}"#, 14),
        (#"{"s":"\ud83d\u0041"}"#, 7),
        (#"{"s":"\ud83d"}"#, 7),
        (#"{"\udfff":1}"#, 3),
    ])
    func loneSurrogate(line: String, column: Int) {
        #expect(error(line + "\n") == DataError(
            file: "test.jsonl", line: 1, column: column,
            message: "a \\u escape of a lone surrogate (\\uD800-\\uDFFF without its pair) is not a character"))
    }

    @Test("a required key must be in the sample and on every line; sparse and optional ones need not")
    func requiredKeys() throws {
        let text = "{\"unit_id\":\"a\",\"type\":\"buy\"}\n{\"unit_id\":\"b\",\"type\":\"buy\",\"value\":2}\n{\"type\":\"buy\"}\n"
        let reader = try reader(text)
        #expect(throws: DataError(file: "test.jsonl", line: 1, message: "missing key 'event' (the first lines have 'unit_id', 'type', 'value')")) {
            try reader.columnIndex("event")
        }
        let unit = try reader.columnIndex("unit_id")
        let value = try reader.columnIndex("value", onEveryLine: false)
        #expect(value == 2)
        #expect(throws: DataError(file: "test.jsonl", line: 3, column: 1, message: "missing key 'unit_id' (required on every line, as its column is in CSV)")) {
            try reader.forEachRow { row in _ = row.string(unit) }
        }
        #expect(try rows("{\"u\":1}\n{\"v\":2}\n", ["u", "v"]) == [["1", ""], ["", "2"]])
    }

    @Test("numbers are their text as written and parse from bytes")
    func numbers() throws {
        let reader = try reader("{\"x\":-1.5e3,\"n\":42,\"z\":0,\"s\":\"2.25\",\"f\":0.1}\n")
        var texts: [String] = [], values: [Double] = [], whole = 0
        try reader.forEachRow { row in
            texts = (0..<5).map { row.string($0) }
            values = try (0..<5).map { try row.double($0) }
            whole = try row.integer(1)
        }
        #expect(texts == ["-1.5e3", "42", "0", "2.25", "0.1"])
        #expect(values == [-1500, 42, 0, 2.25, 0.1])
        #expect(whole == 42)
    }

    @Test("unrequested keys are skipped, nested values included")
    func nestedValuesAreSkipped() throws {
        let text = #"{"a":1,"ctx":{"x":[1,{"y":"}],"}],"z":null},"list":[],"b":"q"}"# + "\n" + #"{"b":"r","a":2}"# + "\n"
        #expect(try rows(text, ["a", "b"]) == [["1", "q"], ["2", "r"]])
        // A key the sample saw but nobody asked for holds no text for a nested value.
        let reader = try reader(text)
        var ctx: [Bool] = []
        try reader.forEachRow { row in ctx.append(row.isEmpty(1)) }
        #expect(reader.header == ["a", "ctx", "list", "b"])
        #expect(ctx == [true, true])
    }

    @Test("a nested value under a requested key is an error at the value")
    func nestedValueForARequestedKey() {
        let failure = error("{\"a\":1}\n{\"a\":2,\"ctx\":{\"x\":1}}\n", ["ctx"])
        #expect(failure == DataError(
            file: "test.jsonl", line: 2, column: 14, message: "'ctx' must be a string, number, true/false or null"))
        let array = error("{\"a\":[1]}\n", ["a"])
        #expect(array == DataError(
            file: "test.jsonl", line: 1, column: 6, message: "'a' must be a string, number, true/false or null"))
    }

    @Test("a duplicate key is an error at the second key, also for an escaped spelling")
    func duplicateKeys() {
        #expect(error("{\"a\":1,\"a\":2}\n") == DataError(file: "test.jsonl", line: 1, column: 8, message: "duplicate key 'a'"))
        #expect(error("{\"a\":1}\n{\"a\":1, \"\\u0061\":2}\n")
            == DataError(file: "test.jsonl", line: 2, column: 9, message: "duplicate key 'a'"))
    }

    @Test("BOM, CRLF line ends and blank lines; row lines are the file's lines")
    func bomCrlfAndBlankLines() throws {
        let reader = try reader("\u{FEFF}{\"a\":\"1\"}\r\n\r\n  \n{\"a\":2 }\r\n{\"a\":3}")
        var seen: [String] = [], lines: [Int] = []
        try reader.forEachRow { row in
            seen.append(row.string(0))
            lines.append(row.line)
        }
        #expect(reader.header == ["a"])
        #expect(seen == ["1", "2", "3"])
        #expect(lines == [1, 4, 5])
        // Byte columns count from after the byte-order mark.
        #expect(error("\u{FEFF}{\"a\":x}\n") == DataError(file: "test.jsonl", line: 1, column: 6, message: "expected a value"))
    }

    // MARK: - Errors

    @Test("malformed JSON is located by line and byte column", arguments: [
        ("{\"a\":1}\n{\"a\":\"abc\n", 2, 10, "unterminated string"),
        ("{\"a\":1} x\n", 1, 9, "unexpected text after the object"),
        ("{\"a\":\"\\q\"}\n", 1, 8, "invalid escape '\\q'"),
        ("{\"a\":\"\\u12G4\"}\n", 1, 9, "invalid \\u escape"),
        ("{\"a\":1\n", 1, 7, "unterminated object: expected ',' or '}'"),
        ("{\"a\":1;\"b\":2}\n", 1, 7, "expected ',' or '}'"),
        ("{\"a\":01}\n", 1, 7, "expected ',' or '}'"),
        ("{\"a\":-}\n", 1, 6, "invalid number"),
        ("{\"a\":1.}\n", 1, 6, "invalid number"),
        ("{\"a\":tru}\n", 1, 6, "expected a value"),
        ("[1,2]\n", 1, 1, "expected '{'"),
        ("{\"a\":\"x\ty\"}\n", 1, 8, "control character in a string"),
    ])
    func malformed(text: String, line: Int, column: Int, message: String) {
        #expect(error(text) == DataError(file: "test.jsonl", line: line, column: column, message: message))
    }

    @Test("row errors point at the value, or at the line start naming a missing key")
    func rowErrors() {
        let notANumber = error("{\"u\":1,\"v\":1}\n{\"u\":2, \"v\": \"abc\"}\n", ["v"]) { row, columns in
            _ = try row.double(columns[0], column: "v")
        }
        #expect(notANumber == DataError(file: "test.jsonl", line: 2, column: 14, message: "'abc' is not a finite number in column 'v'"))
        let missing = error("{\"u\":1,\"v\":1}\n  {\"u\":2}\n", ["v"]) { row, columns in
            if row.isEmpty(columns[0]) { throw row.error(columns[0], "empty v") }
        }
        #expect(missing == DataError(file: "test.jsonl", line: 2, column: 1, message: "empty v (the line has no key 'v')"))
        let null = error("{\"u\":1,\"v\":null}\n", ["v"]) { row, columns in
            if row.isEmpty(columns[0]) { throw row.error(columns[0], "empty v") }
        }
        #expect(null == DataError(file: "test.jsonl", line: 1, column: 12, message: "empty v"))
    }

    @Test("invalid UTF-8 in a string is rejected by text(_:) as in CSV, at the value")
    func invalidUTF8() throws {
        var bytes = Array("{\"a\":1}\n{\"a\":\"x".utf8)
        bytes += [0xFF]
        bytes += Array("y\"}\n".utf8)
        let reader = try CSVReader(bytes: bytes, name: "bad.jsonl")
        var failure: DataError?
        try reader.forEachRow { row in
            do { _ = try row.text(0) } catch let error as DataError { failure = error }
        }
        #expect(failure == DataError(file: "bad.jsonl", line: 2, column: 6, message: "the field is not valid UTF-8 text"))
    }

    // MARK: - Parallel parsing

    @Test("chunks split JSON Lines at line breaks and errors carry the file's line")
    func chunkedReading() throws {
        let lines = 40_000
        var text = "\n"
        for index in 0..<lines {
            text += #"{"unit_id":"u\#(index)","event":"session","note":"a \"quoted\" word","value":\#(index % 7)}"# + "\n"
        }
        let reader = try reader(text)
        let value = try reader.columnIndex("value")
        let chunks = reader.chunks(4)
        #expect(chunks.count == 4)
        var count = 0, sum = 0.0
        for chunk in chunks {
            try reader.forEachRow(in: chunk) { row in
                count += 1
                sum += try row.double(value)
            }
        }
        #expect(count == lines)
        #expect(sum == Double((0..<lines).reduce(0) { $0 + $1 % 7 }))

        // Line 1 is blank, so the object of unit n sits on line n + 2: break unit 29,999 (line 30,001).
        let target = #""u29999","event":"session","note":"a \"quoted\" word","value":\#(29_999 % 7)}"#
        #expect(text.contains(target))
        let broken = text.replacingOccurrences(
            of: target, with: #""u29999","event":"session","note":"a \"quoted\" word","value":"x"}"#)
        let bad = try self.reader(broken)
        let badValue = try bad.columnIndex("value")
        var failures: [DataError] = []
        for chunk in bad.chunks(4) {
            do {
                try bad.forEachRow(in: chunk) { row in _ = try row.double(badValue, column: "value") }
            } catch let error as DataError {
                failures.append(error)
            }
        }
        #expect(failures == [DataError(file: "test.jsonl", line: 30_001, column: 74, message: "'x' is not a finite number in column 'value'")])
    }

    // MARK: - Equivalence

    @Test("a table written as CSV and as JSON Lines gives identical rows")
    func csvAndJSONLinesAgree() throws {
        let columns = ["unit_id", "variant", "label", "amount", "count"]
        var csv = columns.joined(separator: ",") + "\n"
        var jsonl = ""
        let labels = ["plain", "with, comma", "say \"hi\"", "tab\there", "naïve ünïcode 😀", "", "back\\slash", "a/b"]
        for index in 0..<300 {
            let label = labels[index % labels.count]
            let amount = index % 5 == 0 ? "" : "\(Double(index) * 1.25 - 40)"
            let fields = ["u\(index)", index % 3 == 0 ? "control" : "treatment", label, amount, "\(index % 11)"]
            csv += fields.map { field in
                field.contains(",") || field.contains("\"") ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",") + "\n"
            // Vary the JSON spelling: key order, escapes, numbers as numbers, null or missing for empties.
            var members = [
                #""variant":"\#(fields[1])""#,
                #""unit_id":"\#(fields[0])""#,
                #""count":\#(fields[4])"#,
                #""label":"\#(Self.jsonEscaped(label, unicodeEscapes: index % 2 == 0))""#,
            ]
            if amount.isEmpty {
                if index % 10 == 0 { members.append(#""amount":null"#) }
            } else {
                members.append(#""amount":\#(amount)"#)
            }
            if index % 4 == 0 { members.append(#""extra":{"nested":[1,2,{"k":"v"}]}"#) }
            jsonl += "{" + members.joined(separator: ", ") + "}\n"
        }
        func table(_ reader: CSVReader) throws -> [[String]] {
            let indices = try columns.map { try reader.columnIndex($0, onEveryLine: false) }
            var rows: [[String]] = []
            try reader.forEachRow { row in
                var cells: [String] = []
                for index in indices {
                    cells.append(row.isEmpty(index) ? "<empty>" : try row.text(index))
                }
                cells.append(row.isEmpty(indices[3]) ? "-" : "\(try row.double(indices[3]))")
                cells.append("\(try row.integer(indices[4]))")
                cells.append(row.withBytes(indices[2]) { String(decoding: $0, as: UTF8.self) })
                rows.append(cells)
            }
            return rows
        }
        let fromCSV = try table(CSVReader(bytes: Array(csv.utf8), name: "table.csv"))
        let fromJSONL = try table(CSVReader(bytes: Array(jsonl.utf8), name: "table.jsonl"))
        #expect(fromCSV.count == 300)
        #expect(fromCSV == fromJSONL)
    }

    /// `text` as JSON string content; with `unicodeEscapes`, non-ASCII as `\u` escapes
    /// (surrogate pairs beyond the BMP).
    private static func jsonEscaped(_ text: String, unicodeEscapes: Bool) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\t": result += "\\t"
            case "/" where unicodeEscapes: result += "\\/"
            default:
                if unicodeEscapes, scalar.value >= 0x80 {
                    for unit in String(scalar).utf16 { result += String(format: "\\u%04x", unit) }
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}

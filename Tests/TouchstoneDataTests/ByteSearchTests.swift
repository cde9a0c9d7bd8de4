import Testing
@testable import TouchstoneData

/// The word-at-a-time search of CSV records against its byte-by-byte definition, and the
/// located errors that depend on where a field's scan stops.
@Suite("CSV byte search, eight bytes at a time")
struct ByteSearchTests {
    @Test("the first of two or three bytes equals the byte-by-byte definition on random buffers")
    func agreesWithDefinition() {
        // Targets next to each other in value (',' ';' '\t' '\n' '"') and bytes where a borrow or
        // a sign bit could mislead a word test.
        let palette: [UInt8] = [0x2C, 0x3B, 0x09, 0x0A, 0x22, 0x2B, 0x2D, 0x21, 0x23, 0x00, 0x7F, 0x80, 0xAC, 0xFF, 0x61, 0x30]
        var generator = SplitMix64(seed: 42)
        func draw(_ n: Int) -> Int { Int(generator.next() % UInt64(n)) }
        for _ in 0..<20_000 {
            let count = draw(41)
            // Mostly one filler byte, so long runs without a target occur.
            let filler = palette[draw(palette.count)]
            var bytes = [UInt8](repeating: filler, count: count)
            for _ in 0..<draw(4) where count > 0 { bytes[draw(count)] = palette[draw(palette.count)] }
            let offset = draw(count + 1)
            let stop = offset + draw(count - offset + 1)
            let (a, b, c) = (palette[draw(5)], palette[draw(5)], palette[draw(palette.count)])
            let three = bytes.withUnsafeBufferPointer { ByteSearch.first(a, b, c, in: $0, from: offset, before: stop) }
            let two = bytes.withUnsafeBufferPointer { ByteSearch.first(a, c, in: $0, from: offset, before: stop) }
            #expect(three == ((offset..<stop).first { [a, b, c].contains(bytes[$0]) } ?? stop), "\(bytes) \(offset)..<\(stop) \(a) \(b) \(c)")
            #expect(two == ((offset..<stop).first { [a, c].contains(bytes[$0]) } ?? stop), "\(bytes) \(offset)..<\(stop) \(a) \(c)")
        }
    }

    @Test("a target is found at every place of a word, after every other byte")
    func everyPlace() {
        for target: UInt8 in [0x09, 0x0A, 0x22, 0x2C, 0x3B] {
            for filler in UInt8(0)...UInt8(255) where filler != target {
                for place in [0, 1, 6, 7, 8, 9, 15, 16, 23] {
                    var bytes = [UInt8](repeating: filler, count: 24)
                    bytes[place] = target
                    let found = bytes.withUnsafeBufferPointer { ByteSearch.first(target, target, in: $0, from: 0, before: 24) }
                    #expect(found == place, "target \(target) at \(place) among \(filler)")
                }
            }
        }
    }

    /// The error of reading `text` as CSV, or `nil`.
    private func error(_ text: String) -> DataError? {
        do {
            let reader = try CSVReader(bytes: Array(text.utf8), name: "f.csv")
            try reader.forEachRow { _ in }
            return nil
        } catch let error as DataError {
            return error
        } catch {
            return nil
        }
    }

    @Test("fields long enough to be read by words keep their values and error columns")
    func longFields() throws {
        let long = String(repeating: "abcdefgh", count: 4) + "xyz"
        let reader = try CSVReader(bytes: Array("a,b,c\n\(long),\"\(long)\",\(long)\r\n\(long);x,\"q\n\(long)\",\n".utf8), name: "f.csv")
        var rows: [[String]] = []
        try reader.forEachRow { row in rows.append((0..<3).map { row.string($0) }) }
        #expect(rows == [[long, long, long], ["\(long);x", "q\n\(long)", ""]])
        #expect(error("a,b\n\(long),\(long)\"x\n") == DataError(
            file: "f.csv", line: 2, column: 2,
            message: "a quote inside an unquoted field (quote the whole field and double the quote)"))
        // A line break inside a long quoted field still counts for the next rows' lines.
        #expect(error("a\n\"\(long)\n\(long)\n\(long)\"\n1\"\n")?.line == 5)
    }

    @Test("records wider than the scanner's first 16 fields are split whole; the column limit holds")
    func wideRecords() throws {
        for width in [15, 16, 17, 40, 300] {
            let header = (0..<width).map { "c\($0)" }.joined(separator: ",")
            let row = (0..<width).map { "\"v\($0)\"" }.joined(separator: ",")
            let reader = try CSVReader(bytes: Array("\(header)\n\(row)\n\(row)\r\n".utf8), name: "w.csv")
            var rows: [[String]] = []
            try reader.forEachRow { row in rows.append((0..<width).map { row.string($0) }) }
            #expect(rows == Array(repeating: (0..<width).map { "v\($0)" }, count: 2), "width \(width)")
        }
        let limit = InputLimits.maximumColumns
        let tooWide = String(repeating: "x,", count: limit) + "x\n"
        #expect(error(tooWide) == DataError(
            file: "f.csv", line: 1, column: limit + 1,
            message: "more than \(limit) fields on one record (the limit of columns)"))
        let header = (0..<3).map { "c\($0)" }.joined(separator: ",")
        #expect(error("\(header)\n1,2,3\n" + tooWide) == DataError(
            file: "f.csv", line: 3, column: limit + 1,
            message: "more than \(limit) fields on one record (the limit of columns)"))
    }

    @Test("a field may hold exactly the field limit; one byte more is refused, whatever that byte is")
    func fieldLimit() {
        let limit = InputLimits.maximumFieldBytes
        let atLimit = String(repeating: "x", count: limit)
        let message = "a field longer than \(limit) bytes (the limit of a field)"
        #expect(error("a,b\n1,\(atLimit)\n") == nil)
        #expect(error("a,b\n1,\(atLimit)") == nil)
        #expect(error("a,b\n\(atLimit),2\n") == nil)
        #expect(error("a,b\n1,\(atLimit)y\n") == DataError(file: "f.csv", line: 2, column: 2, message: message))
        // A quote just past the limit is the length error, as the byte-by-byte scan reported it.
        #expect(error("a,b\n1,\(atLimit)\"\n") == DataError(file: "f.csv", line: 2, column: 2, message: message))
        // A quote within the limit is the quote error.
        let belowLimit = String(repeating: "x", count: limit - 1)
        #expect(error("a,b\n1,\(belowLimit)\"\n") == DataError(
            file: "f.csv", line: 2, column: 2,
            message: "a quote inside an unquoted field (quote the whole field and double the quote)"))
    }
}

import Testing
@testable import TouchstoneData

/// The word-at-a-time string scan of JSON Lines against its byte-by-byte definition, and the
/// located errors that depend on where the scan stops.
@Suite("JSON string scanning, eight bytes at a time")
struct JSONStringScanTests {
    /// The definition: the first quote, backslash or control byte in `offset..<stop`, else `stop`.
    private func reference(_ bytes: [UInt8], from offset: Int, before stop: Int) -> Int {
        (offset..<stop).first { bytes[$0] == 0x22 || bytes[$0] == 0x5C || bytes[$0] < 0x20 } ?? stop
    }

    @Test("the first special byte equals the byte-by-byte definition on random buffers")
    func agreesWithDefinition() {
        // Bytes next to the special ones (0x21, 0x23, 0x5B, 0x5D, 0x20, 0x1F) and the ones where a
        // borrow or a sign bit could mislead a word test (0x00, 0x7F, 0x80, 0xA2, 0xDC, 0xFF).
        let plain: [UInt8] = [0x61, 0x7A, 0x30, 0x21, 0x23, 0x5B, 0x5D, 0x20, 0x7F, 0x80, 0xA2, 0xDC, 0xFF, 0xC3]
        let special: [UInt8] = [0x22, 0x5C, 0x00, 0x01, 0x0A, 0x0D, 0x1F]
        var generator = SplitMix64(seed: 20_261_202)
        var checked = 0
        for _ in 0..<20_000 {
            let count = Int(generator.next() % 41)
            var bytes = (0..<count).map { _ in plain[Int(generator.next() % UInt64(plain.count))] }
            // Zero to three special bytes anywhere, so runs of every length up to 40 are tried.
            for _ in 0..<Int(generator.next() % 4) where count > 0 {
                bytes[Int(generator.next() % UInt64(count))] = special[Int(generator.next() % UInt64(special.count))]
            }
            let offset = count == 0 ? 0 : Int(generator.next() % UInt64(count + 1))
            let stop = offset + Int(generator.next() % UInt64(count - offset + 1))
            let found = bytes.withUnsafeBufferPointer { JSONLineScanner.firstSpecialByte($0, from: offset, before: stop) }
            #expect(found == reference(bytes, from: offset, before: stop), "bytes \(bytes) from \(offset) before \(stop)")
            checked += 1
        }
        #expect(checked == 20_000)
    }

    @Test("every special byte is found at every place of a word, after every plain byte")
    func everyPlace() {
        for special: UInt8 in [0x22, 0x5C] + Array(0x00...0x1F) {
            for filler: UInt8 in [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xFF] {
                for place in 0..<24 {
                    var bytes = [UInt8](repeating: filler, count: 24)
                    bytes[place] = special
                    let found = bytes.withUnsafeBufferPointer { JSONLineScanner.firstSpecialByte($0, from: 0, before: 24) }
                    #expect(found == place, "special \(special) at \(place) among \(filler)")
                }
            }
        }
    }

    /// The error of reading `text` as JSON Lines, or `nil`.
    private func error(_ text: String) -> DataError? {
        do {
            let reader = try CSVReader(bytes: Array(text.utf8), name: "long.jsonl")
            try reader.forEachRow { _ in }
            return nil
        } catch let error as DataError {
            return error
        } catch {
            return nil
        }
    }

    @Test("errors inside long strings keep their byte column")
    func locatedInsideLongStrings() {
        let run = String(repeating: "abcdefgh", count: 5)
        // {"a":"<40 bytes>\t…  — the tab is byte 47.
        #expect(error("{\"a\":\"\(run)\tx\"}\n") == DataError(
            file: "long.jsonl", line: 1, column: 47, message: "control character in a string"))
        #expect(error("{\"a\":\"\(run)\n") == DataError(file: "long.jsonl", line: 1, column: 47, message: "unterminated string"))
        // An escape past the first word is skipped whole, so its quote does not end the string.
        #expect(error("{\"a\":\"\(run)\\\"\(run)\"}\n") == nil)
        #expect(error("{\"a\":\"\(run)\\") == DataError(file: "long.jsonl", line: 1, column: 49, message: "unterminated string"))
    }

    @Test("a string may hold exactly the field limit; one byte more is refused at its opening quote")
    func fieldLimit() {
        let limit = InputLimits.maximumFieldBytes
        let atLimit = String(repeating: "x", count: limit)
        #expect(error("{\"a\":\"\(atLimit)\"}\n") == nil)
        let message = "a string longer than \(limit) bytes (the limit of a field)"
        #expect(error("{\"a\":\"\(atLimit)y\"}\n") == DataError(file: "long.jsonl", line: 1, column: 6, message: message))
        // Over the limit and unterminated: the limit is what the byte-by-byte scan reported first.
        #expect(error("{\"a\":\"\(atLimit)yz") == DataError(file: "long.jsonl", line: 1, column: 6, message: message))
        // An escape that jumps over the limit is refused the same way.
        let beforeEscape = String(repeating: "x", count: limit - 1)
        #expect(error("{\"a\":\"\(beforeEscape)\\nzz\"}\n") == DataError(file: "long.jsonl", line: 1, column: 6, message: message))
        // Ends exactly at the limit, unterminated: no byte past the limit was reached.
        #expect(error("{\"a\":\"\(atLimit)") == DataError(
            file: "long.jsonl", line: 1, column: 6 + limit + 1, message: "unterminated string"))
    }
}

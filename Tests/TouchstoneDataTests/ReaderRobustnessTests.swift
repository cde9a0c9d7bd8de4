import Foundation
import Testing
import TouchstoneData
import TouchstoneExperiment

/// Reader-level checks behind the CLI's bad-input suite (`BadInputTests`): malformed bytes are
/// located errors, never repaired silently and never a trap.
@Suite("Reader robustness")
struct ReaderRobustnessTests {
    private func error(_ bytes: [UInt8], _ body: (CSVReader) throws -> Void = { _ in }) -> DataError? {
        do {
            let reader = try CSVReader(bytes: bytes, name: "x.csv")
            try body(reader)
            return nil
        } catch let error as DataError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test func invalidUTF8InAColumnNameIsLocated() {
        let failure = error(Array("a,b".utf8) + [0xC3, 0x28] + Array("\n1,2\n".utf8))
        #expect(failure?.description == "x.csv:1:2: the column name is not valid UTF-8 text")
    }

    @Test func invalidUTF8InANameFieldIsLocatedNotMerged() throws {
        let bytes = Array("variant,units,conversions\ncontrol,10,1\n".utf8) + [0x61, 0xFF] + Array(",10,1\n".utf8)
        let failure = error(bytes) { reader in _ = try SummaryTableReader.read(reader) }
        #expect(failure?.line == 3 && failure?.column == 1, "\(String(describing: failure))")
        #expect(failure?.message.contains("UTF-8") == true)
        // Valid multi-byte names still read, quoted or not.
        let table = try SummaryTableReader.read(CSVReader(
            bytes: Array("variant,units,conversions\ncontrôle,10,1\n\"tréat\"\"ment\",10,2\n".utf8), name: "ok.csv"))
        #expect(table.variants.contains("contrôle") && table.variants.contains("tréat\"ment"))
    }

    @Test func nulBytesAreDataNotTerminators() throws {
        // A NUL inside a field is kept as a byte: a number with a NUL is not a number.
        let failure = error(Array("a,b\n1,2\u{0}3\n".utf8)) { reader in
            try reader.forEachRow { row in _ = try row.double(1) }
        }
        #expect(failure?.line == 2 && failure?.column == 2)
    }
}

import Foundation
import Testing
import TouchstoneReport

/// The one JSON encoder: undefined and infinite numbers are `null`, NaNs are counted for the
/// diagnostic, and no string in the data is ever mistaken for a number.
@Suite("JSON output")
struct JSONOutputTests {
    struct Sample: Encodable {
        var name: String
        var values: [Double]
    }

    @Test("NaN and ±∞ become null; only NaN is counted")
    func nulls() throws {
        let encoded = try JSONOutput.encodeCounting(Sample(name: "x", values: [1.5, .nan, .infinity, -.infinity, .nan]))
        #expect(encoded.text == "{\n  \"name\" : \"x\",\n  \"values\" : [\n    1.5,\n    null,\n    null,\n    null,\n    null\n  ]\n}")
        #expect(encoded.undefinedNumbers == 2)
        #expect(!encoded.text.contains("nan") && !encoded.text.contains("inf"))
    }

    @Test("names that look like sentinels or NaN strings stay strings", arguments: [
        "nan", "inf", "\u{0}touchstone-null\u{0}", "null",
    ])
    func stringsStay(_ name: String) throws {
        let encoded = try JSONOutput.encodeCounting(Sample(name: name, values: []))
        let decoded = try JSONSerialization.jsonObject(with: Data(encoded.text.utf8)) as? [String: Any]
        #expect(decoded?["name"] as? String == name)
        #expect(encoded.undefinedNumbers == 0)
    }
}

import Foundation
import Testing
import TouchstoneData

@Suite("A key given twice in one object of a JSON document is found")
struct JSONDuplicateKeysTests {
    static func first(_ text: String) -> String? {
        JSONDuplicateKeys.first(in: Data(text.utf8)).map { "\($0.line):\($0.column) \($0.key)" }
    }

    @Test func found() {
        #expect(Self.first(#"{"a": 1, "a": 2}"#) == "1:10 a")
        #expect(Self.first("{\"arms\": [\n  {\"sum\": 1,\n   \"sum\": 2}]}") == "3:4 sum")
        #expect(Self.first(#"{"a": 1, "\u0061": 2}"#) == "1:10 a", "an escaped spelling repeats the key")
        #expect(Self.first(#"{"x": {"y": [1, {"z": 1, "z": [2]}]}}"#) == "1:26 z")
        #expect(Self.first(#"{"arms": [], "arms": [1]}"#) == "1:14 arms")
    }

    @Test func notFound() {
        #expect(Self.first(#"{"a": 1, "b": {"a": 2}, "c": [{"a": 3}, {"a": 4}]}"#) == nil, "one key per object")
        #expect(Self.first("{\"caf\u{E9}\": 1, \"cafe\u{301}\": 2}") == nil, "two Unicode forms are two keys")
        #expect(Self.first(#"{"a": "}\"{", "b": "a"}"#) == nil, "braces and quotes inside strings")
        #expect(Self.first(#"{"a": 1, "b""#) == nil, "a malformed document is left to the decoder")
        #expect(Self.first("[1, 2, 3]") == nil)
        #expect(Self.first("") == nil)
    }
}

import Foundation
import Testing
import TouchstoneExperiment
import TouchstoneReport
@testable import TouchstoneServer

/// The hand-written `/v1/assign` body holds exactly the records `touchstone assign --format json`
/// encodes (through `JSONEncoder`): same keys, same strings, the bucket as the same `Double`.
@Suite("AssignAnswer")
struct AssignAnswerTests {
    /// Ids that exercise JSON escaping: quotes, backslashes, slashes, every control character,
    /// non-ASCII text.
    static let awkwardIds: [String] = [
        "plain", "quote\"d", "back\\slash", "a/b", "tab\there", "line\nbreak", "cr\rx", "bell\u{07}",
        "\u{01}\u{1F}\u{08}\u{0C}", "café", "日本語", "emoji 🎲", "\u{7F}del", "\u{2028}sep", "",
    ] + (1..<0x20).map { "c\(Character(Unicode.Scalar(UInt8($0))))c" }

    @Test("every record equals the command line's, for 10,000 units and every assignment rule")
    func equalsAssignmentReport() throws {
        let config = try ExperimentConfig(text: ServerFixtures.config, file: "experiments.yaml")
        let assigner = Assigner(config: config)
        let date = Date(timeIntervalSince1970: 1_772_323_200)
        var reasons: Set<String> = []
        let ids = Self.awkwardIds + ServerFixtures.units(10_000).map(\.id)
        for (position, id) in ids.enumerated() {
            let attributes = ["country": ["US", "CA", "DE"][position % 3], "account_id": "acct-\(position / 3)"]
            let assignments = config.experiments.indices.map {
                assigner.assign(experimentAt: $0, unitId: id, attributes: attributes, at: date)
            }
            let text = AssignAnswer.text(unit: id, assignments: assignments)
            let served = try Self.records(text)
            let expected = try Self.records(AssignmentReport.json(assignments.map { (unit: id, assignment: $0) }).text)
            #expect(served == expected, "unit \(id.debugDescription)")
            // Exactly the same Double, not merely a close one. Read with Swift's correctly rounded
            // `Double(_:)`: Foundation's JSONSerialization on Linux can miss the last bit.
            let buckets = text.split(separator: "\"bucket\":").dropFirst().map { $0.prefix { $0 != "," } }
            #expect(buckets.map { $0 == "null" ? nil : Double($0) } == assignments.map(\.bucket))
            for assignment in assignments { reasons.insert(assignment.reason.rawValue) }
        }
        // The empty id gives `missing unit` (null bucket and variant).
        #expect(reasons == ["enrolled", "forced", "not targeted", "excluded by layer", "coverage", "holdout", "missing unit"])
    }

    @Test("a unit without a value for the experiment's unit attribute gets null bucket and variant")
    func nulls() throws {
        let assignment = Assignment(experiment: "pricing", variantIndex: nil, variant: nil, bucket: nil, reason: .missingUnit)
        #expect(AssignAnswer.text(unit: "u1", assignments: [assignment])
            == "[{\"bucket\":null,\"experiment\":\"pricing\",\"reason\":\"missing unit\",\"unit_id\":\"u1\",\"variant\":null}]\n")
    }

    @Test("escapes: quote, backslash, named and \\u00XX control characters; UTF-8 as is")
    func escapes() {
        let assignment = Assignment(experiment: "e\"x", variantIndex: 0, variant: "v\\1", bucket: 0.25, reason: .enrolled)
        #expect(AssignAnswer.text(unit: "a\n\u{01}é/", assignments: [assignment])
            == "[{\"bucket\":0.25,\"experiment\":\"e\\\"x\",\"reason\":\"enrolled\",\"unit_id\":\"a\\n\\u0001é/\",\"variant\":\"v\\\\1\"}]\n")
    }

    private static func records(_ text: String) throws -> [NSDictionary] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [NSDictionary])
    }
}

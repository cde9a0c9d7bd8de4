import Foundation
import Testing
import TouchstoneExperiment
import TouchstoneTestSupport

/// Config `start`/`end` dates read the shared table of timestamps (`TimeStringTable`) exactly as
/// the log readers and flags do: the same instants, the same rejections.
@Suite("Config dates")
struct ConfigDateTests {
    /// A JSON config (the same schema as YAML), so any string can be written as a JSON string.
    static func config(_ field: String, _ text: String) -> String {
        let quoted = (try? JSONSerialization.data(withJSONObject: [text])).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        return "{\"experiments\": [{\"key\": \"e\", \"variants\": [\"a\", \"b\"], \"\(field)\": \(quoted.dropFirst().dropLast())}]}"
    }

    @Test("start and end take the table's instants and reject what it rejects", arguments: TimeStringTable.shared.timestamps)
    func sharedTable(_ entry: TimeStringTable.Entry) throws {
        for field in ["start", "end"] {
            do {
                let parsed = try ExperimentConfig(text: Self.config(field, entry.text), file: "c.json")
                let micros = try #require(entry.microseconds, "\(entry) was accepted as \(field)")
                let date = try #require(field == "start" ? parsed.experiments.first?.start : parsed.experiments.first?.end)
                #expect(date == Date(timeIntervalSince1970: Double(micros) / 1_000_000), "\(entry) \(field)")
            } catch let error as ExperimentError {
                #expect(entry.microseconds == nil, "\(entry) \(field): \(error)")
                #expect("\(error)".contains("experiments[0].\(field)") && "\(error)".contains("is not a date"), "\(error)")
            }
        }
    }
}

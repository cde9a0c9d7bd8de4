import Foundation
import Testing
import TouchstoneTestSupport

/// `analyze --timeline`: the JSON contract, the peeking label in every format, and the refusals.
@Suite("touchstone analyze --timeline")
struct AnalyzeTimelineCommandTests {
    static func simulate(_ directory: URL) throws -> String {
        let sim = directory.appendingPathComponent("sim").path
        let run = try BinaryRunner.run(["simulate", "experiment", "--units", "3000", "--seed", "9", "--out", sim])
        #expect(run.exitCode == 0, "\(run.stderr)")
        return sim
    }

    static func arguments(_ sim: String) -> [String] {
        [
            "analyze", "--exposures", "\(sim)/exposures.csv", "--events", "\(sim)/events.csv", "--experiment", "onboarding_channels",
            "--control", "control", "--metric", "purchase", "--metric", "purchase:sum",
        ]
    }

    @Test("daily JSON: one entry per day with the contract's fields; the last entry is the read-out")
    func dailyJSON() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sim = try Self.simulate(directory)
        let run = try BinaryRunner.run(Self.arguments(sim) + ["--timeline", "daily", "--format", "json"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let timeline = try #require(json["timeline"] as? [[String: Any]])
        #expect(timeline.count > 10)
        let dates = timeline.compactMap { $0["date"] as? String }
        #expect(dates.count == timeline.count)
        #expect(dates == dates.sorted())
        #expect(dates.first == "2026-03-01")
        #expect(timeline.allSatisfy { $0["day"] == nil })
        let note = try #require(json["timelineNote"] as? String)
        #expect(note.hasPrefix("not valid for peeking"))
        let last = try #require(timeline.last?["metrics"] as? [[String: Any]])
        let metrics = try #require(json["metrics"] as? [[String: Any]])
        #expect(last.map { $0["name"] as? String } == metrics.map { $0["name"] as? String })
        for (point, readOut) in zip(last, metrics) {
            let a = try #require(point["comparisons"] as? [[String: Any]]), b = try #require(readOut["comparisons"] as? [[String: Any]])
            #expect(a.count == b.count)
            for (x, y) in zip(a, b) {
                #expect(Set(x.keys) == ["variant", "units", "controlUnits", "absoluteEffect", "absoluteCI", "relativeEffect", "relativeCI", "pValue", "significant"])
                #expect(x["variant"] as? String == y["variant"] as? String)
                // Power sums by day against the read-out's Welford sums: equal up to rounding.
                for key in ["absoluteEffect", "relativeEffect", "pValue"] {
                    let a = try #require(x[key] as? Double), b = try #require(y[key] as? Double)
                    #expect(abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)), "\(key): \(a) vs \(b)")
                }
            }
        }
    }

    @Test("sequential: the note says always valid; text, Markdown and HTML carry the label")
    func labels() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sim = try Self.simulate(directory)
        let sequential = try BinaryRunner.run(Self.arguments(sim) + ["--timeline", "daily", "--method", "sequential", "--format", "json"])
        #expect(sequential.exitCode == 0, "\(sequential.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(sequential.stdout.utf8)) as? [String: Any])
        #expect((json["timelineNote"] as? String)?.hasPrefix("always valid") == true)

        let text = try BinaryRunner.run(Self.arguments(sim) + ["--timeline", "daily"])
        #expect(text.exitCode == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Timeline: the analysis as if run at the end of each day (UTC) — NOT VALID FOR PEEKING"))
        #expect(text.stdout.contains("Over time: 'purchase:sum'"))
        #expect(text.stdout.contains("2026-03-01"))
        let markdown = try BinaryRunner.run(Self.arguments(sim) + ["--timeline", "daily", "--format", "markdown"])
        #expect(markdown.stdout.contains("### Timeline: the analysis as if run at the end of each day (UTC) — NOT VALID FOR PEEKING"))
        let html = try BinaryRunner.run(Self.arguments(sim) + ["--timeline", "daily", "--format", "html"])
        #expect(html.exitCode == 0, "\(html.stderr)")
        #expect(html.stdout.components(separatedBy: "<svg class=\"timeline\"").count - 1 == 2 * 7)  // 2 metrics × 7 treatments
        #expect(html.stdout.contains("<text class=\"caveat\""))
        #expect(html.stdout.contains(">not valid for peeking</text>"))
        let sequentialHTML = try BinaryRunner.run(Self.arguments(sim) + ["--timeline", "daily", "--method", "sequential", "--format", "html"])
        #expect(sequentialHTML.stdout.contains(">always valid: may be watched daily</text>"))
        #expect(!sequentialHTML.stdout.contains("not valid for peeking"))
    }

    @Test("days since exposure: entries carry day, not date")
    func daysSinceExposure() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sim = try Self.simulate(directory)
        let run = try BinaryRunner.run(Self.arguments(sim) + ["--timeline", "days-since-exposure", "--format", "json"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let timeline = try #require(json["timeline"] as? [[String: Any]])
        #expect(timeline.compactMap { $0["day"] as? Int } == Array(0..<timeline.count))
        #expect(timeline.count == 14)
        #expect(timeline.allSatisfy { $0["date"] == nil })
    }

    @Test("refusals are usage errors naming the flags", arguments: [
        (["--units", "Datasets/hillstrom.csv", "--variant-column", "segment", "--control", "No E-Mail", "--metric", "visit"],
         "--timeline needs timestamped raw logs"),
    ])
    func refusals(arguments: [String], message: String) throws {
        let run = try BinaryRunner.run(["analyze"] + arguments + ["--timeline", "daily"])
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }

    @Test("with --by or --looks it is a usage error")
    func conflicts() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sim = try Self.simulate(directory)
        let by = try BinaryRunner.run(Self.arguments(sim) + ["--timeline", "daily", "--by", "country"])
        #expect(by.exitCode == 2)
        #expect(by.stderr.contains("--timeline and --by do not go together yet"), "\(by.stderr)")
        let looks = try BinaryRunner.run(Self.arguments(sim) + ["--timeline", "daily", "--method", "sequential", "--looks", "3", "--look", "1"])
        #expect(looks.exitCode == 2)
        #expect(looks.stderr.contains("--timeline shows every day"), "\(looks.stderr)")
    }
}

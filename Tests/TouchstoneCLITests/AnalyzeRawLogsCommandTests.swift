import Foundation
import Testing
import TouchstoneTestSupport

/// `analyze` from raw logs: the exposure log read directly and through the SQLite store give
/// the same result, and the simulation's bookkeeping is reported.
@Suite("touchstone analyze: raw logs and the exposure store")
struct AnalyzeRawLogsCommandTests {
    @Test func storeAndLogGiveTheSameAnalysis() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sim = directory.appendingPathComponent("sim").path
        let store = directory.appendingPathComponent("exposures.db").path
        let simulate = try BinaryRunner.run(["simulate", "experiment", "--units", "4000", "--seed", "5", "--out", sim])
        #expect(simulate.exitCode == 0, "\(simulate.stderr)")
        let expose = try BinaryRunner.run(["expose", "--store", store, "\(sim)/exposures.csv"])
        #expect(expose.exitCode == 0, "\(expose.stderr)")

        let common = [
            "--events", "\(sim)/events.csv", "--experiment", "onboarding_channels", "--control", "control",
            "--metric", "purchase", "--metric", "purchase:sum", "--metric", "session:count", "--format", "json",
        ]
        let fromLog = try BinaryRunner.run(["analyze", "--exposures", "\(sim)/exposures.csv"] + common)
        let fromStore = try BinaryRunner.run(["analyze", "--store", store] + common)
        #expect(fromLog.exitCode == 0, "\(fromLog.stderr)")
        #expect(fromStore.exitCode == 0, "\(fromStore.stderr)")
        #expect(!fromLog.stdout.isEmpty)
        // Same numbers up to summation order (the store hands units over in key order).
        // The store keeps each unit's first exposure only, so the last exposure it knows is the last
        // first exposure, where the log also has later repeats: the decision's dates are left out.
        func withoutDates(_ object: Any) -> Any {
            guard var top = object as? [String: Any], var decision = top["decision"] as? [String: Any] else { return object }
            decision["lastExposure"] = nil
            top["decision"] = decision
            return top
        }
        let a = withoutDates(try JSONSerialization.jsonObject(with: Data(fromLog.stdout.utf8)))
        let b = withoutDates(try JSONSerialization.jsonObject(with: Data(fromStore.stdout.utf8)))
        #expect(Self.sameJSON(a, b), "log and store analyses differ")

        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(sim)/truth.json"))) as? [String: Any]
        let multi = try #require(truth?["multiVariantUnits"] as? Int)
        #expect(fromLog.stderr.contains("\(multi) units in several variants"), "\(fromLog.stderr)")
        #expect(fromStore.stderr.contains("\(multi) units in several variants"), "\(fromStore.stderr)")
    }

    /// Structural equality with numbers compared to a relative 1e-12 — of the value, or of 0.01
    /// for smaller values: an interval bound near zero is a difference of terms of order 0.1–10
    /// here (effect ± 1.96·SE), so summation order moves it by ~1e-15 absolutely, not relatively.
    static func sameJSON(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            return x.keys.sorted() == y.keys.sorted() && x.keys.allSatisfy { key in
                guard let left = x[key], let right = y[key] else { return false }
                return sameJSON(left, right)
            }
        case let (x as [Any], y as [Any]):
            return x.count == y.count && zip(x, y).allSatisfy { sameJSON($0, $1) }
        case let (x as NSNumber, y as NSNumber):
            return isClose(x.doubleValue, y.doubleValue, relative: 1e-12, absoluteFloor: 1e-2)
        case let (x as String, y as String):
            return x == y
        case (is NSNull, is NSNull):
            return true
        default:
            return false
        }
    }

    @Test func storeNeedsAnExperimentAndAnExistingFile() throws {
        let missingKey = try BinaryRunner.run(["analyze", "--store", "x.db", "--events", "e.csv", "--control", "c", "--metric", "p"])
        #expect(missingKey.exitCode != 0)
        #expect(missingKey.stderr.contains("--experiment"))
        let missingFile = try BinaryRunner.run([
            "analyze", "--store", "no/such.db", "--events", "e.csv", "--experiment", "x", "--control", "c", "--metric", "p",
        ])
        #expect(missingFile.exitCode != 0)
        #expect(missingFile.stderr.contains("no/such.db"))
    }

    @Test func badMetricAndWindowNameTheFlag() throws {
        let badMetric = try BinaryRunner.run([
            "analyze", "--exposures", "e.csv", "--events", "v.csv", "--control", "c", "--metric", "purchase:median",
        ])
        #expect(badMetric.exitCode != 0)
        #expect(badMetric.stderr.contains("--metric 'purchase:median'"))
        let badWindow = try BinaryRunner.run([
            "analyze", "--exposures", "e.csv", "--events", "v.csv", "--control", "c", "--metric", "purchase", "--window", "soon",
        ])
        #expect(badWindow.exitCode != 0)
        #expect(badWindow.stderr.contains("--window"))
    }
}

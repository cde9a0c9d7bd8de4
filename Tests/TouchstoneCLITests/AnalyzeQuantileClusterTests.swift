import Foundation
import Testing
import TouchstoneTestSupport

/// `touchstone analyze --quantile COL:Q`, `--relative-ci fieller` and `--cluster-column`, end to
/// end through the built binary. The statistics themselves are checked against numpy, scipy and
/// statsmodels in TouchstoneStatsTests; these tests check the wiring, the JSON contract and the
/// refusals.
@Suite("touchstone analyze: quantile metrics, Fieller intervals, clusters")
struct AnalyzeQuantileClusterTests {
    private func temporary(_ name: String, _ content: String) throws -> URL {
        try temporaryFile(name, content)
    }

    private func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try BinaryRunner.run(["analyze"] + arguments + ["--format", "json"])
        #expect(result.exitCode == 0, "stderr: \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    /// numpy's default quantile (type 7).
    private func numpyQuantile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        let h = Double(sorted.count - 1) * q
        let lower = Int(h.rounded(.down)), upper = min(Int(h.rounded(.down)) + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }

    /// Two arms of skewed revenue, a country column, households of 1–4 units.
    private func table() throws -> (url: URL, revenue: [String: [Double]]) {
        var lines = ["unit_id,variant,country,household,revenue,converted"]
        var state: UInt64 = 987654321
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var revenue: [String: [Double]] = [:]
        var id = 0
        for household in 0..<400 {
            let variant = household % 2 == 0 ? "control" : "treatment"
            let size = 1 + Int(4 * next())
            for _ in 0..<size {
                let value = ((variant == "treatment" ? 12 : 10) * -log(1 - next()) * 1000).rounded() / 1000
                revenue[variant, default: []].append(value)
                lines.append("u\(id),\(variant),\(next() < 0.5 ? "US" : "DE"),h\(household),\(value),\(next() < 0.2 ? 1 : 0)")
                id += 1
            }
        }
        return (try temporary("units.csv", lines.joined(separator: "\n") + "\n"), revenue)
    }

    @Test func quantileMetricsFollowTheContract() throws {
        let (url, revenue) = try table()
        let output = try json([
            "--units", url.path, "--control", "control", "--metric", "revenue", "--quantile", "revenue:0.5", "--quantile", "revenue:0.9",
        ])
        let metrics = try #require(output["metrics"] as? [[String: Any]])
        #expect(metrics.map { $0["name"] as? String } == ["revenue", "revenue:0.5", "revenue:0.9"])
        for (metric, q) in zip(metrics.dropFirst(), [0.5, 0.9]) {
            #expect(metric["kind"] as? String == "quantile")
            #expect(metric["quantile"] as? Double == q)
            let arms = try #require(metric["arms"] as? [[String: Any]])
            var values: [String: Double] = [:]
            for arm in arms {
                let variant = try #require(arm["variant"] as? String)
                let value = try #require(arm["quantileValue"] as? Double)
                #expect(abs(value - numpyQuantile(revenue[variant] ?? [], q)) <= 1e-12 * max(1, abs(value)))
                values[variant] = value
            }
            let comparison = try #require((metric["comparisons"] as? [[String: Any]])?.first)
            let difference = try #require(comparison["absoluteEffect"] as? Double)
            #expect(abs(difference - ((values["treatment"] ?? .nan) - (values["control"] ?? .nan))) < 1e-12)
            let ci = try #require(comparison["absoluteCI"] as? [Double])
            #expect(ci[0] < difference && difference < ci[1])
            #expect(comparison["adjustedPValue"] as? Double != nil)
        }
        #expect((metrics.first?["arms"] as? [[String: Any]])?.first?["quantileValue"] == nil)
    }

    @Test func rawLogQuantilesUseEachUnitsWindowedSum() throws {
        // 60 units per arm; unit i spends i % 7 purchases of 10 (treatment) or 8 (control), some none.
        var exposures = ["unit_id,experiment,variant,timestamp"], events = ["unit_id,timestamp,event,value"]
        var sums: [String: [Double]] = [:]
        for i in 0..<120 {
            let variant = i % 2 == 0 ? "control" : "treatment"
            exposures.append("u\(i),exp,\(variant),2026-03-01T00:00:00Z")
            let purchases = i % 7
            for _ in 0..<purchases { events.append("u\(i),2026-03-02T00:00:00Z,purchase,\(variant == "control" ? 8 : 10)") }
            // Outside the 14-day window: must not count.
            events.append("u\(i),2026-04-01T00:00:00Z,purchase,1000")
            sums[variant, default: []].append(Double(purchases * (variant == "control" ? 8 : 10)))
        }
        let exposureLog = try temporary("exposures.csv", exposures.joined(separator: "\n") + "\n")
        let eventLog = try temporary("events.csv", events.joined(separator: "\n") + "\n")
        let output = try json([
            "--exposures", exposureLog.path, "--events", eventLog.path, "--control", "control", "--quantile", "purchase:sum:0.5",
            "--quantile", "purchase:count:0.9",
        ])
        let metrics = try #require(output["metrics"] as? [[String: Any]])
        #expect(metrics.map { $0["name"] as? String } == ["purchase:sum:0.5", "purchase:count:0.9"])
        let arms = try #require(metrics.first?["arms"] as? [[String: Any]])
        for arm in arms {
            let variant = try #require(arm["variant"] as? String)
            #expect(arm["quantileValue"] as? Double == numpyQuantile(sums[variant] ?? [], 0.5), "\(variant)")
            #expect(arm["units"] as? Int == 60)
        }
        let wrong = try BinaryRunner.run([
            "analyze", "--exposures", exposureLog.path, "--events", eventLog.path, "--control", "control", "--quantile", "purchase:0.5",
        ])
        #expect(wrong.exitCode == 2)
        #expect(wrong.stderr.contains("EVENT:sum:Q"), "\(wrong.stderr)")
    }

    @Test func quantileMetricsSplitBySegment() throws {
        let (url, _) = try table()
        let output = try json(["--units", url.path, "--control", "control", "--quantile", "revenue:0.5", "--by", "country"])
        let segments = try #require((output["segments"] as? [String: Any])?["results"] as? [[String: Any]])
        #expect(segments.map { $0["segment"] as? String } == ["DE", "US"])
        for segment in segments {
            let metric = try #require((segment["metrics"] as? [[String: Any]])?.first)
            #expect(metric["kind"] as? String == "quantile")
        }
    }

    @Test func aBareQuantileIsStillTheBootstrapLevel() throws {
        let (url, _) = try table()
        let output = try json(["--units", url.path, "--control", "control", "--metric", "revenue", "--bootstrap", "200", "--quantile", "0.9"])
        let bootstrap = try #require(output["bootstrap"] as? [[String: Any]])
        #expect(bootstrap.first?["quantile"] as? Double == 0.9)
        let alone = try BinaryRunner.run(["analyze", "--units", url.path, "--control", "control", "--metric", "revenue", "--quantile", "0.9"])
        #expect(alone.exitCode == 2)
        #expect(alone.stderr.contains("revenue:0.9"), "\(alone.stderr)")
    }

    @Test func quantileMetricsRefuseOtherMethodsAndSources() throws {
        let (url, _) = try table()
        for method in ["sequential", "bayesian"] {
            let result = try BinaryRunner.run(["analyze", "--units", url.path, "--control", "control", "--quantile", "revenue:0.5", "--method", method])
            #expect(result.exitCode == 2, "\(method): \(result.stderr)")
            #expect(result.stderr.contains("--quantile"), "\(result.stderr)")
        }
        let bad = try BinaryRunner.run(["analyze", "--units", url.path, "--control", "control", "--quantile", "revenue:1.5"])
        #expect(bad.exitCode == 2)
        let summary = try temporary("arms.csv", "variant,units,conversions\ncontrol,1000,50\ntreatment,1000,65\n")
        let other = try BinaryRunner.run(["analyze", "--summary", summary.path, "--control", "control", "--quantile", "revenue:0.5"])
        #expect(other.exitCode == 2)
    }

    @Test func fiellerReplacesTheRelativeIntervalAndSaysSo() throws {
        let (url, _) = try table()
        let delta = try json(["--units", url.path, "--control", "control", "--metric", "revenue"])
        let fieller = try json(["--units", url.path, "--control", "control", "--metric", "revenue", "--relative-ci", "fieller"])
        #expect(delta["relativeInterval"] == nil)
        #expect(fieller["relativeInterval"] as? String == "fieller")
        func comparison(_ output: [String: Any]) -> [String: Any]? {
            ((output["metrics"] as? [[String: Any]])?.first?["comparisons"] as? [[String: Any]])?.first
        }
        let d = try #require(comparison(delta)?["relativeCI"] as? [Double])
        let f = try #require(comparison(fieller)?["relativeCI"] as? [Double])
        #expect(d != f)
        #expect(comparison(delta)?["absoluteCI"] as? [Double] == comparison(fieller)?["absoluteCI"] as? [Double])
        let table = try BinaryRunner.run(["analyze", "--units", url.path, "--control", "control", "--metric", "revenue", "--relative-ci", "fieller"])
        #expect(table.stdout.contains("(Fieller)"))
    }

    @Test func fiellerIsNullWithADiagnosticWhenTheControlMeanIsNotSignificant() throws {
        // Control values centred on 0: its mean is not significantly different from zero.
        var lines = ["variant,y"]
        for i in 0..<50 {
            lines.append("control,\(Double(i % 10) - 4.4)")
            lines.append("treatment,\(Double(i % 10) - 3.0)")
        }
        let url = try temporary("zero.csv", lines.joined(separator: "\n") + "\n")
        let output = try json(["--units", url.path, "--control", "control", "--metric", "y", "--relative-ci", "fieller"])
        let comparison = try #require(((output["metrics"] as? [[String: Any]])?.first?["comparisons"] as? [[String: Any]])?.first)
        #expect(comparison["relativeCI"] as? [NSNull] == [NSNull(), NSNull()])
        let diagnostics = try #require(comparison["diagnostics"] as? [[String: Any]])
        let message = try #require(diagnostics.first { $0["code"] as? String == "UNBOUNDED_INTERVAL" }?["message"] as? String)
        #expect(message.contains("metric 'y'") && message.contains("variant 'treatment'"))
    }

    @Test func clusterColumnCountsClustersAndWidensIntervals() throws {
        let (url, _) = try table()
        let plain = try json(["--units", url.path, "--control", "control", "--metric", "revenue", "--metric", "converted"])
        let clustered = try json(["--units", url.path, "--control", "control", "--metric", "revenue", "--metric", "converted", "--cluster-column", "household"])
        #expect(clustered["clusterColumn"] as? String == "household")
        let srm = try #require(clustered["srm"] as? [String: Any])
        #expect(srm["observed"] as? [String: Int] == ["control": 200, "treatment": 200])
        let metrics = try #require(clustered["metrics"] as? [[String: Any]])
        for metric in metrics {
            let arms = try #require(metric["arms"] as? [[String: Any]])
            #expect(arms.map { $0["clusters"] as? Int } == [200, 200])
            let comparison = try #require((metric["comparisons"] as? [[String: Any]])?.first)
            #expect(comparison["statistic"] as? Double != nil)
        }
        func se(_ output: [String: Any]) -> Double? {
            ((output["metrics"] as? [[String: Any]])?.first?["comparisons"] as? [[String: Any]])?.first?["standardError"] as? Double
        }
        // Same point estimate; a different (cluster-robust) standard error.
        #expect(se(clustered) != se(plain))
    }

    @Test func aClusterInTwoVariantsOrAUnitInTwoClustersIsALocatedError() throws {
        let split = try temporary("split.csv", "unit_id,variant,household,y\nu1,control,h1,1\nu2,treatment,h1,2\nu3,treatment,h2,3\n")
        let result = try BinaryRunner.run(["analyze", "--units", split.path, "--control", "control", "--metric", "y", "--cluster-column", "household"])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("split.csv:3:"), "\(result.stderr)")
        #expect(result.stderr.contains("cluster 'h1'"), "\(result.stderr)")
        let moved = try temporary("moved.csv", "unit_id,variant,household,y\nu1,control,h1,1\nu2,control,h2,2\nu1,control,h2,3\n")
        let unit = try BinaryRunner.run(["analyze", "--units", moved.path, "--control", "control", "--metric", "y", "--cluster-column", "household"])
        #expect(unit.exitCode == 1)
        #expect(unit.stderr.contains("moved.csv:4:"), "\(unit.stderr)")
        #expect(unit.stderr.contains("unit 'u1'"), "\(unit.stderr)")
    }

    @Test func designTakesAnIntraClusterCorrelation() throws {
        let plain = try BinaryRunner.run(["design", "--metric", "mean", "--mean", "10", "--stddev", "25", "--mde", "0.5", "--format", "json"])
        let clustered = try BinaryRunner.run([
            "design", "--metric", "mean", "--mean", "10", "--stddev", "25", "--mde", "0.5", "--icc", "0.05", "--cluster-size", "20", "--format", "json",
        ])
        #expect(clustered.exitCode == 0, "\(clustered.stderr)")
        let a = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
        let b = try #require(try JSONSerialization.jsonObject(with: Data(clustered.stdout.utf8)) as? [String: Any])
        let exactA = try #require(a["samplePerArmExact"] as? Double), exactB = try #require(b["samplePerArmExact"] as? Double)
        #expect(abs(exactB / exactA - 1.95) < 1e-12)
        let cluster = try #require(b["cluster"] as? [String: Any])
        #expect(cluster["designEffect"] as? Double == 1.95)
        let lonely = try BinaryRunner.run(["design", "--metric", "mean", "--mean", "10", "--stddev", "25", "--mde", "0.5", "--icc", "0.05"])
        #expect(lonely.exitCode == 2)
    }
}

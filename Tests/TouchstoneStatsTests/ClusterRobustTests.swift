import Testing
import TouchstoneStats

/// Cluster-robust comparisons against statsmodels OLS `y ~ treatment` with `cov_type="cluster"`
/// (CR1, t on G − 1 df; `Scripts/make_reference_quantiles.py`), the A/A false-positive rate with
/// intra-cluster correlation 0.3 by simulation, and the design effect.
@Suite struct ClusterRobustTests {
    static var cases: [QuantileReference.ClusterCase] { QuantileReference.shared?.clusters ?? [] }

    static func armStatistics(_ c: QuantileReference.ClusterCase) -> (control: ClusterStatistics, treatment: ClusterStatistics) {
        var sizes: [String: Int] = [:], totals: [String: Double] = [:], arm: [String: Int] = [:]
        for (index, cluster) in c.cluster.enumerated() {
            sizes[cluster, default: 0] += 1
            totals[cluster, default: 0] += c.y[index]
            arm[cluster] = c.treatment[index]
        }
        var control = ClusterStatistics(), treatment = ClusterStatistics()
        for cluster in sizes.keys.sorted() {
            if arm[cluster] == 1 {
                treatment.addCluster(size: sizes[cluster] ?? 0, total: totals[cluster] ?? 0)
            } else {
                control.addCluster(size: sizes[cluster] ?? 0, total: totals[cluster] ?? 0)
            }
        }
        return (control, treatment)
    }

    @Test func fixtureLoads() throws {
        #expect(try QuantileReference.load().clusters.count == 2)
    }

    @Test("equals statsmodels OLS with cluster-robust (CR1) errors to 1e-9", arguments: cases)
    func matchesStatsmodels(_ c: QuantileReference.ClusterCase) {
        let arms = Self.armStatistics(c)
        let result = ClusterRobustTest.compare(control: arms.control, treatment: arms.treatment, settings: TestSettings(alpha: c.alpha))
        let e = c.expected
        expectClose(result.absoluteEffect, e.absoluteEffect, 1e-9, "\(c.label) effect")
        expectClose(result.standardError, e.standardError, 1e-9, "\(c.label) SE")
        expectClose(result.absoluteCI.lower, e.absoluteCI[0], 1e-9, "\(c.label) CI lower")
        expectClose(result.absoluteCI.upper, e.absoluteCI[1], 1e-9, "\(c.label) CI upper")
        expectClose(result.statistic, e.statistic, 1e-9, "\(c.label) t")
        expectClose(result.pValue, e.pValue, 1e-9, "\(c.label) p")
        #expect(result.degreesOfFreedom == e.degreesOfFreedom)
    }

    /// A/A data with clusters of 10 units and ICC 0.3 (cluster effect variance 0.3, unit noise 0.7).
    static func aaRejections(seed: UInt64, replicates: Int) -> (clustered: Int, naive: Int) {
        let random = RandomSource(seed: seed)
        var clustered = 0, naive = 0
        for _ in 0..<replicates {
            var arms = [ClusterStatistics(), ClusterStatistics()]
            var units = [SufficientStatistics(), SufficientStatistics()]
            for cluster in 0..<60 {
                let effect = random.normal(stdDev: 0.3.squareRoot())
                var total = 0.0
                for _ in 0..<10 {
                    let y = effect + random.normal(stdDev: 0.7.squareRoot())
                    total += y
                    units[cluster % 2].add(y)
                }
                arms[cluster % 2].addCluster(size: 10, total: total)
            }
            if ClusterRobustTest.compare(control: arms[0], treatment: arms[1]).pValue < 0.05 { clustered += 1 }
            if WelchTTest.compare(control: units[0], treatment: units[1]).pValue < 0.05 { naive += 1 }
        }
        return (clustered, naive)
    }

    @Test func aaFalsePositiveRateWithICC03() {
        let replicates = 4_000
        let result = Self.aaRejections(seed: 303, replicates: replicates)
        let clustered = Double(result.clustered) / Double(replicates), naive = Double(result.naive) / Double(replicates)
        #expect(clustered >= 0.04 && clustered <= 0.06, "cluster-robust A/A false-positive rate \(clustered)")
        // Ignoring the clusters (design effect 1 + 9 × 0.3 = 3.7) rejects far more often.
        #expect(naive >= 0.25, "unit-level Welch A/A false-positive rate \(naive)")
    }

    @Test func designEffectMultipliesTheSample() throws {
        let analysis = try PowerAnalysis(metric: .mean(mean: 10, stdDev: 25), relative: false, alpha: 0.05, power: 0.8, arms: 2)
        let plain = try ExperimentDesign.forEffect(analysis, mde: 0.5)
        let cluster = try ClusterDesign(intraclassCorrelation: 0.05, clusterSize: 20)
        let clustered = try ExperimentDesign.forEffect(analysis, mde: 0.5, cluster: cluster)
        #expect(cluster.designEffect == 1 + 19 * 0.05)
        // The individually randomised n (checked against statsmodels elsewhere) times DE.
        expectClose(clustered.samplePerArmExact, plain.samplePerArmExact * 1.95, 1e-12, "n per arm vs plain")
        #expect(clustered.cluster?.clustersPerArm == Int((Double(clustered.samplePerArm) / 20).rounded(.up)))
        let back = try ExperimentDesign.forSample(analysis, samplePerArm: clustered.samplePerArm, cluster: cluster)
        #expect(back.mde <= 0.5 && back.mde > 0.499)
        #expect(throws: StatsError.self) { try ClusterDesign(intraclassCorrelation: 1.5, clusterSize: 20) }
    }
}

import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats

/// The pre-period balance check by simulation, on sufficient statistics drawn exactly from their
/// sampling distributions (x̄ ~ N(μ, σ²/n), (n − 1)s² ~ σ²χ²_{n−1}), so thousands of
/// experiments run in a second.
@Suite("Covariate balance check: planted imbalance found, A/A false alarms at most 0.1% per experiment")
struct BalanceCheckTests {
    /// One experiment with 3 arms (control + 2 treatments) and 3 metrics, each with its own
    /// pre-period covariate; `shift` moves covariate x1's mean in arm b by that many SDs.
    static func table(_ random: RandomSource, units: Int, shift: Double = 0) -> ArmTable {
        let variants = ["control", "a", "b"]
        let metrics = (1...3).map { index in
            var arms: [ByteKey: SufficientStatistics] = [:]
            for variant in variants {
                let n = Double(units)
                let mu = index == 1 && variant == "b" ? shift : 0
                let xMean = random.normal(mean: mu, stdDev: 1 / n.squareRoot())
                let xSD = (random.gamma(shape: (n - 1) / 2, scale: 2) / (n - 1)).squareRoot()
                arms[ByteKey(variant)] = SufficientStatistics(
                    count: units, mean: 1, stdDev: 1, covariateMean: xMean, covariateStdDev: xSD, covariance: 0)
            }
            return ArmTable.Metric(name: "y\(index)", kind: .mean, arms: arms, covariate: "x\(index)")
        }
        return ArmTable(variants: variants, metrics: metrics, units: Dictionary(uniqueKeysWithValues: variants.map { (ByteKey($0), units) }))
    }

    /// Counted per experiment: an experiment is a false alarm when the warning fires, i.e. any of
    /// its 6 tests (3 covariates × 2 treatments) has a Bonferroni-adjusted p below 0.001.
    @Test func aaFalseAlarmsPerExperimentAtMostThreshold() {
        let random = RandomSource(seed: 17)
        let experiments = 20_000
        var alarms = 0, rawAlarms = 0
        for _ in 0..<experiments {
            let check = BalanceCheck.run(Self.table(random, units: 500), control: "control")
            #expect(check.balance.count == 6)
            if check.warning != nil { alarms += 1 }
            if check.balance.contains(where: { $0.pValue < 0.001 }) { rawAlarms += 1 }
        }
        let rate = Double(alarms) / Double(experiments)
        let rawRate = Double(rawAlarms) / Double(experiments)
        print("balance A/A: \(alarms) of \(experiments) experiments warned (\(rate)); unadjusted p < 0.001 in \(rawRate)")
        #expect(rate <= 0.001, "A/A false-alarm rate \(rate)")
        // Without the adjustment six tests would alarm about six times as often.
        #expect(rawRate > 0.003, "unadjusted rate \(rawRate)")
    }

    @Test func plantedImbalanceIsFound() {
        let random = RandomSource(seed: 18)
        var found = 0
        for _ in 0..<500 {
            let check = BalanceCheck.run(Self.table(random, units: 2_000, shift: 0.2), control: "control")
            let worst = check.balance.min { $0.adjustedPValue < $1.adjustedPValue }
            if let warning = check.warning, worst?.covariate == "x1", worst?.variant == "b", warning.contains("'x1' in 'b'") { found += 1 }
        }
        // Power: z = 0.2/√(2/2000) = 6.32 against the Bonferroni bound |t| > 3.76 (p < 0.001/6),
        // so P(found) = Φ(6.32 − 3.76) = 0.995 per experiment: about 497.5 of 500 expected.
        print("balance: planted 0.2-SD imbalance found in \(found) of 500")
        #expect(found >= 495, "planted 0.2-SD imbalance found in \(found) of 500 (expected ≈ 497.5)")
    }

    @Test func analysisCarriesBalanceAndWarning() throws {
        let random = RandomSource(seed: 19)
        let result = try ExperimentAnalysis.analyze(
            Self.table(random, units: 2_000, shift: 0.3), settings: AnalysisSettings(control: "control"))
        let balance = try #require(result.balance)
        #expect(balance.map(\.covariate) == ["x1", "x1", "x2", "x2", "x3", "x3"])
        #expect(balance.map(\.variant) == ["a", "b", "a", "b", "a", "b"])
        let flagged = try #require(balance.first { $0.covariate == "x1" && $0.variant == "b" })
        #expect(flagged.standardizedDifference > 0.2 && flagged.standardizedDifference < 0.4)
        #expect(flagged.adjustedPValue == min(1, flagged.pValue * 6))
        #expect(result.warnings.contains { $0.hasPrefix("Pre-period imbalance: the arms already differed before the experiment began in 'x1' in 'b'") })
    }

    @Test func noCovariatesNoBalance() throws {
        let table = ArmTable(
            variants: ["control", "t"],
            metrics: [.init(name: "y", kind: .mean, arms: [
                ByteKey("control"): SufficientStatistics(count: 10, mean: 1, stdDev: 1),
                ByteKey("t"): SufficientStatistics(count: 10, mean: 1.2, stdDev: 1),
            ])],
            units: [ByteKey("control"): 10, ByteKey("t"): 10])
        let result = try ExperimentAnalysis.analyze(table, settings: AnalysisSettings(control: "control"))
        #expect(result.balance == nil)
    }
}

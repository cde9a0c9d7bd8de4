import Foundation
import Testing
import TouchstoneStats
import TouchstoneTestSupport

/// Reference cases written by Scripts/make_covariates_reference.py (statsmodels OLS and the
/// numpy closed form, which agree to 1e-11 there).
struct CovariatesReference: Decodable {
    struct Row: Decodable {
        var arm: Int
        var y: Double
        var x: [Double]
    }

    struct Expected: Decodable {
        var effect: Double
        var closedFormEffect: Double
        var theta: [Double]
        var used: [Int]
        var dropped: [Int]
        var standardError: Double
        var degreesOfFreedom: Double
        var pValue: Double
        var varianceReduction: Double
    }

    struct Case: Decodable {
        var label: String
        var kind: String
        var names: [String]
        var rows: [Row]
        var expected: Expected
    }

    var cases: [Case]

    static func load() throws -> CovariatesReference {
        guard let url = Bundle.module.url(forResource: "multiple_covariates", withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Fixtures.load(CovariatesReference.self, from: url)
    }
}

@Suite("CUPED with several covariates against statsmodels OLS, and its variance reduction by simulation")
struct MultipleRegressionAdjustmentTests {
    @Test func equalsOLSWithCommonSlopes() throws {
        for c in try CovariatesReference.load().cases {
            let d = 1 + c.names.count
            var control = JointMoments(dimension: d), treatment = JointMoments(dimension: d)
            for row in c.rows {
                if row.arm == 0 { control.add([row.y] + row.x) } else { treatment.add([row.y] + row.x) }
            }
            let kind: MetricKind = c.kind == "proportion" ? .proportion : .mean
            let fit = MultipleRegressionAdjustment(control: control, treatment: treatment, kind: kind, names: c.names)
            #expect(fit.used == c.expected.used, "\(c.label) used")
            #expect(fit.dropped == c.expected.dropped, "\(c.label) dropped")
            #expect(fit.diagnostics.count == c.expected.dropped.count, "\(c.label) diagnostics")
            #expect(fit.diagnostics.allSatisfy { $0.code == .collinearCovariate }, "\(c.label) diagnostic code")
            #expect(fit.theta.count == c.expected.theta.count, "\(c.label) θ count")
            for (a, b) in zip(fit.theta, c.expected.theta) { expectClose(a, b, 1e-9, "\(c.label) θ", floor: 1e-3) }
            expectClose(fit.adjusted.absoluteEffect, c.expected.effect, 1e-9, "\(c.label) effect vs OLS", floor: 1e-2)
            expectClose(fit.adjusted.absoluteEffect, c.expected.closedFormEffect, 1e-9, "\(c.label) effect vs closed form", floor: 1e-2)
            let test = WelchTTest.compare(fit.adjusted)
            expectClose(test.standardError, c.expected.standardError, 1e-9, "\(c.label) SE")
            expectClose(fit.adjusted.degreesOfFreedom, c.expected.degreesOfFreedom, 1e-9, "\(c.label) df")
            expectClose(test.pValue, c.expected.pValue, 1e-7, "\(c.label) p")
            expectClose(fit.varianceReduction, c.expected.varianceReduction, 1e-9, "\(c.label) variance reduction")
            #expect(fit.dropped.allSatisfy { c.names.indices.contains($0) })
            for diagnostic in fit.diagnostics { #expect(diagnostic.message.contains("left out"), "\(diagnostic)") }
        }
    }

    @Test func mergedPartsEqualOnePass() {
        let random = RandomSource(seed: 7)
        var whole = JointMoments(dimension: 3), left = JointMoments(dimension: 3), right = JointMoments(dimension: 3)
        for i in 0..<500 {
            let v = [1e9 + random.normal(stdDev: 1), 5e8 + random.normal(stdDev: 2), random.normal(stdDev: 3)]
            whole.add(v)
            if i % 3 == 0 { left.add(v) } else { right.add(v) }
        }
        let merged = left + right
        #expect(merged.count == whole.count)
        for i in 0..<3 {
            expectClose(merged.mean(i), whole.mean(i), 1e-14, "mean \(i)")
            for j in 0..<3 { expectClose(merged.coMoment(i, j), whole.coMoment(i, j), 1e-9, "C\(i)\(j)", floor: 1) }
        }
    }

    @Test func degenerateInputGivesNumbersNotNaN() {
        // Every covariate constant: no adjustment, the plain difference, two diagnostics.
        var c = JointMoments(dimension: 3), t = JointMoments(dimension: 3)
        for i in 0..<10 {
            c.add([Double(i), 1, 2])
            t.add([Double(i) + 1, 1, 2])
        }
        let fit = MultipleRegressionAdjustment(control: c, treatment: t, names: ["a", "b"])
        #expect(fit.used.isEmpty)
        #expect(fit.dropped == [0, 1])
        #expect(fit.adjusted.absoluteEffect == 1)
        #expect(fit.varianceReduction == 0)
        #expect(fit.diagnostics.map(\.message) == [
            "covariate 'a' is constant within the arms: left out of the adjustment",
            "covariate 'b' is constant within the arms: left out of the adjustment",
        ])
    }

    /// y = 0.6 x₁ + 0.5 x₂ + e with independent standard-normal covariates and Var(e) = 0.39:
    /// R² = 0.61, so the adjusted effect's variance across replicates is 39% of the plain one,
    /// the reported reduction says so, and 95% intervals cover the planted effect.
    @Test func shrinksVarianceByRSquared() {
        let random = RandomSource(seed: 2026)
        let n = 200, effect = 0.25, replicates = 1_000, rSquared = 0.61
        var plain: [Double] = [], adjusted: [Double] = [], reported = 0.0, covered = 0
        for _ in 0..<replicates {
            var arms = [JointMoments(dimension: 3), JointMoments(dimension: 3)]
            for arm in 0..<2 {
                for _ in 0..<n {
                    let x1 = random.normal(stdDev: 1), x2 = random.normal(stdDev: 1)
                    let y = (arm == 1 ? effect : 0) + 0.6 * x1 + 0.5 * x2 + random.normal(stdDev: (1 - rSquared).squareRoot())
                    arms[arm].add([y, x1, x2])
                }
            }
            let fit = MultipleRegressionAdjustment(control: arms[0], treatment: arms[1])
            plain.append(fit.unadjusted.absoluteEffect)
            adjusted.append(fit.adjusted.absoluteEffect)
            reported += fit.varianceReduction / Double(replicates)
            if WelchTTest.compare(fit.adjusted).absoluteCI.contains(effect) { covered += 1 }
        }
        func variance(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)
        }
        let empirical = 1 - variance(adjusted) / variance(plain)
        #expect(abs(empirical - rSquared) < 0.05, "empirical reduction \(empirical)")
        #expect(abs(reported - rSquared) < 0.02, "reported reduction \(reported)")
        let coverage = Double(covered) / Double(replicates)
        #expect(coverage >= 0.93 && coverage <= 0.97, "coverage \(coverage)")
        let meanEffect = adjusted.reduce(0, +) / Double(replicates)
        #expect(abs(meanEffect - effect) < 0.01, "mean adjusted effect \(meanEffect)")
    }
}

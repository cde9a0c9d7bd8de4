import Testing
import TouchstoneStats
import Foundation
import TouchstoneTestSupport

/// The reference values written by `Scripts/make_reference_methods.py` (gbstats, statsmodels,
/// scipy, mpmath).
struct MethodReference: Decodable {
    struct Counts: Decodable { var units: Int; var conversions: Int }
    struct Moments: Decodable { var count: Int; var mean: Double; var stdDev: Double }

    /// Either counts (proportion) or moments (mean), as the case's `kind` says.
    struct Arm: Decodable {
        var units: Int?
        var conversions: Int?
        var count: Int?
        var mean: Double?
        var stdDev: Double?
    }

    struct Estimate: Decodable {
        var pValue: Double?
        var chanceToWin: Double?
        var expected: Double
        var ci: [Double]
        var risk: [Double]?
    }

    struct BetaCase: Decodable {
        struct Expected: Decodable {
            var probabilityToBeatControl: Double
            var expectedLoss: Double
            var controlExpectedLoss: Double
            var absoluteCI: [Double]?
            var relativeCI: [Double]?
        }
        var control: Counts
        var treatment: Counts
        var alpha: Double
        var expected: Expected
    }

    struct GaussianCase: Decodable {
        struct Prior: Decodable { var mean: Double; var stdDev: Double }
        var kind: String
        var control: Arm
        var treatment: Arm
        var prior: Prior?
        var alpha: Double
        var expected: [String: Estimate]
    }

    struct SequentialCase: Decodable {
        var kind: String
        var control: Arm
        var treatment: Arm
        var tuning: Double
        var alpha: Double
        var expected: [String: Estimate]
    }

    struct CovariateMoments: Decodable {
        var count: Int
        var mean: Double
        var stdDev: Double
        var covariateMean: Double
        var covariateStdDev: Double
        var covariance: Double
    }

    struct CUPEDCase: Decodable {
        struct Expected: Decodable {
            var theta: Double
            var absolute: Estimate
            var relative: Estimate
        }
        var label: String
        var rho: Double
        var control: CovariateMoments
        var treatment: CovariateMoments
        var expected: Expected
    }

    struct RatioMoments: Decodable {
        var count: Int
        var numeratorMean: Double
        var numeratorStdDev: Double
        var denominatorMean: Double
        var denominatorStdDev: Double
        var covariance: Double
    }

    struct RatioCase: Decodable {
        struct Expected: Decodable {
            var absolute: Estimate
            var relative: Estimate
            var unitVariance: [Double]
        }
        var label: String
        var control: RatioMoments
        var treatment: RatioMoments
        var expected: Expected
    }

    struct FactorialCase: Decodable {
        struct Cell: Decodable { var variant: String; var count: Int; var mean: Double; var stdDev: Double }
        struct Fit: Decodable {
            var estimate: [Double]
            var standardError: [Double]
            var pValue: [Double]
            var ci: [[Double]]
            var df: Double
        }
        struct Relative: Decodable {
            var estimate: [Double]
            var ci: [[Double]]
            var pValue: [Double]
        }
        struct Expected: Decodable {
            var terms: [String]
            var HC1: Fit
            var HC3: Fit
            var relative: Relative?
        }
        var label: String
        var kind: String
        var cells: [Cell]
        var expected: Expected
    }

    struct GroupSequentialCase: Decodable {
        var informationFractions: [Double]
        var alpha: Double
        var expected: [Double]
        var cumulativeAlpha: [Double]
    }

    struct QuantileCase: Decodable {
        var data: [Double]
        var levels: [Double]
        var expected: [Double]
    }

    var betaBinomial: [BetaCase]
    var gaussianBayes: [GaussianCase]
    var sequential: [SequentialCase]
    var cuped: [CUPEDCase]
    var ratio: [RatioCase]
    var factorial: [FactorialCase]
    var groupSequential: [GroupSequentialCase]
    var quantiles: QuantileCase

    static func load() throws -> MethodReference {
        guard let url = Bundle.module.url(forResource: "methods", withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Fixtures.load(MethodReference.self, from: url)
    }
}

/// `actual` within `tolerance` (relative) of a reference value, named in the failure.
func expectClose(_ actual: Double, _ expected: Double, _ tolerance: Double, _ what: String, floor: Double = 1e-300) {
    #expect(isClose(actual, expected, relative: tolerance, absoluteFloor: floor), "\(what) = \(actual), expected \(expected)")
}

func statistics(_ arm: MethodReference.Arm, _ kind: String) -> SufficientStatistics {
    if kind == "proportion" {
        return .proportion(units: arm.units ?? 0, conversions: arm.conversions ?? 0)
    }
    return SufficientStatistics(count: arm.count ?? 0, mean: arm.mean ?? .nan, stdDev: arm.stdDev ?? .nan)
}

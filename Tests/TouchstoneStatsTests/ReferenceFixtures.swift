import Foundation
import TouchstoneTestSupport

/// The reference values written by `Scripts/make_reference.py` (scipy, statsmodels, gbstats).
struct Reference: Decodable {
    struct DistributionCase: Decodable {
        var function: String
        var x: Double
        var df: Double?
        var expected: Double
    }

    struct Counts: Decodable {
        var units: Int
        var conversions: Int
    }

    struct Moments: Decodable {
        var count: Int
        var mean: Double
        var stdDev: Double
    }

    struct ComparisonExpectation: Decodable {
        var statistic: Double
        var pValue: Double
        var degreesOfFreedom: Double?
        var absoluteEffect: Double
        var absoluteCI: [Double]
        var relativeEffect: Double
        var relativeCI: [Double]
        var gbstatsRelativeCI: [Double]?
    }

    struct ZCase: Decodable {
        var label: String
        var control: Counts
        var treatment: Counts
        var alpha: Double
        var alternative: String
        var expected: ComparisonExpectation
    }

    struct WelchCase: Decodable {
        var label: String
        var control: Moments
        var treatment: Moments
        var alpha: Double
        var alternative: String
        var expected: ComparisonExpectation
    }

    struct SRMCase: Decodable {
        struct Expected: Decodable {
            var chiSquare: Double
            var pValue: Double
            var expectedCounts: [Double]
        }

        var label: String
        var observed: [Int]
        var weights: [Double]
        var expected: Expected
    }

    struct CorrectionCase: Decodable {
        var method: String
        var pValues: [Double]
        var expected: [Double]
    }

    struct PowerCase: Decodable {
        var solve: String
        var kind: String
        var baseline: Double
        var stdDev: Double?
        var mde: Double?
        var relative: Bool
        var alpha: Double
        var power: Double
        var arms: Int
        var alternative: String
        var samplePerArm: Double?
        var expected: Double
    }

    var distributions: [DistributionCase]
    var zTests: [ZCase]
    var welch: [WelchCase]
    var srm: [SRMCase]
    var corrections: [CorrectionCase]
    var power: [PowerCase]

    static func load() throws -> Reference {
        guard let url = Bundle.module.url(forResource: "reference", withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Fixtures.load(Reference.self, from: url)
    }
}

import Foundation
import TouchstoneTestSupport

/// The reference values written by `Scripts/make_reference_quantiles.py` (numpy, scipy, statsmodels).
struct QuantileReference: Decodable {
    struct QuantileCase: Decodable {
        var label: String
        var quantile: Double
        var alpha: Double
        var control: [Double]
        var treatment: [Double]
        var controlQuantile: Double
        var treatmentQuantile: Double
        var bootstrapCI: [Double]
        /// Whether the script's own implementation of the tie rule refuses the case.
        var tied: Bool
    }

    struct FiellerCase: Decodable {
        var label: String
        var treatment: Double
        var treatmentVariance: Double
        var control: Double
        var controlVariance: Double
        var covariance: Double
        var alpha: Double
        var alternative: String
        var degreesOfFreedom: Double?
        var bounded: Bool
        var g: Double
        var relativeCI: [Double?]?
    }

    struct ClusterCase: Decodable {
        struct Expected: Decodable {
            var absoluteEffect: Double
            var standardError: Double
            var absoluteCI: [Double]
            var pValue: Double
            var statistic: Double
            var degreesOfFreedom: Double
        }

        var label: String
        var alpha: Double
        var cluster: [String]
        var treatment: [Int]
        var y: [Double]
        var expected: Expected
    }

    var quantiles: [QuantileCase]
    var fieller: [FiellerCase]
    var clusters: [ClusterCase]

    static func load() throws -> QuantileReference {
        guard let url = Bundle.module.url(forResource: "quantiles", withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Fixtures.load(QuantileReference.self, from: url)
    }

    static let shared: QuantileReference? = try? load()
}

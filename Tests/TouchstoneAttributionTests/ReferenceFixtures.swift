import Foundation
import Testing
import TouchstoneAttribution
import TouchstoneTestSupport

/// The JSON written by `Scripts/make_attribution_reference.py`.
struct ReferenceFile: Decodable {
    struct Path: Decodable {
        var path: [String]
        var conversions: Double
        var value: Double
        var nulls: Double
    }

    struct Exact: Decodable {
        var order: Int
        var includeNullPaths: Bool
        var states: Int
        var conversionProbability: Double
        var removalEffects: [String: Double]
        var valueRemovalEffects: [String: Double]
        var conversions: [String: Double]
        var values: [String: Double]
    }

    struct Simulated: Decodable {
        struct Run: Decodable {
            var seed: Int
            var conversions: [String: Double]
            var removalEffects: [String: Double]
        }
        var order: Int
        var includeNullPaths: Bool
        var runs: [Run]
    }

    struct Shapley: Decodable {
        var conversions: [String: Double]
        var values: [String: Double]
    }

    struct Case: Decodable {
        var name: String
        var paths: [Path]?
        /// model → channel → [conversions, value]
        var heuristics: [String: [String: [Double]]]
        var markovExact: [Exact]
        var markovSimulated: [Simulated]
        var shapleyBruteForce: Shapley?
        var totals: [String: Double]

        func pathSet() -> PathSet? {
            paths.map { list in
                PathSet(paths: list.map { ($0.path, $0.conversions, $0.value, $0.nulls) })
            }
        }
    }

    var cases: [Case]

    static func load(_ name: String) throws -> ReferenceFile {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return try Fixtures.load(ReferenceFile.self, from: url)
    }

    static func synthetic() throws -> [Case] { try load("attribution_synthetic").cases }
}

/// ChannelAttribution's example paths live beside the repository (`../shared`), never inside it (GPL-3).
enum ExampleData {
    static let path = repositoryRoot().deletingLastPathComponent()
        .appendingPathComponent("shared/datasets/channelattribution_paths.csv").path
    static var isAvailable: Bool { FileManager.default.fileExists(atPath: path) }
    static let skipNote: Comment = "needs ../shared/datasets/channelattribution_paths.csv beside the repository (not shipped: GPL-3)"
}

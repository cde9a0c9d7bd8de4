import Foundation
import ArgumentParser
import TouchstoneData

/// `--weights NAME=W,...`: configured traffic weights for the sample-ratio check, shared by
/// `analyze` and `exposures`.
enum WeightsArgument {
    /// The pairs in the order written; names must be unique and weights finite and non-negative.
    static func parse(_ text: String) throws -> [(variant: String, weight: Double)] {
        var result: [(variant: String, weight: Double)] = []
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Double(parts[1].trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0
            else { throw ValidationError("--weights: '\(pair)' is not NAME=WEIGHT with a non-negative number") }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            guard !result.contains(where: { $0.variant.utf8.elementsEqual(name.utf8) }) else { throw ValidationError("--weights names '\(name)' twice") }
            result.append((name, value))
        }
        return result
    }

    /// The weights by variant.
    static func dictionary(_ text: String) throws -> [ByteKey: Double] {
        Dictionary(try parse(text).map { (ByteKey($0.variant), $0.weight) }, uniquingKeysWith: { first, _ in first })
    }
}

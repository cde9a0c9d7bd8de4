import Foundation
import Testing
import TouchstoneAttribution
import TouchstoneTestSupport

@Suite struct ShapleyModelTests {
    @Test("the simplified formula equals brute force over all coalitions (6, 10 and 12 channels)")
    func simplifiedEqualsBruteForce() throws {
        for reference in try ReferenceFile.synthetic() {
            let paths = try #require(reference.pathSet())
            let brute = try #require(reference.shapleyBruteForce)
            let simplified = try ShapleyModel(method: .simplified).attribute(paths)
            let exact = try ShapleyModel(method: .exact).attribute(paths)
            for credit in simplified.channels {
                let expected = try #require(brute.conversions[credit.channel])
                #expect(abs(credit.conversions - expected) <= 1e-9 * max(1, abs(expected)), "\(reference.name) \(credit.channel)")
                #expect(abs(credit.value - (brute.values[credit.channel] ?? .nan)) <= 1e-9 * max(1, abs(credit.value)))
                let swiftExact = try #require(exact.credit(for: credit.channel))
                #expect(abs(swiftExact.conversions - expected) <= 1e-9 * max(1, abs(expected)))
            }
        }
    }

    @Test("sampled permutations converge to the exact value")
    func sampled() throws {
        let reference = try #require(try ReferenceFile.synthetic().first)
        let paths = try #require(reference.pathSet())
        let sampled = try ShapleyModel(method: .sampled(permutations: 4000, seed: 7)).attribute(paths)
        let exact = try ShapleyModel().attribute(paths)
        for (s, e) in zip(sampled.channels, exact.channels) {
            #expect(abs(s.conversions - e.conversions) <= 0.03 * max(e.conversions, 10), "\(s.channel)")
        }
        let again = try ShapleyModel(method: .sampled(permutations: 4000, seed: 7)).attribute(paths)
        #expect(again == sampled)
    }

    @Test("each path's conversions are split equally over its distinct channels")
    func splitOverDistinct() throws {
        let result = try ShapleyModel().attribute(PathSet(paths: [(["a", "b", "a"], 6, 60, 0), (["b"], 2, 10, 9)]))
        #expect(result.credit(for: "a")?.conversions == 3)
        #expect(result.credit(for: "b")?.conversions == 5)
        #expect(result.credit(for: "b")?.value == 40)
    }
}

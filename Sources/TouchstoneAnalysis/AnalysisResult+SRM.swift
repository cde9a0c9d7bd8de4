import Foundation

extension AnalysisResult.SRM {
    /// The arm furthest below its expected count: (variant, observed / expected − 1, observed,
    /// expected), or nil when no arm is short (every arm at or above expectation, or nothing
    /// expected). Ties go to the name first in byte order, so the sentence is deterministic.
    public var shortArm: (variant: String, shortfall: Double, observed: Int, expected: Double)? {
        let candidates = expected.compactMap { pair -> (String, Double, Int, Double)? in
            guard pair.value > 0, pair.value.isFinite else { return nil }
            let observed = self.observed[pair.key] ?? 0
            return (pair.key, Double(observed) / pair.value - 1, observed, pair.value)
        }
        let short = candidates.filter { $0.1 < 0 }.min { a, b in
            a.1 != b.1 ? a.1 < b.1 : a.0.utf8.lexicographicallyPrecedes(b.0.utf8)
        }
        return short.map { (variant: $0.0, shortfall: $0.1, observed: $0.2, expected: $0.3) }
    }

    /// "'treatment' has 2.1% fewer units than expected (9,790 vs 10,000)", or nil.
    public var shortArmSentence: String? {
        guard let short = shortArm else { return nil }
        let percent = -short.shortfall * 100
        let text = percent >= 0.1 ? String(format: "%.1f%%", percent) : String(format: "%.2g%%", percent)
        return "'\(short.variant)' has \(text) fewer units than expected (\(Self.grouped(short.observed)) vs \(Self.grouped(Int(min(short.expected, 9e15).rounded()))))"
    }

    /// The p-value as a sentence fragment: `p < 0.001` or three significant digits.
    public var pValueText: String {
        pValue.isNaN ? "p undefined" : (pValue < 0.001 ? "p < 0.001" : String(format: "p = %.3g", pValue))
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return value < 0 ? "-" + grouped : grouped
    }
}

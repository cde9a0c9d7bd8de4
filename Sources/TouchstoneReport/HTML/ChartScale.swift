import Foundation

/// A linear map from data values to SVG x coordinates, with "nice" tick marks (1, 2, 5 × 10ⁿ).
struct ChartScale {
    var lower: Double
    var upper: Double
    var x0: Double
    var x1: Double

    /// A scale covering `values` (non-finite ones ignored) and zero, padded by 5% on each side.
    init(covering values: [Double], from x0: Double, to x1: Double) {
        let finite = values.filter(\.isFinite) + [0]
        var lower = finite.min() ?? -1, upper = finite.max() ?? 1
        if upper - lower < 1e-12 { lower -= 1; upper += 1 }
        let pad = (upper - lower) * 0.05
        self.lower = lower - pad
        self.upper = upper + pad
        self.x0 = x0
        self.x1 = x1
    }

    /// The x coordinate of `value`, clamped to the plot area.
    func x(_ value: Double) -> Double {
        guard value.isFinite else { return value > 0 ? x1 : x0 }
        let t = (value - lower) / (upper - lower)
        return x0 + min(1, max(0, t)) * (x1 - x0)
    }

    /// About `count` round values inside the domain.
    func ticks(_ count: Int = 5) -> [Double] {
        let raw = (upper - lower) / Double(max(1, count))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var ticks: [Double] = []
        var value = (lower / step).rounded(.up) * step
        while value <= upper + step * 1e-9 {
            ticks.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        return ticks
    }
}

/// Fixed-precision numbers for SVG coordinates (short, locale-independent, deterministic).
func svgNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let text = String(format: "%.1f", value)
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
}

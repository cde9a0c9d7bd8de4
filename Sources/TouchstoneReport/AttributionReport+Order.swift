import TouchstoneAttribution

extension AttributionReport {
    /// `--order auto`: which Markov order was chosen and each order's held-out score, in one line.
    static func orderSelectionLine(_ results: [AttributionResult]) -> String? {
        guard let result = results.first(where: { $0.orderSelection != nil }), let scores = result.orderSelection,
              let order = result.order else { return nil }
        let list = scores.map { "\($0.order): \(String(format: "%.5f", $0.score))" }.joined(separator: ", ")
        return "Markov order \(order) chosen on held-out journeys (mean log-likelihood of conversion per journey by order, "
            + "higher is better: \(list); the smallest order within one standard error of the best)"
    }
}

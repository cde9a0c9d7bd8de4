extension AttributionRequest {
    /// The request with its Markov order chosen on `paths` when ``orderSelection`` is set, and
    /// the selection to report (`nil` otherwise). The order is chosen once, on all the data:
    /// bootstrap replicates reuse it (re-choosing per replicate would mix chains of different
    /// orders into one interval).
    func resolvingOrder(on paths: PathSet) throws -> (request: AttributionRequest, selection: MarkovOrderSelection.Result?) {
        guard let orderSelection, ["markov", "all"].contains(model) else { return (self, nil) }
        let result = try orderSelection.select(paths)
        var copy = self
        copy.order = result.order
        return (copy, result)
    }

    /// Records the chosen order and every order's score on the Markov results.
    static func record(_ selection: MarkovOrderSelection.Result?, in results: inout [AttributionResult]) {
        guard let selection else { return }
        for k in results.indices where results[k].model == "markov" {
            results[k].order = selection.order
            results[k].orderSelection = selection.scores
            results[k].settings?["orderSelection"] =
                "mean held-out log-likelihood of conversion per journey, 5-fold, smallest order within one standard error of the best"
        }
    }
}

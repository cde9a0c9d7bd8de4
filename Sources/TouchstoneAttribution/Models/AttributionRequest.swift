/// Everything `touchstone attribute` needs to choose and configure models, in one value.
///
/// Kept in the library so the command stays wiring only, and so scripts embedding the library
/// get the same defaults as the command line.
public struct AttributionRequest: Sendable {
    /// `first`, `last`, `last-non-direct`, `linear`, `time-decay`, `position`, `custom`,
    /// `markov`, `shapley`, or `all`.
    public var model: String
    public var order = 1
    public var directChannels: Set<String> = ["direct"]
    public var halfLife: Double = 7 * 86_400
    public var positionFirst = 0.4
    public var positionLast = 0.4
    public var customWeights: [Double] = []
    public var collapseRepeatedStates = true
    public var includeNullPaths = true
    public var shapley: ShapleyModel.Method = .simplified
    public var bootstrap: Bootstrap?
    /// Choose the Markov order on held-out journeys instead of using ``order`` (`--order auto`).
    public var orderSelection: MarkovOrderSelection?

    public static let modelNames = [
        "first", "last", "last-non-direct", "linear", "time-decay", "position", "custom", "markov", "shapley", "all",
    ]

    public init(model: String) { self.model = model }

    /// The configured models; `all` skips those the data cannot support (time decay without timestamps).
    public func models(hasTimestamps: Bool) throws -> [any AttributionModel] {
        switch model {
        case "first": return [HeuristicModel.firstTouch]
        case "last": return [HeuristicModel.lastTouch]
        case "last-non-direct": return [HeuristicModel.lastNonDirect(directChannels: directChannels)]
        case "linear": return [HeuristicModel.linear]
        case "time-decay": return [HeuristicModel.timeDecay(halfLife: halfLife)]
        case "position": return [HeuristicModel.positionBased(first: positionFirst, last: positionLast)]
        case "custom":
            guard !customWeights.isEmpty else { throw AttributionError.invalidOption("--model custom needs --weights") }
            return [HeuristicModel.custom(weights: customWeights)]
        case "markov":
            return [MarkovModel(order: order, collapseRepeatedStates: collapseRepeatedStates, includeNullPaths: includeNullPaths)]
        case "shapley": return [ShapleyModel(method: shapley)]
        case "all":
            var list: [any AttributionModel] = [
                HeuristicModel.firstTouch, HeuristicModel.lastTouch, HeuristicModel.lastNonDirect(directChannels: directChannels),
                HeuristicModel.linear,
            ]
            if hasTimestamps { list.append(HeuristicModel.timeDecay(halfLife: halfLife)) }
            list.append(HeuristicModel.positionBased(first: positionFirst, last: positionLast))
            if !customWeights.isEmpty { list.append(HeuristicModel.custom(weights: customWeights)) }
            list.append(MarkovModel(order: order, collapseRepeatedStates: collapseRepeatedStates, includeNullPaths: includeNullPaths))
            list.append(ShapleyModel(method: shapley))
            return list
        default:
            throw AttributionError.invalidOption(
                "unknown model '\(model)' (use one of: \(Self.modelNames.joined(separator: ", ")))")
        }
    }

    /// Runs the requested models on `paths` (with bootstrap intervals when configured); channel
    /// rows come sorted by credit (``AttributionResult/sortedByCredit()``).
    /// Checks the models' own options (position weights, custom weights, half-life) before any
    /// data is read, so a bad option is reported as one and not after a long read.
    public func validateModels() throws {
        for case let model as HeuristicModel in try models(hasTimestamps: true) { try model.validate() }
    }

    public func run(_ paths: PathSet) throws -> [AttributionResult] {
        guard paths.count > 0 else { throw AttributionError.noJourneys }
        let (request, selection) = try resolvingOrder(on: paths)
        var results = try request.models(hasTimestamps: paths.ages != nil).map { model in
            var result = try model.attribute(paths)
            if let bootstrap { try bootstrap.addIntervals(to: &result, model: model, paths: paths) }
            return result.sortedByCredit()
        }
        Self.record(selection, in: &results)
        return results
    }
}

/// An option of an ``AnalysisRequest``: the library names the option at fault, and the command
/// line maps it to its flag (`.informationFractions` → `--information-fractions`).
public enum AnalysisOption: Sendable, Hashable, CaseIterable {
    case source, summary, units, exposures, events, store, powerSums, pushDown
    case experiment, config, control, variantColumn
    case metric, ratio, covariate, cap, skipMissing, segmentColumn
    case window, preExposureCovariates, allowMissingEvents, threads
    case alpha, alternative, correction, weights, srmThreshold
    case method, prior, tuning, looks, look, informationFractions
    case factorialMetric, robust, bootstrap, seed, quantile, relativeCi, clusterColumn
    case timeline
    case guardrail, secondary, decrease, plannedUnits
}

/// Why an ``AnalysisRequest`` cannot be carried out.
///
/// Usage problems (``invalid(_:_:_:)``, ``conflict(_:)``) name options as ``AnalysisOption``s, and
/// the caller renders them in its own vocabulary (``message(naming:)``): the command line says
/// `--information-fractions`, a script embedding the library may say something else. ``data(_:)``
/// is about the data or the config (the command line exits 1 for it, 2 for the others).
public enum AnalysisRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The value given for an option cannot mean anything: (option, the value as given, why).
    case invalid(AnalysisOption, String, String)
    /// Options that do not go together, or one missing that another needs. The text names
    /// options as `{caseName}` placeholders, e.g. `"{events} goes with {exposures} or {store}"`.
    case conflict(String)
    /// The data, store or config cannot answer the request as asked.
    case data(String)

    /// The message with every option named by `name`.
    public func message(naming name: (AnalysisOption) -> String) -> String {
        switch self {
        case .invalid(let option, let value, let reason): "\(name(option)) '\(value)': \(Self.fill(reason, name))"
        case .conflict(let template): Self.fill(template, name)
        case .data(let message): Self.fill(message, name)
        }
    }

    /// A message naming options by their library names.
    public var description: String { message { String(describing: $0) } }

    /// Whether the problem is in the request (usage) rather than in the data.
    public var isUsageError: Bool {
        if case .data = self { return false }
        return true
    }

    private static func fill(_ template: String, _ name: (AnalysisOption) -> String) -> String {
        var text = template
        for option in AnalysisOption.allCases {
            let token = "{\(option)}"
            if text.contains(token) { text = text.replacing(token, with: name(option)) }
        }
        return text
    }

}

import Foundation
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneExperiment
import TouchstoneReport
import TouchstoneStats
import TouchstoneTime

/// `GET /v1/experiments/KEY/exposures` and `GET /v1/experiments/KEY/results`: the JSON of
/// `touchstone exposures --config` and `touchstone analyze --store --config` over the server's
/// store, computed by the same library calls.
enum ExperimentRoutes {
    static func experiment(_ key: String, in config: ExperimentConfig) throws -> Experiment {
        guard let experiment = config.experiment(key) else {
            throw APIError.notFound("unknown experiment '\(key)' (experiments: \(config.experiments.map(\.key).joined(separator: ", ")))")
        }
        return experiment
    }

    /// The exposure summary and SRM check against the configured weights, as `exposures --format json`.
    static func exposures(key: String, config: ExperimentConfig, storePath: String) throws -> String {
        let definition = try experiment(key, in: config)
        let store = try ExposureStore(path: storePath, readOnly: true)
        let summary = try store.summary(experiment: key)
        guard summary.units > 0 else { throw APIError.notFound("no exposures of experiment '\(key)' yet") }
        // As the command line: an SRM check that cannot be made (one arm seen) is left out.
        let check = try? summary.srm(weights: definition.variants.map { ($0.name, $0.weight) })
        return try ExposuresReport.json(summary, check).text
    }

    /// The analysis of the stored exposures and events, as `analyze --store DB --events LOG
    /// --config F --experiment KEY --format json`, LOG being the stored events.
    ///
    /// Query: `metric` (repeatable; default the config's metrics), `ratio` (repeatable),
    /// `control` (default the first variant), `window` (default 14d), `method`, `alpha`.
    static func results(key: String, query: String?, config: ExperimentConfig, storePath: String, format: ReportFormat = .json) throws -> String {
        let definition = try experiment(key, in: config)
        let parameters = try QueryString(query)
        let known: Set = ["metric", "ratio", "control", "window", "method", "alpha"]
        if let unknown = parameters.parameters.first(where: { !known.contains($0.name) }) {
            throw APIError.badRequest("unknown parameter '\(unknown.name)' (parameters: \(known.sorted().joined(separator: ", ")))")
        }
        guard let control = try parameters["control"] ?? definition.variants.first?.name else {
            throw APIError.badRequest("experiment '\(key)' has no variants")
        }
        var method = AnalysisMethod.frequentist
        if let text = try parameters["method"] {
            guard let parsed = AnalysisMethod(rawValue: text) else {
                throw APIError.badRequest("method '\(text)': expected \(AnalysisMethod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            method = parsed
        }
        var alpha = 0.05
        if let text = try parameters["alpha"] {
            guard let value = Double(text), value > 0, value < 1 else { throw APIError.badRequest("alpha '\(text)': expected a number in (0, 1)") }
            alpha = value
        }
        var window = TimeSpan(days: 14)
        if let text = try parameters["window"] {
            guard let parsed = TimeSpan.parse(text) else { throw APIError.badRequest(TimeSpan.rejection(of: text, flag: "window")) }
            window = parsed
        }

        // The stored events as an event log file, read by the same pipeline as `analyze --events`.
        let store = try ExposureStore(path: storePath, readOnly: true)
        let eventsFile = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-serve-events-\(UUID().uuidString).csv").path
        guard FileManager.default.createFile(atPath: eventsFile, contents: Data(try store.eventLog())) else {
            throw APIError(.internalServerError, "cannot write a temporary file in \(FileManager.default.temporaryDirectory.path)")
        }
        defer { try? FileManager.default.removeItem(atPath: eventsFile) }

        let settings = AnalysisSettings(experiment: key, control: control, test: TestSettings(alpha: alpha), method: method)
        var request = AnalysisRequest(source: .store(path: storePath, events: [eventsFile]), settings: settings)
        request.metrics = parameters.all("metric")
        request.ratios = parameters.all("ratio")
        request.window = window
        request.configured = definition
        let result: AnalysisResult
        do {
            result = try request.run()
        } catch let error as AnalysisRequestError {
            let message = error.message { option in
                switch option {
                case .metric: "metric"
                case .ratio: "ratio"
                case .control: "control"
                case .window: "window"
                case .method: "method"
                case .alpha: "alpha"
                case .source, .store, .events: "the store"
                default: String(describing: option)
                }
            }
            throw APIError(error.isUsageError ? .badRequest : .unprocessableContent, message)
        } catch let error as DataError {
            throw APIError(.unprocessableContent, error.description)
        }
        switch format {
        case .json: return try AnalysisReport.json(result)
        case .html: return AnalysisReport.html(result)
        }
    }

    enum ReportFormat { case json, html }
}

import TouchstoneData
import TouchstoneExperiment

/// `POST /v1/exposures` and `POST /v1/events`: a JSON array or JSON Lines of rows, checked in
/// full before anything is written, then committed by the ``GroupCommitWriter``; the answer
/// `{ "accepted": N }` comes only after the durable commit.
enum IngestRoute {
    /// Parses and checks an exposure batch: every experiment and variant must be in the config
    /// (a typo would otherwise start a phantom experiment that no read-out ever shows).
    static func exposures(_ body: [UInt8], config: ExperimentConfig, maximumRows: Int) throws -> PostedExposures {
        do {
            return try PostedExposures.parse(body, name: "body", maximumRows: maximumRows) { experiment, variant in
                guard let definition = config.experiment(experiment) else {
                    return "unknown experiment '\(experiment)' (experiments: \(config.experiments.map(\.key).joined(separator: ", ")))"
                }
                guard definition.variants.contains(where: { $0.name == variant }) else {
                    return "experiment '\(experiment)' has no variant '\(variant)' (variants: \(definition.variants.map(\.name).joined(separator: ", ")))"
                }
                return nil
            }
        } catch let error as DataError {
            throw APIError.badRequest(describe(error))
        }
    }

    static func events(_ body: [UInt8], maximumRows: Int) throws -> PostedEvents {
        do {
            return try PostedEvents.parse(body, name: "body", maximumRows: maximumRows)
        } catch let error as DataError {
            throw APIError.badRequest(describe(error))
        }
    }

    /// `body:LINE:COLUMN: message`, the file readers' convention with the body as the file (for
    /// an array, LINE is the element's position).
    static func describe(_ error: DataError) -> String {
        var copy = error
        if copy.file.hasSuffix(".jsonl") { copy.file = String(copy.file.dropLast(6)) }
        return copy.description
    }

    static func accepted(_ count: Int) -> String { "{\"accepted\":\(count)}" }
}

import ArgumentParser
import Foundation
import TouchstoneExperiment
import TouchstoneReport
import TouchstoneTime

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export the config's GrowthBook-hashed experiments as a GrowthBook SDK payload.",
        discussion: """
            Writes {"features": {KEY: …}} for every experiment with hash: growthbook-v1 or
            growthbook-v2, so GrowthBook's SDKs (in any language) assign exactly as `touchstone assign`:
            the feature's value is the variant name, null when the unit is not enrolled. Experiments
            with hash: touchstone, or inactive at --at, are left out with a note; targeting and
            holdouts cannot be expressed in the payload and are refused (exit 1).
            Example:
              touchstone export --growthbook --config experiments.yaml --output features.json
            """)

    @Flag(help: "GrowthBook SDK payload (the only format).")
    var growthbook = false

    @Option(help: "Experiment config (YAML or JSON).")
    var config: String

    @Option(help: "Export the experiments active at this time (ISO 8601 or epoch seconds; default: now).")
    var at: String?

    @OptionGroup var output: FormattedOutput<PayloadFormats>

    func validate() throws {
        guard growthbook else { throw ValidationError("give the format: --growthbook") }
        if let at, Timestamp.parse(at) == nil { throw ValidationError("--at: \(Timestamp.rejection(of: at))") }
    }

    func run() throws {
        let parsed = try ExperimentConfig(path: config)
        let date = at.flatMap(Timestamp.parse).map { Date(timeIntervalSince1970: Double($0.microseconds) / 1_000_000) } ?? Date()
        let payload: GrowthBookPayload.Export
        do {
            payload = try GrowthBookPayload.export(parsed, at: date)
        } catch let refusal as GrowthBookPayload.Refusal {
            throw InputFailure("\(config): \(refusal.description)")
        }
        for note in payload.notes { output.note("note: \(note)") }
        try output.emit(payload.json)
    }
}

/// A payload is JSON whatever the terminal: `--format json` only.
enum PayloadFormats: FormatSet {
    static let formats: [OutputFormat] = [.json]
    static let defaultFormat: OutputFormat = .json
}

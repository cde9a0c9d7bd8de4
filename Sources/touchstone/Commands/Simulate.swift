import ArgumentParser

/// `touchstone simulate`: data sets with planted, known effects.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate data sets with planted, known effects (for demos, tests and benchmarks).",
        subcommands: [SimulateExperiment.self, SimulateJourneys.self])
}

import ArgumentParser

/// `touchstone simulate`: data sets with planted, known effects.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate data sets with planted, known effects (for demos, tests and benchmarks).",
        discussion: """
            Examples:
              touchstone simulate experiment --units 100000 --seed 1 --out sim
              touchstone simulate journeys --units 10000 --seed 1 --out journeys
            """,
        subcommands: [SimulateExperiment.self, SimulateJourneys.self])
}

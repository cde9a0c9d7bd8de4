import ArgumentParser
import Foundation
import TouchstoneAnalysis
import TouchstoneData

struct SimulateExperiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "A channel-combination experiment: exposures.csv, events.csv and truth.json.",
        discussion: """
            Eight arms (control and every combination of email, push, in_app) with planted lifts on
            conversion, revenue and sessions, a planted email:push interaction, pre-period
            correlation, repeat and multi-variant exposures, late and stray events.

            Example:
              touchstone simulate experiment --units 100000 --seed 1 --out sim
              touchstone analyze --exposures sim/exposures.csv --events sim/events.csv --control control \\
                  --metric purchase --metric purchase:sum --metric session:count
            """)

    @Option(help: "Number of units.")
    var units: Int

    @Option(help: "Random seed (same seed, same bytes).")
    var seed: UInt64 = 1

    @Option(help: "Output directory (created if missing).")
    var out: String

    @Option(help: "Share of the last arm's units whose exposures are lost, to plant a sample ratio mismatch.")
    var lostExposures = 0.0

    @Flag(help: "Print nothing.")
    var quiet = false

    func validate() throws {
        guard (1...1_000_000_000).contains(units) else { throw ValidationError("--units must be between 1 and 1,000,000,000 (got \(units))") }
        guard (0..<1).contains(lostExposures) else { throw ValidationError("--lost-exposures must lie in [0, 1)") }
    }

    func run() throws {
        let simulator = ExperimentSimulator(units: units, seed: seed, lostExposureShare: lostExposures)
        let truth: ExperimentSimulator.Truth
        do {
            truth = try simulator.write(to: URL(fileURLWithPath: out))
        } catch let error as AnalysisError {
            throw ValidationError(error.message)
        }
        if !quiet {
            StandardStreams.writeError((
                "wrote \(out)/exposures.csv, \(out)/events.csv, \(out)/truth.json: \(truth.units) units, "
                    + "\(truth.repeatExposures) repeat exposures, \(truth.multiVariantUnits) multi-variant units\n"))
        }
    }
}

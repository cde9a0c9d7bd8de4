import ArgumentParser
import Foundation
import TouchstoneAttribution
import TouchstoneData

/// `touchstone simulate journeys`: a touchpoint log with planted channel effects.
struct SimulateJourneys: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journeys",
        abstract: "Write touchpoints.csv (unit_id,timestamp,channel,conversion,value) and truth.json with the planted effects.",
        discussion: """
            Example:
              touchstone simulate journeys --units 10000 --seed 1 --out journeys
              touchstone attribute --touchpoints journeys/touchpoints.csv --model all
            """)

    @Option(name: .long, help: "Number of units (users).")
    var units: Int = 10_000

    @Option(name: .long, help: "Random seed (same seed, same bytes).")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Output directory (created if missing).")
    var out: String = "."

    @Flag(name: .long, help: "Print nothing on standard error.")
    var quiet = false

    func validate() throws {
        guard (1...1_000_000_000).contains(units) else { throw ValidationError("--units must be between 1 and 1,000,000,000 (got \(units))") }
    }

    func run() throws {
        let (csv, truth) = try JourneySimulator(units: units, seed: seed).generate()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw InputFailure("--out \(out): a file is there; the simulation writes a directory")
        }
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw InputFailure("--out \(out): cannot create the directory (\(error.localizedDescription))")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Data(csv), to: out + "/touchpoints.csv")
        try AtomicFile.write(try encoder.encode(truth), to: out + "/truth.json")
        if !quiet {
            StandardStreams.writeError(("wrote \(out)/touchpoints.csv (\(truth.touchpoints) touchpoints, \(truth.conversions) conversions) and \(out)/truth.json\n"))
        }
    }
}

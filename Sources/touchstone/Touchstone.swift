import ArgumentParser

@main
struct Touchstone: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "touchstone",
        abstract: "A/B experimentation and attribution: design, assign, expose, analyse, attribute, simulate.",
        version: "0.1.0",
        subcommands: [
            Design.self, Assign.self, Expose.self, Exposures.self, Analyze.self, Attribute.self, Journeys.self,
            Simulate.self, SQL.self,
        ]
    )
}

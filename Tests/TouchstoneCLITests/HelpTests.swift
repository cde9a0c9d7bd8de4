import Foundation
import Testing
import TouchstoneTestSupport

/// Every subcommand's `--help` shows examples, and argument-parser's completion scripts name
/// the subcommands.
@Suite("touchstone --help and completions")
struct HelpTests {
    static let subcommands: [[String]] = [
        ["design"], ["assign"], ["expose"], ["exposures"], ["analyze"], ["attribute"], ["journeys"], ["report"],
        ["simulate"], ["simulate", "experiment"], ["simulate", "journeys"], ["bandit"],
    ]

    @Test("--help has examples", arguments: subcommands)
    func helpHasExamples(_ command: [String]) throws {
        let result = try BinaryRunner.run(command + ["--help"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("Example"), "\(command.joined(separator: " ")) --help has no example")
        #expect(result.stdout.contains("touchstone \(command.joined(separator: " "))"))
    }

    @Test("completion scripts", arguments: ["bash", "zsh", "fish"])
    func completionScript(_ shell: String) throws {
        let result = try BinaryRunner.run(["--generate-completion-script", shell])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("report"))
        #expect(result.stdout.contains("analyze"))
    }
}

import ArgumentParser
import Foundation

/// Rejects a single-valued option given twice (`--control a --control b`, `--alpha` twice…).
///
/// ArgumentParser keeps the last value of a repeated single-valued option, so a command line
/// assembled from pieces (a script's defaults plus the user's flags, a copied example) would run
/// with a value the user may not have meant, and say nothing. This check runs before parsing,
/// over every command at once: it reads each command's options from ArgumentParser's own
/// description of the tool (the `--experimental-dump-help` JSON, through the public
/// `_dumpHelp()`), so a new option is covered without a list to keep up to date. Options
/// declared as arrays (`--metric`, `--exposures`…) repeat by design and are left alone.
enum RepeatedOptionCheck {
    /// Throws a `ValidationError` (exit status 2) naming the first single-valued option given
    /// more than once in `arguments` (without the program name) for `root`'s command tree.
    static func check(_ arguments: [String], root: any ParsableCommand.Type) throws {
        // Subcommand names come first (`touchstone analyze …`); descend while they match, by
        // type, and describe only the command reached: describing the whole tree (13 commands)
        // was three quarters of the instructions of `touchstone assign` on an empty id list.
        // A command's description lists its own arguments only, so the result is the same.
        var command: any ParsableCommand.Type = root
        var index = 0
        while index < arguments.count,
            let next = command.configuration.subcommands.first(where: { $0._commandName == arguments[index] }) {
            command = next
            index += 1
        }
        guard let data = command._dumpHelp().data(using: .utf8),
            let tool = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let description = tool["command"] as? [String: Any]
        else { return }
        var singleValued: [String: String] = [:]
        for argument in description["arguments"] as? [[String: Any]] ?? [] {
            guard argument["kind"] as? String == "option", argument["isRepeating"] as? Bool == false else { continue }
            let names = argument["names"] as? [[String: Any]] ?? []
            let spelled = names.compactMap { name -> String? in
                guard let text = name["name"] as? String, let kind = name["kind"] as? String else { return nil }
                return kind == "long" ? "--" + text : "-" + text
            }
            let preferred = spelled.first { $0.hasPrefix("--") } ?? spelled.first ?? ""
            for name in spelled { singleValued[name] = preferred }
        }
        var seen: Set<String> = []
        for argument in arguments[index...] {
            if argument == "--" { break }
            guard argument.hasPrefix("-") else { continue }
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard let option = singleValued[name] else { continue }
            guard seen.insert(option).inserted else {
                throw ValidationError(
                    "\(option) is given more than once: it takes one value, so give it once (a repeated single-valued option is never silently resolved to its last value)")
            }
        }
    }
}

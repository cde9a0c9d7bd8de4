import ArgumentParser
import Foundation
import TouchstoneAnalysis
import TouchstoneStats

extension GaussianPrior: ExpressibleByArgument {}
extension RobustCovariance: ExpressibleByArgument {}

/// `--information-fractions 0.3,0.7,1`: the share of the planned sample at each look.
struct InformationFractions: ExpressibleByArgument, Sendable {
    var values: [Double]

    init?(argument: String) {
        var values: [Double] = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Double(part.trimmingCharacters(in: .whitespaces)), value.isFinite else { return nil }
            values.append(value)
        }
        self.values = values
    }
}

/// Renders the analysis library's typed errors with the command line's flag names: usage
/// problems exit 2, problems with the data exit 1.
enum AnalysisFailure {
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as AnalysisRequestError {
            let message = error.message(naming: flag)
            if error.isUsageError { throw ValidationError(message) }
            throw InputFailure(message)
        }
    }

    /// The flag that sets `option`.
    static func flag(_ option: AnalysisOption) -> String {
        switch option {
        case .source: "the input (--summary, --units, --exposures with --events, --store, --postgres or --power-sums)"
        case .pushDown: "--postgres URL"
        case .segmentColumn: "--by"
        default:
            // The other options are named as their flags: powerSums → --power-sums.
            "--" + String(describing: option).reduce(into: "") { name, character in
                if character.isUppercase { name += "-" + character.lowercased() } else { name.append(character) }
            }
        }
    }
}

/// Shows the analysis' progress bar and notes on standard error, as `--quiet` allows.
final class CommandObserver: AnalysisObserver, @unchecked Sendable {
    // @unchecked: `bar` is guarded by `lock`.
    private let output: OutputOptions
    private let lock = NSLock()
    private var bar: ProgressBar?

    init(output: OutputOptions) { self.output = output }

    func reading(bytes: Int, label: String) -> (@Sendable (Int) -> Void)? {
        lock.lock()
        defer { lock.unlock() }
        bar = ProgressBar.make(total: bytes, label: label, quiet: output.quiet)
        return bar?.handler
    }

    func finishedReading() {
        lock.lock()
        defer { lock.unlock() }
        bar?.finish()
        bar = nil
    }

    func note(_ text: String) { output.note(text) }
}

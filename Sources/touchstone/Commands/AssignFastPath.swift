import Foundation
import TouchstoneData
import TouchstoneExperiment
import TouchstoneReport

/// Wiring of `assign`'s fast path (``AssignmentStream``): CSV or JSON from ids alone. With
/// `--attributes` (per-unit targeting and `unit:` values), or for the table and Markdown
/// formats, `assign` takes the general path; both print the same bytes.
enum AssignFastPath {
    static func format(_ format: OutputFormat) -> AssignmentStream.Format? {
        switch format {
        case .csv: .csv
        case .json: .json
        default: nil
        }
    }

    static func run(_ command: Assign, config: ExperimentConfig, experiments: [Int], at date: Date, format: AssignmentStream.Format) throws {
        let input: Data, name: String
        if let ids = command.ids, ids != "-" {
            (input, name) = (try UnitIdList.contents(path: ids), ids)
        } else {
            (input, name) = (FileHandle.standardInput.readDataToEndOfFile(), "<stdin>")
        }
        let assigner = BatchAssigner(config: config, experiments: experiments, at: date)
        var file: OutputFile?
        try AssignmentStream.run(
            input: input, name: name, assigner: assigner, at: date, format: format,
            beforeOutput: { summary in
                try command.report(summary)
                // Opened only now: a run stopped by the summary leaves no temporary file.
                if let path = command.output.output { file = try OutputFile(path: path) }
            },
            write: { bytes in
                if let file {
                    try file.write(bytes)
                } else if let base = bytes.baseAddress {
                    try StandardStreams.writeOutput(
                        Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
                }
            })
        try file?.commit()
    }
}

import ArgumentParser
import Foundation
import TouchstoneReport

/// `touchstone report`: render a saved analysis or attribution result for people.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a saved analysis or attribution result (JSON) as HTML, Markdown or a terminal table.",
        discussion: """
            The kind of result is recognised by its fields. HTML is one self-contained file (inline CSS \
            and SVG charts, no scripts, nothing fetched from the network).

            Examples:
              touchstone analyze --units Datasets/hillstrom.csv --variant-column segment --control "No E-Mail" \\
                  --metric visit --metric conversion --metric spend --format json --output hillstrom.json
              touchstone report hillstrom.json --format html --output hillstrom.html
              touchstone report hillstrom.json --format markdown >> pull-request.md
              touchstone attribute --paths paths.csv --model all --bootstrap 200 --format json --output credit.json
              touchstone report credit.json --format html --output credit.html
            """)

    @Argument(help: "A result saved by `touchstone analyze` or `touchstone attribute` with --format json.")
    var result: String

    @Flag(help: "Terminal tables: show every column even when wider than 100 characters.")
    var wide = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        guard let data = FileManager.default.contents(atPath: result) else {
            throw InputFailure("\(result): cannot read the file")
        }
        // The file's contents are input, not the command line: exit status 1.
        let saved: SavedResult
        do {
            saved = try SavedResult.decode(data, source: result)
        } catch let error as ReportError {
            throw InputFailure(error.description)
        }
        let text: String
        switch saved {
        case .analysis(let analysis):
            text = switch output.format {
            case .json: try AnalysisReport.json(analysis)
            case .csv: AnalysisReport.csv(analysis)
            case .markdown: AnalysisReport.markdown(analysis)
            case .html: AnalysisReport.html(analysis)
            case .table: AnalysisReport.table(analysis, color: output.useColor, wide: wide)
            }
        case .attribution(let results):
            text = switch output.format {
            case .json: try AttributionReport.json(results).text
            case .csv: AttributionReport.text(results, style: .csv)
            case .markdown: AttributionReport.text(results, style: .markdown)
            case .html: AttributionReport.html(results)
            case .table: AttributionReport.text(results, style: .table)
            }
        }
        try output.emit(text)
    }
}

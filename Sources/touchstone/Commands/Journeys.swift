import ArgumentParser
import Foundation
import TouchstoneAttribution
import TouchstoneTime
import TouchstoneReport

/// `touchstone journeys`: descriptive journey discovery (observational).
struct Journeys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Common paths and how they convert: time to conversion, path lengths, channel-to-channel transitions, channel and product mix (observational).",
        discussion: """
            Examples:
              touchstone journeys --touchpoints Datasets/journeys/touchpoints.csv --top 10
              touchstone journeys --touchpoints Datasets/journeys/touchpoints.csv --format markdown --output journeys.md
              touchstone journeys --touchpoints Datasets/journeys/touchpoints.csv --lookback 30d --format html --output journeys.html

            Time to conversion is in days from a converting journey's first touch (inside the lookback window) to the \
            conversion; its quantiles are numpy's default (linear, type 7). Transitions count steps from (start) through \
            each touch to (conversion) or (null), repeated touches included.
            """)

    @Option(name: .long, help: "Aggregated paths (ChannelAttribution layout).")
    var paths: String?

    @Option(name: .long, help: "Touchpoint log (unit_id,timestamp,channel,conversion,value; optional type: click or view).")
    var touchpoints: String?

    @Option(name: .long, help: "Drop touches older than this before a conversion (30d, 12h, …).")
    var lookback: String?

    @Option(name: .customLong("view-lookback"), help: "Drop view touches (type column = view) older than this before a conversion; clicks keep --lookback (1d, 12h, …).")
    var viewLookback: String?

    @Option(name: .long, help: "How many of the most common paths to list.")
    var top: Int = 20

    @Option(name: .customLong("in-product"), help: "Comma-separated in-product channels.")
    var inProduct: String = "in_app,web"

    @Option(name: .customLong("out-of-product"), help: "Comma-separated out-of-product channels.")
    var outOfProduct: String = "email,push,sms"

    @OptionGroup var output: FormattedOutput<AllFormats>

    func validate() throws {
        guard (paths == nil) != (touchpoints == nil) else { throw ValidationError("give exactly one of --paths or --touchpoints") }
        guard top > 0 else { throw ValidationError("--top must be positive") }
        if let lookback, TimeSpan.parse(lookback) == nil { throw ValidationError(TimeSpan.rejection(of: lookback, flag: "--lookback")) }
        if let viewLookback, TimeSpan.parse(viewLookback) == nil {
            throw ValidationError(TimeSpan.rejection(of: viewLookback, flag: "--view-lookback"))
        }
        if viewLookback != nil, paths != nil { throw ValidationError("--view-lookback needs --touchpoints (aggregated paths have no times or types)") }
        if lookback != nil, paths != nil { throw ValidationError("--lookback needs --touchpoints (aggregated paths have no times)") }
        let shared = Set(productList(inProduct)).intersection(productList(outOfProduct))
        if let channel = shared.sorted().first {
            throw ValidationError("channel '\(channel)' is in both --in-product and --out-of-product: a channel is one or the other")
        }
    }

    func productList(_ text: String) -> [String] { text.split(separator: ",").map { String($0) } }

    func run() throws {
        let data = try touchpoints.map {
            try TouchpointReader.read(path: $0, options: .init(lookback: lookback.flatMap(TimeSpan.parse), viewLookback: viewLookback.flatMap(TimeSpan.parse)))
        } ?? PathFileReader.read(path: paths ?? "")
        var options = JourneyReport.Options()
        options.top = top
        options.inProduct = Set(productList(inProduct))
        options.outOfProduct = Set(productList(outOfProduct))
        // Lists that name no channel of the data would put every journey in "neither".
        for (flag, list) in [("--in-product", options.inProduct), ("--out-of-product", options.outOfProduct)]
        where !list.isEmpty && !list.contains(where: { name in data.channels.names.contains { $0.bytewiseEquals(name) } }) {
            output.note("warning: \(flag) names none of the data's channels (\(data.channels.names.prefix(20).joined(separator: ", "))), so no journey counts as \(flag == "--in-product" ? "in-product" : "out-of-product")")
        }
        let report = JourneyReport(paths: data, options: options)
        if output.format == .json {
            try output.emit(try JourneysReport.json(report))
        } else if output.format == .html {
            try output.emit(JourneysReport.html(report))
        } else {
            try output.emit(JourneysReport.text(report, style: output.style))
        }
    }
}

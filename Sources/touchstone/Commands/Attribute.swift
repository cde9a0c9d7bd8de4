import ArgumentParser
import Foundation
import TouchstoneAttribution
import TouchstoneData
import TouchstonePostgres
import TouchstoneReport
import TouchstoneTime

/// `touchstone attribute`: multi-touch attribution from touchpoint logs or aggregated paths.
struct Attribute: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apportion conversions across channels: heuristics, exact Markov removal effects, Shapley values.",
        discussion: """
            Markov defaults follow ChannelAttribution (order 1, repeated states collapsed, null paths kept); \
            removal effects are solved exactly instead of simulated.

            Examples:
              touchstone attribute --touchpoints Datasets/journeys/touchpoints.csv --model all
              touchstone attribute --touchpoints Datasets/journeys/touchpoints.csv --model markov --order 2 \\
                  --lookback 30d --bootstrap 200 --seed 7 --format json --output credit.json
              touchstone report credit.json --format html --output credit.html
              touchstone attribute --touchpoints Datasets/journeys/touchpoints.csv --model markov --order auto
              touchstone attribute --postgres postgres://me@db/analytics --touchpoints-table web.touchpoints --lookback 30d

            --order auto scores orders 1-4 by how well each predicts whether held-out journeys convert (5-fold, \
            seeded by --seed) and takes the smallest within one standard error of the best; JSON reports "order" and \
            "orderSelection". Channel rows are sorted by credit, largest first.

            --postgres URL --touchpoints-table T builds the journeys in the server (the query of \
            `touchstone sql --paths`, same journeys as --touchpoints) and attributes the aggregated paths it returns; \
            as with --paths, time-decay needs per-touch times and is not available, and --bootstrap resamples journeys. \
            The timestamp column may be integer epoch seconds, TIMESTAMP (read as UTC) or TIMESTAMPTZ: its type is \
            read from the catalogue (--timestamp-type declares it, and a mismatch is refused).
            """)

    @Option(name: .long, help: "Aggregated paths (path;total_conversions;total_conversion_value;total_null).")
    var paths: String?

    @Option(name: .long, help: "Touchpoint log, CSV or JSON Lines (unit_id,timestamp,channel,conversion,value; optional type: click or view).")
    var touchpoints: String?

    @Option(help: "Paths in the warehouse: PostgreSQL URL postgres://USER[:PASSWORD]@HOST[:PORT]/DB; builds the paths of --touchpoints-table in the server.")
    var postgres: String?

    @OptionGroup var touchpointTable: TouchpointTableOptions

    @Option(help: ArgumentHelp(
        "With --postgres: how --touchpoints-table stores timestamps: epoch (integer seconds), timestamp (without time zone, read as UTC) or timestamptz. Detected from the catalogue when left out; a declaration that does not match the column is refused.",
        valueName: "epoch|timestamp|timestamptz"))
    var timestampType: SQLTimestampKind?

    @Option(name: .long, help: "first|last|last-non-direct|linear|time-decay|position|custom|markov|shapley|all")
    var model: String = "markov"

    @Option(name: .long, help: "Markov order, 1 to 4, or auto (chosen on held-out journeys, seeded by --seed).")
    var order: String = Defaults.order

    @Option(name: .long, help: "Drop touches older than this before a conversion (30d, 12h, …; touchpoint logs).")
    var lookback: String?

    @Option(name: .customLong("view-lookback"), help: "Drop view touches (type column = view) older than this before a conversion; clicks keep --lookback (1d, 12h, …).")
    var viewLookback: String?

    @Option(name: .long, help: "Bootstrap replicates for percentile intervals (0: none).")
    var bootstrap: Int = 0

    @Option(name: .long, help: "Seed for the bootstrap and sampled Shapley values.")
    var seed: UInt64 = 1

    @Option(name: .customLong("direct-channel"), help: "Channel(s) that last-non-direct skips (repeatable).")
    var directChannels: [String] = Defaults.directChannels

    @Option(name: .customLong("half-life"), help: "Time-decay half-life (7d, 12h, …).")
    var halfLife: String = Defaults.halfLife

    @Option(name: .customLong("position-weights"), help: "Position-based first,last weights (middle gets the rest).")
    var positionWeights: String = Defaults.positionWeights

    @Option(name: .long, help: "Custom per-position weights from the first touch, e.g. 0.5,0.2,0.3 (last repeats).")
    var weights: String?

    @Flag(name: .customLong("no-collapse"), help: "Keep repeated Markov states as self-loops (ChannelAttribution collapses them).")
    var noCollapse = false

    @Flag(name: .customLong("drop-null-paths"), help: "Leave non-converting paths out of the Markov chain.")
    var dropNullPaths = false

    @Flag(name: .customLong("collapse-channels"), help: "Reduce runs of one channel to a single touch before any model.")
    var collapseChannels = false

    @Option(name: .customLong("shapley"), help: "Shapley method: simplified (exact, fast), exact (all coalitions, ≤ 20 channels), sampled.")
    var shapleyMethod: String = Defaults.shapleyMethod

    @Option(name: .long, help: "Permutations for --shapley sampled.")
    var permutations: Int = Defaults.permutations

    @Option(name: .long, help: "Experiment results (JSON) to calibrate the credit against measured incrementality; channels it names must be in the data, and its \"period\" must overlap the log's (warning when partial or absent).")
    var calibration: String?

    @OptionGroup var output: OutputOptions

    /// The model options' defaults: a value other than these is an option given, which
    /// `validate()` refuses for a model that would not read it.
    enum Defaults {
        static let order = "1"
        static let directChannels = ["direct"]
        static let halfLife = "7d"
        static let positionWeights = "0.4,0.4"
        static let shapleyMethod = "simplified"
        static let permutations = 1000
    }

    func validate() throws {
        guard [paths != nil, touchpoints != nil, postgres != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --paths, --touchpoints or --postgres (with --touchpoints-table)")
        }
        if postgres != nil {
            _ = try touchpointTable.query(
                dialect: .postgres, lookback: lookback, viewLookback: viewLookback, timestamps: timestampType ?? .epoch)
        } else if touchpointTable.isUsed {
            throw ValidationError("--touchpoints-table, --touchpoint-columns and --type-column go with --postgres URL (or `touchstone sql --paths`)")
        } else if timestampType != nil {
            throw ValidationError("--timestamp-type goes with --postgres URL --touchpoints-table T (a touchpoint log's times are read as written: epoch seconds or ISO 8601)")
        }
        guard AttributionRequest.modelNames.contains(model) else {
            throw ValidationError("--model must be one of: \(AttributionRequest.modelNames.joined(separator: ", "))")
        }
        // A model-specific option given for a model that does not read it would change nothing
        // while the user believes it did: refused, naming the models it goes with.
        func applies(_ flag: String, given: Bool, to models: [String]) throws {
            guard given, !(models + ["all"]).contains(model) else { return }
            throw ValidationError("\(flag) applies to --model \(models.joined(separator: " or ")) (or all), not \(model)")
        }
        try applies("--order", given: order != Defaults.order, to: ["markov"])
        try applies("--no-collapse", given: noCollapse, to: ["markov"])
        try applies("--drop-null-paths", given: dropNullPaths, to: ["markov"])
        try applies("--direct-channel", given: directChannels != Defaults.directChannels, to: ["last-non-direct"])
        try applies("--half-life", given: halfLife != Defaults.halfLife, to: ["time-decay"])
        try applies("--position-weights", given: positionWeights != Defaults.positionWeights, to: ["position"])
        try applies("--weights", given: weights != nil, to: ["custom"])
        try applies("--shapley", given: shapleyMethod != Defaults.shapleyMethod, to: ["shapley"])
        if permutations != Defaults.permutations, shapleyMethod != "sampled" {
            throw ValidationError("--permutations sets --shapley sampled (the method now is \(shapleyMethod))")
        }
        if model == "time-decay", touchpoints == nil {
            throw ValidationError("--model time-decay needs --touchpoints: aggregated paths have no touch times")
        }
        if model == "custom", weights == nil { throw ValidationError("--model custom needs --weights W1,W2,…") }
        guard order == "auto" || Int(order).map({ (1...4).contains($0) }) == true else {
            throw ValidationError("--order must be 1 to 4 or auto (got '\(order)')")
        }
        guard bootstrap == 0 || (2...1_000_000).contains(bootstrap) else {
            throw ValidationError("--bootstrap must be 0 (off) or between 2 and 1000000 replicates (got \(bootstrap))")
        }
        guard (1...10_000_000).contains(permutations) else {
            throw ValidationError("--permutations must be between 1 and 10000000 (got \(permutations))")
        }
        if let lookback, TimeSpan.parse(lookback) == nil { throw ValidationError(TimeSpan.rejection(of: lookback, flag: "--lookback")) }
        if let viewLookback, TimeSpan.parse(viewLookback) == nil {
            throw ValidationError(TimeSpan.rejection(of: viewLookback, flag: "--view-lookback"))
        }
        if viewLookback != nil, paths != nil { throw ValidationError("--view-lookback needs --touchpoints (aggregated paths have no times or types)") }
        if lookback != nil, paths != nil { throw ValidationError("--lookback needs --touchpoints (aggregated paths have no times)") }
        guard TimeSpan.parse(halfLife) != nil else { throw ValidationError(TimeSpan.rejection(of: halfLife, flag: "--half-life")) }
        guard ["simplified", "exact", "sampled"].contains(shapleyMethod) else { throw ValidationError("--shapley must be simplified, exact or sampled") }
    }

    func request() throws -> AttributionRequest {
        var request = AttributionRequest(model: model)
        if order == "auto" {
            request.orderSelection = MarkovOrderSelection(seed: seed)
        } else {
            request.order = Int(order) ?? 1
        }
        request.directChannels = Set(directChannels)
        guard let halfLifeSpan = TimeSpan.parse(halfLife) else {
            throw ValidationError(TimeSpan.rejection(of: halfLife, flag: "--half-life"))
        }
        request.halfLife = halfLifeSpan.seconds
        let position = try numbers(positionWeights, flag: "--position-weights")
        guard position.count == 2 else { throw ValidationError("--position-weights takes first,last") }
        request.positionFirst = position[0]
        request.positionLast = position[1]
        request.customWeights = try weights.map { try numbers($0, flag: "--weights") } ?? []
        request.collapseRepeatedStates = !noCollapse
        request.includeNullPaths = !dropNullPaths
        request.shapley = switch shapleyMethod {
        case "exact": .exact
        case "sampled": .sampled(permutations: permutations, seed: seed)
        default: .simplified
        }
        if bootstrap > 0 { request.bootstrap = Bootstrap(replicates: bootstrap, seed: seed) }
        return request
    }

    private func numbers(_ text: String, flag: String) throws -> [Double] {
        try text.split(separator: ",").map {
            guard let x = Double($0.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("\(flag): '\($0)' is not a number") }
            return x
        }
    }

    func run() throws {
        do {
            try request().validateModels()
        } catch let error as AttributionError {
            throw ValidationError(error.description)
        }
        var data: PathSet
        if let postgres {
            // Stoppable like `analyze --postgres`: Ctrl-C or SIGTERM cancels the query on the server.
            let session = try PostgresSession(url: postgres)
            defer { session.close() }
            let timestamps = try PostgresPushDown.timestampKind(
                session: session,
                of: .init(
                    table: try touchpointTable.table(), column: try touchpointTable.columns(viewLookback: viewLookback).timestamp,
                    flag: "--touchpoints-table"),
                declared: timestampType)
            let query = try touchpointTable.query(
                dialect: .postgres, lookback: lookback, viewLookback: viewLookback, timestamps: timestamps)
            let rows = try PostgresPushDown.stoppableQuery(
                session: session, sql: query.sql, parameters: query.parameters, statementTimeout: nil)
            data = try PathFileReader.read(rows: rows)
        } else {
            data = try touchpoints.map {
                try TouchpointReader.read(path: $0, options: .init(lookback: lookback.flatMap(TimeSpan.parse), viewLookback: viewLookback.flatMap(TimeSpan.parse)))
            } ?? PathFileReader.read(path: paths ?? "")
        }
        if collapseChannels { data = data.collapsingRepeatedChannels() }
        var request = try request()
        // Replicates of every bootstrapped model, counted on a bar while they run (a terminal only).
        let bar = try request.bootstrap.flatMap { bootstrap in
            ProgressBar.make(
                total: bootstrap.replicates * (try request.models(hasTimestamps: data.ages != nil).count),
                label: "bootstrap", quiet: output.quiet, items: "replicates")
        }
        request.bootstrap?.progress = bar?.handler
        var results: [AttributionResult]
        do {
            defer { bar?.finish() }
            results = try request.run(data)
        }
        if let calibration {
            guard let json = FileManager.default.contents(atPath: calibration) else {
                throw InputFailure("--calibration: cannot read \(calibration)")
            }
            let measurements = try Calibration.measurements(json: json, reach: data.reach(), source: calibration)
            let warnings = try CalibrationCheck.check(
                measurements, channels: data.channels.names, attributionPeriod: data.period,
                experimentPeriod: CalibrationCheck.experimentPeriod(json: json, source: calibration), source: calibration)
            for warning in warnings { output.note("warning: \(warning)") }
            for k in results.indices {
                results[k].calibration = Calibration.calibrate(results[k], by: measurements)
                if !warnings.isEmpty { results[k].calibration?.warnings = warnings }
            }
        }
        if directChannels != Defaults.directChannels {
            // A direct channel that is not in the data skips nothing: last-non-direct would be last-touch.
            for name in directChannels where !data.channels.names.contains(where: { $0.bytewiseEquals(name) }) {
                throw InputFailure("--direct-channel '\(name)' is not a channel in the data (channels: \(data.channels.names.prefix(20).joined(separator: ", ")))")
            }
        }
        if data.totalConversions == 0 {
            // Shares and removal effects of nothing: they print as 0, which is a convention, not a finding.
            output.note("warning: the journeys hold no attributed conversions, so every channel's credit, share and removal effect is 0")
        }
        if data.unattributedConversions > 0 {
            output.note("note: \(Int(data.unattributedConversions)) conversions had no touch in the lookback window and are not attributed")
        }
        switch output.format {
        case .json: try output.emit(try AttributionReport.json(results))
        case .html: try output.emit(AttributionReport.html(results))
        default: try output.emit(AttributionReport.text(results, style: output.style))
        }
    }
}

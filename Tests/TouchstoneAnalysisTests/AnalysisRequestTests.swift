import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneExperiment
import TouchstoneStats
import TouchstoneTestSupport

/// `AnalysisRequest` is the library's whole `analyze`: these check that it reads, validates and
/// analyses exactly as the parts it wires would, and that its refusals name options.
@Suite("AnalysisRequest")
struct AnalysisRequestTests {
    private static let table = """
        unit_id,variant,revenue,pre
        1,control,1.0,0.5
        2,control,3.0,2.0
        3,control,0,0.1
        4,control,7.5,4.0
        5,treatment,2.0,1.0
        6,treatment,9.0,5.0
        7,treatment,4.0,2.5
        8,treatment,400,3.0

        """

    private func write(_ text: String, name: String) throws -> String {
        let url = try temporaryDirectory().appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test("a unit-table request equals reading the table and analysing it directly")
    func unitTableMatchesTheParts() throws {
        let path = try write(Self.table, name: "units.csv")
        var request = AnalysisRequest(source: .units(path: path), settings: AnalysisSettings(control: "control"))
        request.metrics = ["revenue"]
        request.covariates = ["revenue=pre"]
        let viaRequest = try request.run()

        let table = try UnitTableReader.read(
            CSVReader(path: path), variantColumn: "variant", metrics: [MetricColumn(column: "revenue", kind: nil)],
            covariates: ["revenue": "pre"])
        let direct = try ExperimentAnalysis.analyze(table, settings: AnalysisSettings(control: "control"))
        // The request adds the decision and each metric's role on top of the same analysis.
        var analysis = viaRequest
        #expect(analysis.decision?.variants.map(\.variant) == ["treatment"])
        #expect(analysis.metrics.map(\.role) == [.goal])
        analysis.decision = nil
        for index in analysis.metrics.indices {
            analysis.metrics[index].role = nil
            analysis.metrics[index].direction = nil
            analysis.metrics[index].margin = nil
        }
        #expect(analysis == direct)
    }

    @Test("percentile caps are taken over the pooled column and applied before aggregating, also to bootstrap samples")
    func capsApplyToAnalysisAndBootstrap() throws {
        let path = try write(Self.table, name: "units.csv")
        var request = AnalysisRequest(source: .units(path: path), settings: AnalysisSettings(control: "control"))
        request.metrics = ["revenue:mean"]
        request.caps = ["revenue=10"]
        request.bootstrap = .init(replicates: 200, seed: 7, quantile: 0.5)
        let result = try request.run()
        let treatment = try #require(result.metrics.first?.arms.first { $0.variant == "treatment" })
        // 400 is capped at 10: (2 + 9 + 4 + 10) / 4.
        #expect(treatment.mean == 6.25)
        let bootstrap = try #require(result.bootstrap?.first)
        #expect(bootstrap.metric == "revenue")
        #expect(bootstrap.variant == "treatment")
    }

    @Test("the configured experiment contributes its metrics and its weights")
    func configuredMetricsAndWeights() throws {
        let path = try write(Self.table, name: "units.csv")
        let config = try write(
            """
            experiments:
              - key: pricing
                variants:
                  - { name: control, weight: 3 }
                  - { name: treatment, weight: 1 }
                metrics: [revenue]
            """, name: "config.yaml")
        var request = AnalysisRequest(source: .units(path: path), settings: AnalysisSettings(control: "control"))
        request.configured = try ExperimentConfig.experiment("pricing", in: config)
        let result = try request.run()
        #expect(result.metrics.map(\.name) == ["revenue"])
        // 4 and 4 units against weights 3:1: expected 6 and 2.
        #expect(result.srm?.expected["control"] == 6)
        #expect(result.srm?.expected["treatment"] == 2)
    }

    /// One wrong option each, and the refusal it must get.
    enum Mistake: String, CaseIterable, Sendable {
        case unknownKind, tuningWithoutSequential, covariateOfNoMetric, capTwice, emptySegmentColumn, metricTwice

        func apply(to request: inout AnalysisRequest) {
            switch self {
            case .unknownKind: request.metrics = ["revenue:median"]
            case .tuningWithoutSequential: request.tuning = 100
            case .covariateOfNoMetric: request.covariates = ["other=pre"]
            case .capTwice: request.caps = ["revenue=P99", "revenue=5"]
            case .emptySegmentColumn: request.segmentColumn = ""
            case .metricTwice: request.metrics = ["revenue", "revenue:mean"]
            }
        }

        var message: String {
            switch self {
            case .unknownKind: "metric 'revenue:median': expected COLUMN, COLUMN:proportion or COLUMN:mean"
            case .tuningWithoutSequential: "tuning applies to method sequential"
            case .covariateOfNoMetric: "covariate 'other=pre': 'other' is not a metric"
            case .capTwice: "cap 'revenue=5': caps 'revenue' a second time"
            case .emptySegmentColumn: "segmentColumn '': needs a column name"
            case .metricTwice: "metric 'revenue:mean': names metric 'revenue' a second time (it would be tested twice)"
            }
        }
    }

    @Test("refusals name options, and callers choose the words", arguments: Mistake.allCases)
    func refusalsNameOptions(mistake: Mistake) throws {
        var request = AnalysisRequest(source: .units(path: "unused.csv"), settings: AnalysisSettings(control: "control"))
        request.metrics = ["revenue"]
        mistake.apply(to: &request)
        let error = #expect(throws: AnalysisRequestError.self) { try request.validate() }
        #expect(error?.description == mistake.message)
        #expect(error?.isUsageError == true)
        // Every option in the message goes through the caller's naming.
        #expect(error?.message { "<\($0)>" }.contains("<") == true)
    }

    @Test("a store without an experiment, and events without exposures, are conflicts")
    func sourceConflicts() throws {
        let store = AnalysisRequest(source: .store(path: "x.db", events: ["e.csv"]), settings: AnalysisSettings(control: "c"))
        #expect(throws: AnalysisRequestError.conflict("{store} needs {experiment} KEY (a store holds many experiments)")) {
            try store.validate()
        }
        let logs = AnalysisRequest(source: .rawLogs(exposures: ["x.csv"], events: []), settings: AnalysisSettings(control: "c"))
        #expect(throws: AnalysisRequestError.conflict("{events} goes with {exposures} FILE or {store} DB")) { try logs.validate() }
    }
}

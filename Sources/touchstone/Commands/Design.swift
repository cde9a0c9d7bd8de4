import ArgumentParser
import Foundation
import TouchstoneReport
import TouchstoneStats

struct Design: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sample size, minimum detectable effect and duration of an experiment.",
        discussion: """
            Examples:
              touchstone design --metric proportion --baseline 0.05 --mde 0.1 --relative --arms 2 --daily-units 20000
              touchstone design --metric mean --mean 10 --stddev 25 --mde 0.5
              touchstone design --metric proportion --baseline 0.05 --sample-per-arm 50000 --relative
              touchstone design --metric proportion --baseline 0.08 --mde 0.01 --factorial email,push,in_app --daily-units 5000
              touchstone design --metric mean --mean 10 --stddev 25 --mde 0.5 --icc 0.05 --cluster-size 20
            """)

    enum Metric: String, ExpressibleByArgument, CaseIterable {
        case proportion, mean
    }

    @Option(help: "The metric's type: proportion (a conversion rate) or mean.")
    var metric: Metric

    @Option(help: "Control conversion rate, for --metric proportion.")
    var baseline: Double?

    @Option(help: "Control mean, for --metric mean.")
    var mean: Double?

    @Option(help: "Per-unit standard deviation, for --metric mean.")
    var stddev: Double?

    @Option(help: "Minimum detectable effect (absolute, or relative with --relative).")
    var mde: Double?

    @Flag(help: "Read --mde (and report the MDE) relative to the baseline.")
    var relative = false

    @Option(help: "Significance level α.")
    var alpha = 0.05

    @Option(help: "Power 1 − β.")
    var power = 0.8

    @Option(help: "Number of arms including control (α is Bonferroni-split over the k − 1 comparisons).")
    var arms = 2

    @Option(help: "two-sided, greater or less.")
    var alternative: Alternative = .twoSided

    @Option(help: "Units entering the experiment per day, to report the duration.")
    var dailyUnits: Double?

    @Option(help: "Solve for the MDE given this many units per arm instead of the sample size.")
    var samplePerArm: Int?

    @Flag(help: "Also report the sample sequential analyses need: mixture SPRT (always valid) and group-sequential (O'Brien–Fleming).")
    var sequential = false

    @Option(help: "Equally spaced looks of the group-sequential design (with --sequential).")
    var looks = 5

    @Option(help: "Size a 2^k factorial over these channels (comma-separated) for each main effect: a two-sided test of the mde between the two halves of the sample.")
    var factorial: String?

    @Flag(help: "With --factorial: also size each two-way interaction (a difference of --mde in one channel's effect with vs without the other).")
    var interactions = false

    @Option(help: "Cluster randomisation: the intra-cluster correlation ρ (with --cluster-size); the sample grows by the design effect 1 + (m − 1)ρ.")
    var icc: Double?

    @Option(help: "Cluster randomisation: units per cluster m (with --icc).")
    var clusterSize: Double?

    @OptionGroup var output: FormattedOutput<TabularFormats>

    func validate() throws {
        switch metric {
        case .proportion:
            guard baseline != nil else { throw ValidationError("--metric proportion needs --baseline P") }
            // A proportion's variance is p(1 − p): a --mean or --stddev given would be ignored.
            guard mean == nil, stddev == nil else {
                throw ValidationError("--mean and --stddev describe --metric mean; a proportion's spread follows from --baseline")
            }
        case .mean:
            guard mean != nil, stddev != nil else { throw ValidationError("--metric mean needs --mean M and --stddev S") }
            guard baseline == nil else { throw ValidationError("--baseline is the control rate of --metric proportion; a mean metric takes --mean") }
        }
        if !sequential, looks != 5 { throw ValidationError("--looks sets the group-sequential design of --sequential") }
        if sequential {
            guard samplePerArm == nil else { throw ValidationError("--sequential needs --mde (it reports the sample a sequential design needs)") }
            guard (1...50).contains(looks) else { throw ValidationError("--looks must be between 1 and 50 (got \(looks))") }
            guard alternative == .twoSided else { throw ValidationError("--sequential designs are two-sided: drop --alternative") }
        }
        guard (2...10_000).contains(arms) else { throw ValidationError("--arms must be between 2 and 10000 (got \(arms))") }
        if let samplePerArm {
            guard (1...1_000_000_000_000).contains(samplePerArm) else {
                throw ValidationError("--sample-per-arm must be between 1 and 10^12 (got \(samplePerArm))")
            }
        }
        if let factorial {
            guard mde != nil, samplePerArm == nil, !sequential else {
                throw ValidationError("--factorial solves for the sample size: give --mde, without --sample-per-arm or --sequential")
            }
            guard arms == 2 else { throw ValidationError("--factorial sets the arms itself (2^k cells): drop --arms") }
            guard alternative == .twoSided else { throw ValidationError("--factorial sizes two-sided tests: drop --alternative") }
            let names = factorialFactors(factorial)
            guard names.count >= 2, names.allSatisfy({ !$0.isEmpty && !$0.contains("+") && !$0.contains(":") }) else {
                throw ValidationError("--factorial '\(factorial)': expected two or more channel names separated by commas (e.g. email,push,in_app)")
            }
            guard Set(names.map { Array($0.utf8) }).count == names.count else {
                throw ValidationError("--factorial '\(factorial)' names a channel twice")
            }
        } else if interactions {
            throw ValidationError("--interactions goes with --factorial")
        }
        if (icc == nil) != (clusterSize == nil) { throw ValidationError("--icc and --cluster-size go together") }
        if icc != nil, factorial != nil || sequential {
            throw ValidationError("--icc and --cluster-size size a fixed-horizon comparison: drop --factorial / --sequential")
        }
        guard (mde == nil) != (samplePerArm == nil) else {
            throw ValidationError("give exactly one of --mde (solve for the sample size) or --sample-per-arm (solve for the MDE)")
        }
    }

    func factorialFactors(_ list: String) -> [String] {
        list.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    func run() throws {
        let kind: PowerAnalysis.Metric = switch metric {
        case .proportion: .proportion(baseline: baseline ?? .nan)
        case .mean: .mean(mean: mean ?? .nan, stdDev: stddev ?? .nan)
        }
        if let factorial {
            let design: FactorialDesign
            do {
                let analysis = try PowerAnalysis(metric: kind, relative: relative, alpha: alpha, power: power, arms: 2)
                design = try FactorialDesign.make(
                    analysis, factors: factorialFactors(factorial), mde: mde ?? .nan, interactions: interactions,
                    dailyUnits: dailyUnits)
            } catch let error as StatsError {
                throw ValidationError(error.message)
            }
            let text = switch output.format {
            case .json: try DesignReport.json(design)
            case .csv: DesignReport.csv(design)
            case .markdown: DesignReport.markdown(design)
            case .table, .html: DesignReport.table(design)
            }
            try output.emit(text)
            return
        }
        var design: ExperimentDesign
        do {
            let analysis = try PowerAnalysis(
                metric: kind, relative: relative, alpha: alpha, power: power, arms: arms, alternative: alternative)
            if let icc, let clusterSize {
                let cluster = try ClusterDesign(intraclassCorrelation: icc, clusterSize: clusterSize)
                design = try samplePerArm.map {
                    try ExperimentDesign.forSample(analysis, samplePerArm: $0, dailyUnits: dailyUnits, cluster: cluster)
                } ?? ExperimentDesign.forEffect(analysis, mde: mde ?? .nan, dailyUnits: dailyUnits, cluster: cluster)
            } else if let samplePerArm {
                design = try ExperimentDesign.forSample(analysis, samplePerArm: samplePerArm, dailyUnits: dailyUnits)
            } else {
                design = try ExperimentDesign.forEffect(analysis, mde: mde ?? .nan, dailyUnits: dailyUnits)
                if sequential {
                    design.sequential = try SequentialPlan.make(
                        analysis, mde: mde ?? .nan, fixedSamplePerArm: design.samplePerArmExact, looks: looks)
                }
            }
        } catch let error as StatsError {
            throw ValidationError(error.message)
        }
        switch output.format {
        case .json: try output.emit(try JSONOutput.encodeCounting(design))
        case .csv: try output.emit(DesignReport.csv(design))
        case .markdown: try output.emit(DesignReport.markdown(design))
        case .table, .html: try output.emit(DesignReport.table(design))
        }
    }
}

extension Alternative: ExpressibleByArgument {}
extension MultipleTestingCorrection: ExpressibleByArgument {}

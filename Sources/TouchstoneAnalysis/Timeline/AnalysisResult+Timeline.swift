import TouchstoneData
import TouchstoneStats

// MARK: - Results over time (`analyze --timeline`)

extension AnalysisResult {
    /// One point of the read-out over time: the comparisons of every metric as the analysis
    /// would have reported them at that point. Exactly one of ``date`` (daily view) and ``day``
    /// (days-since-exposure view) is set; the other is left out of the JSON.
    public struct TimelineEntry: Sendable, Hashable, Codable {
        /// Daily view: the UTC day `YYYY-MM-DD` at whose end the logs are cut.
        public var date: String?
        /// Days-since-exposure view: k, each unit's [t₀ + k·24 h, t₀ + (k + 1)·24 h).
        public var day: Int?
        public var metrics: [TimelineMetric]

        public init(date: String? = nil, day: Int? = nil, metrics: [TimelineMetric]) {
            self.date = date
            self.day = day
            self.metrics = metrics
        }
    }

    /// The comparisons of one metric at one point of the timeline.
    public struct TimelineMetric: Sendable, Hashable, Codable {
        public var name: String
        public var comparisons: [TimelineComparison]

        public init(name: String, comparisons: [TimelineComparison]) {
            self.name = name
            self.comparisons = comparisons
        }
    }

    /// One treatment against control at one point: the fields of ``ComparisonResult`` a chart
    /// needs, with the units behind them.
    public struct TimelineComparison: Sendable, Hashable, Codable {
        public var variant: String
        /// Units in the treatment arm at this point.
        public var units: Int
        /// Units in the control arm at this point.
        public var controlUnits: Int
        public var absoluteEffect: Double
        public var absoluteCI: Interval
        public var relativeEffect: Double
        public var relativeCI: Interval
        /// The unadjusted p-value, as the read-out's `pValue`; NaN (null) for the Bayesian method.
        public var pValue: Double
        /// Whether the main read-out's rule (adjusted p-value, or the credible interval) calls
        /// this point significant.
        public var significant: Bool

        public init(
            variant: String, units: Int, controlUnits: Int, absoluteEffect: Double, absoluteCI: Interval,
            relativeEffect: Double, relativeCI: Interval, pValue: Double, significant: Bool
        ) {
            self.variant = variant
            self.units = units
            self.controlUnits = controlUnits
            self.absoluteEffect = absoluteEffect
            self.absoluteCI = absoluteCI
            self.relativeEffect = relativeEffect
            self.relativeCI = relativeCI
            self.pValue = pValue
            self.significant = significant
        }
    }

    /// The `timelineNote` of a timeline read with `method`: whether its points may be watched.
    public static func timelineNote(method: AnalysisMethod, view: TimelineView) -> String {
        switch (view, method) {
        case (.daily, .sequential):
            "always valid: every day's interval and p-value are the mixture SPRT's, so the timeline may be watched daily and stopped on any day"
        case (.daily, _):
            "not valid for peeking: each day's \(method == .bayesian ? "credible interval" : "interval and p-value") is computed as if that day were the only look (\(method.rawValue) method); watching them daily and stopping at the first significant day inflates the false-positive rate (use --method sequential to watch)"
        case (.daysSinceExposure, _):
            "each day k compares different units (those whose day k after exposure has ended) on that day alone: a trend shows novelty or primacy effects, not a cumulative result"
        }
    }
}

extension ExperimentAnalysis {
    /// Analyses every point of a timeline as a separate read-out (same settings, correction over
    /// arms × metrics at each point) and keeps each comparison's effect, intervals and p-value.
    ///
    /// A point before both control and a treatment have units gives NaN effects (the analysis
    /// of an empty arm), never an error.
    public static func timeline(_ points: [TimelinePoint], settings: AnalysisSettings) throws -> [AnalysisResult.TimelineEntry] {
        var settings = settings
        // A point of the timeline is a look, not a planned group-sequential one.
        settings.plannedLooks = nil
        return try points.map { point in
            let result = try analyze(point.table, settings: settings, comparisonsOnly: true)
            let metrics = result.metrics.map { metric in
                let arms = metric.armsByVariant
                let control = arms[ByteKey(result.control)]?.units ?? 0
                return AnalysisResult.TimelineMetric(
                    name: metric.name,
                    comparisons: metric.comparisons.map { comparison in
                        AnalysisResult.TimelineComparison(
                            variant: comparison.variant, units: arms[ByteKey(comparison.variant)]?.units ?? 0, controlUnits: control,
                            absoluteEffect: comparison.absoluteEffect, absoluteCI: comparison.absoluteCI,
                            relativeEffect: comparison.relativeEffect, relativeCI: comparison.relativeCI,
                            pValue: comparison.pValue, significant: comparison.significant)
                    })
            }
            return AnalysisResult.TimelineEntry(date: point.date, day: point.day, metrics: metrics)
        }
    }
}

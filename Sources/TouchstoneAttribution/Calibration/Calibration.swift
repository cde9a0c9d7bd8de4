import Foundation
import TouchstoneData

/// A channel's incremental conversions measured by an experiment (holdout or channel combination).
public struct IncrementalityMeasurement: Sendable, Codable, Equatable {
    public var channel: String
    public var incrementalConversions: Double
    /// The experiment's interval for ``incrementalConversions``, when known.
    public var ci: [Double]?

    public init(channel: String, incrementalConversions: Double, ci: [Double]? = nil) {
        self.channel = channel
        self.incrementalConversions = incrementalConversions
        self.ci = ci
    }
}

/// Attributed credit next to measured incrementality.
public struct CalibratedCredit: Sendable, Codable, Equatable {
    public var channel: String
    public var attributedConversions: Double
    public var measuredIncrementalConversions: Double?
    public var measuredCI: [Double]?
    /// `measured / attributed` for measured channels; the pooled factor for the others.
    public var factor: Double
    public var calibratedConversions: Double
    /// `measured` or `pooled` (how ``factor`` was obtained).
    public var basis: String
}

/// The result of calibrating an attribution model by experiments.
public struct CalibrationReport: Sendable, Codable, Equatable {
    public var model: String
    /// `Σ measured / Σ attributed` over the measured channels, applied to unmeasured ones.
    public var pooledFactor: Double
    public var channels: [CalibratedCredit]
    public var note: String
    /// What ``CalibrationCheck`` found doubtful (partial period overlap, no dates to check).
    public var warnings: [String]?
}

/// Calibration of observational attribution by experimental lift.
///
/// Attribution apportions the conversions that happened; an experiment measures the ones a
/// channel *caused*. For a measured channel the calibrated credit is the measurement itself
/// and the ratio `measured / attributed` shows how far the model over- or under-credits it
/// (the "incrementality factor" of e.g. Google's and Meta's calibration guides). Channels
/// without an experiment are scaled by the pooled factor `Σ measured / Σ attributed` of the
/// measured ones — an assumption, reported as such in ``CalibratedCredit/basis``.
public enum Calibration {
    public static func calibrate(_ result: AttributionResult, by measurements: [IncrementalityMeasurement]) -> CalibrationReport {
        var measured: [String: IncrementalityMeasurement] = [:]
        for m in measurements { measured[m.channel] = m }
        var attributedSum = 0.0, measuredSum = 0.0
        for credit in result.channels {
            if let m = measured[credit.channel] {
                attributedSum += credit.conversions
                measuredSum += m.incrementalConversions
            }
        }
        let pooled = attributedSum > 0 ? measuredSum / attributedSum : 1
        let channels = result.channels.map { credit -> CalibratedCredit in
            if let m = measured[credit.channel] {
                let factor = credit.conversions > 0 ? m.incrementalConversions / credit.conversions : .nan
                return CalibratedCredit(
                    channel: credit.channel, attributedConversions: credit.conversions,
                    measuredIncrementalConversions: m.incrementalConversions, measuredCI: m.ci,
                    factor: factor, calibratedConversions: m.incrementalConversions, basis: "measured")
            }
            return CalibratedCredit(
                channel: credit.channel, attributedConversions: credit.conversions,
                measuredIncrementalConversions: nil, measuredCI: nil, factor: pooled,
                calibratedConversions: credit.conversions * pooled, basis: "pooled")
        }
        return CalibrationReport(
            model: result.model, pooledFactor: pooled, channels: channels,
            note: "attributed credit is observational; measured increments come from experiments; "
                + "unmeasured channels are scaled by the pooled factor of the measured ones")
    }

    /// Reads measurements from JSON: either `{"channels": [{"channel", "incrementalConversions", "ci"?}]}`,
    /// or a `touchstone analyze` result, where each comparison of a variant named like a channel
    /// against control (and each single-channel factorial term) gives a per-unit absolute effect
    /// that is scaled by the channel's reach (`reach[channel]`, units exposed to it).
    public static func measurements(json data: Data, reach: [String: Double], source: String) throws -> [IncrementalityMeasurement] {
        if let repeated = JSONDuplicateKeys.first(in: data) {
            throw AttributionError.invalidOption("\(source):\(repeated.line):\(repeated.column): duplicate key '\(repeated.key)'")
        }
        struct Simple: Decodable { var channels: [IncrementalityMeasurement] }
        struct Analysis: Decodable {
            struct Metric: Decodable {
                struct Comparison: Decodable {
                    var variant: String
                    var absoluteEffect: Double
                    var absoluteCI: [Double]?
                }
                var comparisons: [Comparison]?
            }
            struct Factorial: Decodable {
                struct Effect: Decodable {
                    var term: String
                    var estimate: Double
                    var ci: [Double]?
                }
                var effects: [Effect]
            }
            var metrics: [Metric]?
            var factorial: Factorial?
        }
        let decoder = JSONDecoder()
        if let simple = try? decoder.decode(Simple.self, from: data) {
            // Two measurements of one channel: which one calibrates it cannot be known.
            var seen = Set<ByteKey>()
            for (index, measurement) in simple.channels.enumerated() where !seen.insert(ByteKey(measurement.channel)).inserted {
                throw AttributionError.invalidOption("\(source): channels[\(index)]: channel '\(measurement.channel)' is measured a second time")
            }
            return simple.channels
        }
        let analysis: Analysis
        do {
            analysis = try decoder.decode(Analysis.self, from: data)
        } catch {
            throw AttributionError.invalidOption(
                "\(source): expected {\"channels\": [{\"channel\", \"incrementalConversions\"}]} or a touchstone analyze result")
        }
        var result: [String: IncrementalityMeasurement] = [:]
        func add(_ channel: String, _ effect: Double, _ ci: [Double]?) {
            guard let units = reach[channel] else { return }
            result[channel] = IncrementalityMeasurement(
                channel: channel, incrementalConversions: effect * units, ci: ci.map { $0.map { $0 * units } })
        }
        for effect in analysis.factorial?.effects ?? [] where !effect.term.contains(":") {
            add(effect.term, effect.estimate, effect.ci)
        }
        for comparison in analysis.metrics?.first?.comparisons ?? [] where result[comparison.variant] == nil {
            add(comparison.variant, comparison.absoluteEffect, comparison.absoluteCI)
        }
        guard !result.isEmpty else {
            throw AttributionError.invalidOption("\(source): no comparison or factorial term names a channel of the data")
        }
        return result.values.sorted { $0.channel < $1.channel }
    }
}

extension PathSet {
    /// Units (or, for aggregated paths, journeys) whose journeys touched each channel.
    public func reach() -> [String: Double] {
        var counts = [Double](repeating: 0, count: channels.count)
        var seen = [Int](repeating: -1, count: channels.count)
        if let units {
            for p in 0..<count {
                let u = Int(units[p])
                for id in path(p) where seen[Int(id)] != u {
                    seen[Int(id)] = u
                    counts[Int(id)] += 1
                }
            }
        } else {
            for p in 0..<count {
                for id in path(p) where seen[Int(id)] != p {
                    seen[Int(id)] = p
                    counts[Int(id)] += conversions[p] + nulls[p]
                }
            }
        }
        var result: [String: Double] = [:]
        for (id, name) in channels.names.enumerated() { result[name] = counts[id] }
        return result
    }
}

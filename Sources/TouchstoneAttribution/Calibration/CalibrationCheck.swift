import Foundation
import TouchstoneTime

/// Checks that an experiment result can calibrate this attribution (`--calibration`): that it
/// names channels of the data, and that it ran over the period the attribution describes.
///
/// A lift measured in one season says little about credit in another, and a measurement for a
/// channel the data does not contain (a typo, another product's channel) would otherwise be
/// ignored without a word. So:
///
/// - a measured channel that is not a channel of the attribution data is an error;
/// - an experiment period (`"period": {"start", "end"}` in the calibration JSON, ISO 8601 or
///   epoch seconds; a bare date as `end` means the end of that day) that does not overlap the
///   attribution period (first to last timestamp of the touchpoint log) is an error;
/// - one that overlaps only part of it, or a file or input without the dates to check, gives a
///   warning that is printed and kept in the calibration report.
public enum CalibrationCheck {
    /// The experiment's period from the calibration JSON, in microseconds; `nil` when absent.
    public static func experimentPeriod(json data: Data, source: String) throws -> ClosedRange<Int64>? {
        struct File: Decodable {
            struct Period: Decodable {
                var start: String
                var end: String
            }
            var period: Period?
        }
        guard let period = (try? JSONDecoder().decode(File.self, from: data))?.period else { return nil }
        guard let start = Timestamp.parse(period.start)?.microseconds else {
            throw AttributionError.invalidOption("\(source): period.start: \(Timestamp.rejection(of: period.start))")
        }
        guard var end = Timestamp.parse(period.end)?.microseconds else {
            throw AttributionError.invalidOption("\(source): period.end: \(Timestamp.rejection(of: period.end))")
        }
        if period.end.count == 10, period.end.contains("-") { end += 86_400_000_000 - 1 }  // a date: its whole day
        guard start <= end else {
            throw AttributionError.invalidOption("\(source): period.start \(period.start) is after period.end \(period.end)")
        }
        return start...end
    }

    /// Warnings to show (empty when all is well); throws when the file cannot calibrate the data.
    public static func check(
        _ measurements: [IncrementalityMeasurement], channels: [String], attributionPeriod: ClosedRange<Int64>?,
        experimentPeriod: ClosedRange<Int64>?, source: String
    ) throws -> [String] {
        let known = Set(channels)
        let unknown = measurements.map(\.channel).filter { !known.contains($0) }
        if !unknown.isEmpty {
            throw AttributionError.invalidOption(
                "\(source): \(unknown.map { "'\($0)'" }.joined(separator: ", ")) \(unknown.count == 1 ? "is not a channel" : "are not channels") "
                    + "of the attribution data (its channels: \(channels.sorted().joined(separator: ", ")))")
        }
        func day(_ micros: Int64) -> String { String(Timestamp.iso8601(microseconds: micros).prefix(10)) }
        guard let attribution = attributionPeriod else {
            return ["\(source): aggregated paths carry no dates, so whether the experiment covers the attribution period is not checked"]
        }
        let span = "\(day(attribution.lowerBound)) to \(day(attribution.upperBound))"
        guard let experiment = experimentPeriod else {
            return ["\(source) does not say when the experiment ran (add \"period\": {\"start\", \"end\"}); "
                    + "check that it covers the attribution period, \(span)"]
        }
        let ran = "\(day(experiment.lowerBound)) to \(day(experiment.upperBound))"
        guard experiment.overlaps(attribution) else {
            throw AttributionError.invalidOption(
                "\(source): the experiment ran \(ran), outside the attribution period \(span): its lift does not describe these journeys")
        }
        if experiment.lowerBound > attribution.lowerBound || experiment.upperBound < attribution.upperBound {
            let covered = Double(min(experiment.upperBound, attribution.upperBound) - max(experiment.lowerBound, attribution.lowerBound))
            let share = covered / Double(max(1, attribution.upperBound - attribution.lowerBound))
            return ["\(source): the experiment ran \(ran) and covers \(String(format: "%.0f", share * 100))% of the attribution period \(span)"]
        }
        return []
    }
}

import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneTestSupport
import TouchstoneTime

/// Simulated logs with a `country` column on the exposures, and the segment rule worked out
/// in plain Swift — independently of any SQL — so the segmented query can be checked against
/// the unsegmented one run on each segment's units alone.
struct SegmentedLogs {
    struct Exposure {
        var unit: String, experiment: String, variant: String, timestamp: Int64
        /// `nil` is SQL NULL.
        var country: String?
    }

    struct Event {
        var unit: String, timestamp: Int64, event: String, value: String?
    }

    var exposures: [Exposure] = []
    var events: [Event] = []

    /// Values that exercise the rule: case (bytewise `FR` < `de`, NOCASE the other way),
    /// non-ASCII (`Zoo` < `Ärzte` bytewise, the reverse in most locales), a quote, empty and NULL.
    static let countries: [String?] = ["DE", "FR", "de", "Ärzte", "Zoo", "Côte d'Ivoire", "", nil]

    /// The simulator's logs with a country on every exposure row (repeat exposures usually get
    /// another one than the first), and for every ninth unit a second row at its first exposure
    /// time with another country, so ties are common.
    init(units: Int, seed: UInt64) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try ExperimentSimulator(units: units, seed: seed).write(to: directory)
        func lines(_ name: String) throws -> [[Substring]] {
            try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        }
        var earliest: [String: Exposure] = [:]
        for (index, f) in try lines("exposures.csv").enumerated() {
            let timestamp = try #require(Int64(f[3]))
            let row = Exposure(
                unit: String(f[0]), experiment: String(f[1]), variant: String(f[2]), timestamp: timestamp,
                country: Self.countries[(index * 5 + 3) % Self.countries.count])
            exposures.append(row)
            if earliest[row.unit].map({ row.timestamp < $0.timestamp }) ?? true { earliest[row.unit] = row }
        }
        for (offset, unit) in earliest.keys.sorted().enumerated() where offset % 9 == 0 {
            guard var tie = earliest[unit] else { continue }
            tie.country = Self.countries[(offset / 9) % Self.countries.count]
            exposures.append(tie)
        }
        events = try lines("events.csv").map { f in
            Event(unit: String(f[0]), timestamp: Int64(f[1]) ?? 0, event: String(f[2]), value: f[3].isEmpty ? nil : String(f[3]))
        }
    }

    /// Hand-made logs for the tie rules.
    init(exposures: [Exposure], events: [Event]) {
        self.exposures = exposures
        self.events = events
    }

    /// Each unit's segment by the rule, in plain Swift: the country on its earliest exposure
    /// row in `experiment`; among rows at that time the bytewise-smallest; NULL or empty → "".
    func segments(experiment: String = ExperimentSimulator.experimentKey) -> [String: String] {
        var first: [String: (time: Int64, value: String)] = [:]
        for row in exposures where row.experiment == experiment {
            let value = row.country ?? ""
            if let known = first[row.unit] {
                if row.timestamp > known.time { continue }
                if row.timestamp == known.time, !value.utf8.lexicographicallyPrecedes(known.value.utf8) { continue }
            }
            first[row.unit] = (row.timestamp, value)
        }
        return first.mapValues(\.value)
    }

    /// The logs of `units` only.
    func restricted(to units: Set<String>) -> SegmentedLogs {
        SegmentedLogs(exposures: exposures.filter { units.contains($0.unit) }, events: events.filter { units.contains($0.unit) })
    }

    /// `CREATE TABLE` and `INSERT` statements (SQLite and PostgreSQL); `countryType` may carry a
    /// collation, to prove the query does not depend on the column's own.
    func statements(exposuresTable: String, eventsTable: String, countryType: String = "TEXT", batch: Int = 2_000) -> [String] {
        func text(_ value: String?) -> String {
            value.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" } ?? "NULL"
        }
        var result = [
            "CREATE TABLE \(exposuresTable) (unit_id TEXT NOT NULL, experiment TEXT NOT NULL, variant TEXT NOT NULL, "
                + "\"timestamp\" BIGINT NOT NULL, country \(countryType))",
            "CREATE TABLE \(eventsTable) (unit_id TEXT NOT NULL, \"timestamp\" BIGINT NOT NULL, event TEXT NOT NULL, value DOUBLE PRECISION)",
        ]
        func inserts(_ values: [String], table: String) {
            for start in stride(from: 0, to: values.count, by: batch) {
                result.append("INSERT INTO \(table) VALUES " + values[start..<min(start + batch, values.count)].joined(separator: ","))
            }
        }
        inserts(exposures.map { "(\(text($0.unit)),\(text($0.experiment)),\(text($0.variant)),\($0.timestamp),\(text($0.country)))" },
                table: exposuresTable)
        inserts(events.map { "(\(text($0.unit)),\($0.timestamp),\(text($0.event)),\($0.value ?? "NULL"))" }, table: eventsTable)
        return result
    }
}

/// Every row of `segment` in the segmented result equals the unsegmented result on that
/// segment's units: variants, metrics and counts exactly, integer sums exactly, sums of doubles
/// within 1e-9 relative.
func expectSameSums(
    _ segmented: [PowerSums], segment: String, _ restricted: [PowerSums], sourceLocation: SourceLocation = #_sourceLocation
) {
    var mine: [String: PowerSums] = [:]
    for row in segmented where row.segment == segment { mine["\(row.variant)|\(row.metric)"] = row }
    #expect(mine.count == restricted.count, "segment '\(segment)': \(mine.count) rows vs \(restricted.count)", sourceLocation: sourceLocation)
    /// Integer-typed sums must come back as integers (exactness is the point); sums of double
    /// values are compared as doubles, since an engine prints 161.0 as `161`.
    func sameNumber(_ a: SQLNumber?, _ b: SQLNumber?, doubles: Bool) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (.integer(let x), .integer(let y)): x == y
        case (.real(let x), .real(let y)): isClose(x, y, relative: 1e-9)
        case (let x?, let y?) where doubles: isClose(x.double, y.double, relative: 1e-9)
        default: false
        }
    }
    for row in restricted {
        let doubles = MetricDefinition(argument: row.metric)?.aggregation == .sum
        func same(_ a: SQLNumber?, _ b: SQLNumber?) -> Bool { sameNumber(a, b, doubles: doubles) }
        #expect(row.segment == nil, sourceLocation: sourceLocation)
        guard let other = mine["\(row.variant)|\(row.metric)"] else {
            Issue.record("segment '\(segment)': no row for \(row.variant) \(row.metric)", sourceLocation: sourceLocation)
            continue
        }
        let label = "segment '\(segment)' \(row.variant) \(row.metric)"
        #expect(other.units == row.units, "\(label) units", sourceLocation: sourceLocation)
        #expect(same(other.sum, row.sum), "\(label) sum \(other.sum) vs \(row.sum)", sourceLocation: sourceLocation)
        #expect(same(other.sumOfSquares, row.sumOfSquares), "\(label) Σy² \(other.sumOfSquares) vs \(row.sumOfSquares)",
                sourceLocation: sourceLocation)
        #expect((other.covariate == nil) == (row.covariate == nil), "\(label) covariate", sourceLocation: sourceLocation)
        if let x = other.covariate, let y = row.covariate {
            #expect(same(x.sum, y.sum) && same(x.sumOfSquares, y.sumOfSquares) && same(x.crossProducts, y.crossProducts),
                    "\(label) covariate sums \(x) vs \(y)", sourceLocation: sourceLocation)
        }
    }
}

/// The tie cases, small enough to know each unit's segment by hand.
enum TieCases {
    static let experiment = "ties"
    /// unit → (rows as (time, country), expected segment).
    static let logs = SegmentedLogs(
        exposures: [
            // Same earliest time, non-ASCII: bytewise 'Z' (0x5A) < 'Ä' (0xC3 0x84).
            .init(unit: "u1", experiment: experiment, variant: "control", timestamp: 100, country: "Ärzte"),
            .init(unit: "u1", experiment: experiment, variant: "control", timestamp: 100, country: "Zoo"),
            // Case: bytewise 'F' < 'd', whereas NOCASE or a locale put "de" first.
            .init(unit: "u2", experiment: experiment, variant: "control", timestamp: 100, country: "de"),
            .init(unit: "u2", experiment: experiment, variant: "control", timestamp: 100, country: "FR"),
            .init(unit: "u2", experiment: experiment, variant: "control", timestamp: 50, country: nil).withExperiment("other"),
            // NULL tied with a value: NULL is '' and '' is smallest.
            .init(unit: "u3", experiment: experiment, variant: "treatment", timestamp: 70, country: nil),
            .init(unit: "u3", experiment: experiment, variant: "treatment", timestamp: 70, country: "AT"),
            // Empty value alone.
            .init(unit: "u4", experiment: experiment, variant: "treatment", timestamp: 80, country: ""),
            // Earliest wins over smallest: a later "AAA" does not matter.
            .init(unit: "u5", experiment: experiment, variant: "treatment", timestamp: 10, country: "Zoo"),
            .init(unit: "u5", experiment: experiment, variant: "treatment", timestamp: 20, country: "AAA"),
            // NULL alone.
            .init(unit: "u6", experiment: experiment, variant: "control", timestamp: 30, country: nil),
        ],
        events: [
            .init(unit: "u1", timestamp: 150, event: "purchase", value: "12.5"),
            .init(unit: "u3", timestamp: 90, event: "purchase", value: "3"),
        ])

    /// Expected (segment, variant) → units.
    static let expected: [String: Int64] = ["Zoo|control": 1, "FR|control": 1, "|treatment": 2, "Zoo|treatment": 1, "|control": 1]

    static var settings: RawLogSettings {
        var settings = RawLogSettings(
            experiment: experiment, metrics: ["purchase", "purchase:sum"].compactMap(MetricDefinition.init(argument:)),
            window: TimeSpan(days: 1), preExposureCovariates: false)
        settings.segmentColumn = "country"
        return settings
    }

    /// (segment, variant) → units of the `purchase` rows.
    static func units(_ sums: [PowerSums]) -> [String: Int64] {
        var result: [String: Int64] = [:]
        for row in sums where row.metric == "purchase" { result["\(row.segment ?? "nil")|\(row.variant)"] = row.units }
        return result
    }
}

extension SegmentedLogs.Exposure {
    func withExperiment(_ key: String) -> Self {
        var copy = self
        copy.experiment = key
        return copy
    }
}

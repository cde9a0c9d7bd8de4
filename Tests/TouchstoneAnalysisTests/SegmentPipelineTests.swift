import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats
import TouchstoneTestSupport
import TouchstoneTime

/// `--by COL` in the raw-log pipeline and the unit-table reader: every segment must hold exactly
/// the statistics of its units analysed on their own, and the overall table must not change.
@Suite("Segments in the pipeline")
struct SegmentPipelineTests {
    static let metrics = ["purchase", "purchase:sum", "session:count"].compactMap(MetricDefinition.init(argument:))

    static func expectSame(_ actual: ArmTable, _ expected: ArmTable, _ context: String) {
        #expect(Set(actual.variants) == Set(expected.variants), "\(context): variants")
        #expect(actual.units == expected.units, "\(context): units")
        #expect(actual.metrics.map(\.name) == expected.metrics.map(\.name))
        for (a, e) in zip(actual.metrics, expected.metrics) {
            for variant in expected.variants {
                let x = a.arms[variant] ?? SufficientStatistics(), y = e.arms[variant] ?? SufficientStatistics()
                #expect(x.count == y.count, "\(context) \(a.name) \(variant): count")
                // Same units, summed in a different order across workers: agreement to rounding.
                #expect(isClose(x.mean, y.mean, relative: 1e-12, absoluteFloor: 1e-300), "\(context) \(a.name) \(variant): mean")
                #expect(isClose(x.variance, y.variance, relative: 1e-10, absoluteFloor: 1e-300), "\(context) \(a.name) \(variant): variance")
                #expect(isClose(x.covariateMean, y.covariateMean, relative: 1e-12, absoluteFloor: 1e-300))
                #expect(isClose(x.coMoment, y.coMoment, relative: 1e-9, absoluteFloor: 1e-9))
            }
        }
    }

    /// Each segment of a split run equals the unsplit pipeline run on only that segment's
    /// exposure rows (the simulator gives every row of a unit the same country).
    @Test(arguments: [1, 3])
    func segmentsEqualTheSegmentAnalysedAlone(threads: Int) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try ExperimentSimulator(units: 12_000, seed: 5).write(to: directory)
        let exposures = directory.appendingPathComponent("exposures.csv")
        let events = directory.appendingPathComponent("events.csv")
        var settings = RawLogSettings(
            metrics: Self.metrics, window: TimeSpan(days: 14), preExposureCovariates: true, threads: threads)
        let whole = try RawLogPipeline.run(
            exposures: CSVReader(path: exposures.path), events: CSVReader(path: events.path), settings: settings)
        settings.segmentColumn = "country"
        let split = try RawLogPipeline.run(
            exposures: CSVReader(path: exposures.path), events: CSVReader(path: events.path), settings: settings)
        let segments = try #require(split.segments)
        #expect(segments.column == "country")
        #expect(segments.segments.map(\.value) == ["BR", "DE", "US"])
        #expect(whole.segments == nil)
        Self.expectSame(split.table, whole.table, "overall")
        #expect(split.multiVariantUnits == whole.multiVariantUnits)

        let lines = try String(contentsOf: exposures, encoding: .utf8).split(separator: "\n")
        for segment in segments.segments {
            let rows = lines.dropFirst().filter { $0.hasSuffix(",\(segment.value)") }
            let filtered = directory.appendingPathComponent("exposures-\(segment.value).csv")
            try ([String(lines[0])] + rows.map(String.init)).joined(separator: "\n").write(to: filtered, atomically: true, encoding: .utf8)
            var alone = settings
            alone.segmentColumn = nil
            let expected = try RawLogPipeline.run(
                exposures: CSVReader(path: filtered.path), events: CSVReader(path: events.path), settings: alone)
            Self.expectSame(segment.table, expected.table, "segment \(segment.value)")
        }
    }

    /// A unit's segment is the value on its first exposure; ties at that time go to the
    /// bytewise-smallest value (as in the SQL push-down); empty is its own segment.
    @Test func segmentOfAUnitIsTakenAtItsFirstExposure() throws {
        let exposures = """
            unit_id,experiment,variant,timestamp,tier
            a,e,control,200,gold
            a,e,control,100,silver
            b,e,treatment,100,Zoo
            b,e,treatment,100,Ärzte
            b,e,treatment,50,Zoo
            c,e,treatment,100,Ärzte
            c,e,treatment,100,Zoo
            d,e,control,100,
            e,e,control,100,gold
            e,e,treatment,100,gold
            """
        let events = """
            unit_id,timestamp,event,value
            a,150,buy,1
            b,60,buy,1
            c,100,buy,1
            d,100,buy,1
            """
        var settings = RawLogSettings(metrics: [try #require(MetricDefinition(argument: "buy"))], window: try #require(TimeSpan(seconds: 1_000)), threads: 1)
        settings.segmentColumn = "tier"
        let summary = try RawLogPipeline.run(
            exposures: CSVReader(bytes: Array(exposures.utf8), name: "x.csv"),
            events: CSVReader(bytes: Array(events.utf8), name: "e.csv"), settings: settings)
        let segments = try #require(summary.segments)
        // a → silver (earliest row), b → Zoo (its t = 50 row), c → Zoo ('Z' 0x5A < 'Ä' 0xC3),
        // d → "", e → excluded (two variants).
        #expect(segments.segments.map(\.value) == ["", "Zoo", "silver"])
        let units = Dictionary(uniqueKeysWithValues: segments.segments.map { ($0.value, $0.table.units) })
        #expect(units[""] == ["control": 1])
        #expect(units["silver"] == ["control": 1])
        #expect(units["Zoo"] == ["treatment": 2])
        #expect(summary.multiVariantUnits == 1)
        #expect(summary.table.units == ["control": 2, "treatment": 2])
        let zoo = try #require(segments.segments.first { $0.value == "Zoo" }?.table.metrics.first?.arms["treatment"])
        #expect(zoo.count == 2 && zoo.mean == 1)
    }

    @Test func badSegmentColumnsFailWithALocation() throws {
        let events = CSVReader.self
        var settings = RawLogSettings(metrics: [try #require(MetricDefinition(argument: "buy"))], threads: 1)
        settings.segmentColumn = "country"
        let missing = "unit_id,experiment,variant,timestamp\nu1,e,control,1\n"
        #expect {
            try RawLogPipeline.run(
                exposures: CSVReader(bytes: Array(missing.utf8), name: "x.csv"),
                events: events.init(bytes: Array("unit_id,timestamp,event,value\n".utf8), name: "e.csv"), settings: settings)
        } throws: { error in
            "\(error)".contains("x.csv") && "\(error)".contains("missing column 'country'")
        }
        var invalid = Array("unit_id,experiment,variant,timestamp,country\nu1,e,control,1,US\nu2,e,control,1,".utf8)
        invalid += [0xFF, 0x0A]
        #expect {
            try RawLogPipeline.run(
                exposures: CSVReader(bytes: invalid, name: "x.csv"),
                events: events.init(bytes: Array("unit_id,timestamp,event,value\n".utf8), name: "e.csv"), settings: settings)
        } throws: { error in
            let text = "\(error)"
            return text.contains("x.csv:3:5") && text.contains("UTF-8")
        }
        var many = "unit_id,experiment,variant,timestamp,country\n"
        for unit in 0...SegmentedArmTable.maximumSegments { many += "u\(unit),e,control,1,c\(unit)\n" }
        #expect {
            try RawLogPipeline.run(
                exposures: CSVReader(bytes: Array(many.utf8), name: "x.csv"),
                events: events.init(bytes: Array("unit_id,timestamp,event,value\n".utf8), name: "e.csv"), settings: settings)
        } throws: { error in
            "\(error)".contains("x.csv:\(SegmentedArmTable.maximumSegments + 2):5") && "\(error)".contains("distinct values")
        }
    }

    /// The unit-table reader's segments equal the table filtered to each segment.
    @Test func unitTableSegmentsEqualFilteredTables() throws {
        let url = repositoryRoot().appendingPathComponent("Datasets/hillstrom.csv")
        let columns = [MetricColumn(column: "visit"), MetricColumn(column: "spend")]
        let split = try UnitTableReader.readSegmented(
            CSVReader(path: url.path), variantColumn: "segment", segmentColumn: "zip_code", metrics: columns,
            ratios: [RatioColumn(name: "spend_per_visit", numerator: "spend", denominator: "visit")])
        #expect(split.segments.map(\.value) == ["Rural", "Surburban", "Urban"])
        let whole = try UnitTableReader.read(
            CSVReader(path: url.path), variantColumn: "segment", metrics: columns,
            ratios: [RatioColumn(name: "spend_per_visit", numerator: "spend", denominator: "visit")])
        Self.expectSame(split.overall, whole, "overall")
        #expect(split.overall.metrics.map(\.kind) == [.proportion, .mean, .ratio])
        let text = try String(contentsOf: url, encoding: .utf8)
        // The file has CRLF line ends, one Character in Swift.
        let lines = text.split(whereSeparator: \.isNewline)
        #expect(lines.count == 64_001)
        for segment in split.segments {
            // history_segment may hold a quoted comma ("$750 - $1,000"): count zip_code from the end.
            let rows = lines.dropFirst().filter { line in
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                return fields[fields.count - 7] == segment.value
            }
            let bytes = Array(([String(lines[0])] + rows.map(String.init)).joined(separator: "\n").utf8)
            let alone = try UnitTableReader.read(
                CSVReader(bytes: bytes, name: segment.value), variantColumn: "segment",
                metrics: [MetricColumn(column: "visit", kind: .proportion), MetricColumn(column: "spend", kind: .mean)],
                ratios: [RatioColumn(name: "spend_per_visit", numerator: "spend", denominator: "visit")])
            Self.expectSame(segment.table, alone, "zip \(segment.value)")
        }
    }

    /// Merging keeps 0/1 rates exact: x / n from integer counts, not a weighted mean of rates.
    @Test func mergedProportionsStayExact() {
        let parts = [(3, 1), (7, 2), (11, 5)].map { units, conversions in
            ArmTable(
                variants: ["a"],
                metrics: [.init(name: "m", kind: .proportion, arms: ["a": .proportion(units: units, conversions: conversions)])],
                units: ["a": units])
        }
        let merged = ArmTable.merged(parts)
        #expect(merged.units == ["a": 21])
        #expect(merged.metrics.first?.arms["a"] == .proportion(units: 21, conversions: 8))
    }
}

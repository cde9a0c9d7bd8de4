import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats

/// Identifiers are bytes through the raw-log pipeline and the unit-table reader, and many arms
/// cost linear work (40,000 variants read in well under a second here; quadratic lookups took 30 s).
@Suite("Raw logs and unit tables: many arms, names as bytes")
struct ManyArmsAndBytesTests {
    private func reader(_ text: String, _ name: String) throws -> CSVReader {
        try CSVReader(bytes: Array(text.utf8), name: name)
    }

    @Test func normalisationsAreTwoArmsInRawLogs() throws {
        let exposures = "unit_id,experiment,variant,timestamp\nu1,e,control,100\nu2,e,caf\u{E9},100\nu3,e,cafe\u{301},100\nu4,e,cafe\u{301},100\n"
        let events = "unit_id,timestamp,event,value\nu2,200,buy,\nu3,200,buy,\n"
        let summary = try RawLogPipeline.run(
            exposures: reader(exposures, "x.csv"), events: reader(events, "e.csv"),
            settings: RawLogSettings(metrics: [MetricDefinition(event: "buy", aggregation: .conversion)], threads: 1))
        #expect(summary.table.variants.count == 3)
        #expect(summary.table.units == [ByteKey("control"): 1, ByteKey("caf\u{E9}"): 1, ByteKey("cafe\u{301}"): 2])
        let conversions = summary.table.metrics[0].arms.mapValues { Int(($0.mean * Double($0.count)).rounded()) }
        #expect(conversions == [ByteKey("control"): 0, ByteKey("caf\u{E9}"): 1, ByteKey("cafe\u{301}"): 1])
    }

    @Test func normalisationsAreTwoArmsInUnitTables() throws {
        let table = try UnitTableReader.read(
            reader("variant,c\ncontrol,0\ncaf\u{E9},1\ncafe\u{301},0\ncafe\u{301},0\n", "u.csv"), variantColumn: "variant",
            metrics: [MetricColumn(column: "c")])
        #expect(table.variants == ["control", "caf\u{E9}", "cafe\u{301}"])
        #expect(table.units == [ByteKey("control"): 1, ByteKey("caf\u{E9}"): 1, ByteKey("cafe\u{301}"): 2])
    }

    @Test func severalEventFilesAddUp() throws {
        let exposures = "unit_id,experiment,variant,timestamp\nu1,e,a,100\nu2,e,b,100\n"
        let settings = RawLogSettings(metrics: [MetricDefinition(event: "buy", aggregation: .count)], threads: 1)
        let split = try RawLogPipeline.run(
            exposures: [reader(exposures, "x.csv")],
            events: [reader("unit_id,timestamp,event\nu1,200,buy\n", "e1.csv"), reader("{\"unit_id\":\"u1\",\"timestamp\":300,\"event\":\"buy\"}\n", "e2.jsonl")],
            settings: settings)
        let whole = try RawLogPipeline.run(
            exposures: reader(exposures, "x.csv"), events: reader("unit_id,timestamp,event\nu1,200,buy\nu1,300,buy\n", "e.csv"),
            settings: settings)
        #expect(split.table == whole.table)
        #expect(split.eventRows == 2)
    }

    @Test func missingEventsAreAnErrorOrAWarning() throws {
        let exposures = "unit_id,experiment,variant,timestamp\nu1,e,a,100\nu2,e,b,100\n"
        let events = "unit_id,timestamp,event\nu1,200,buy\nu1,201,buy\nu2,200,view\n"
        var settings = RawLogSettings(metrics: [MetricDefinition(event: "buyy", aggregation: .conversion)], threads: 1)
        #expect(throws: AnalysisError.self) {
            try RawLogPipeline.run(exposures: reader(exposures, "x.csv"), events: reader(events, "e.csv"), settings: settings)
        }
        do {
            _ = try RawLogPipeline.run(exposures: reader(exposures, "x.csv"), events: reader(events, "e.csv"), settings: settings)
        } catch let error as AnalysisError {
            #expect(error.message.hasPrefix("event 'buyy' never occurs in e.csv (3 rows; events seen: 'buy' (2), 'view' (1))"))
        }
        settings.allowMissingEvents = true
        let summary = try RawLogPipeline.run(exposures: reader(exposures, "x.csv"), events: reader(events, "e.csv"), settings: settings)
        // The missing event, and the 14-day windows that run past the logs' last second (200 s).
        #expect(summary.warnings.count == 2)
        #expect(summary.warnings.first?.hasPrefix("event 'buyy' never occurs") == true)
        #expect(summary.warnings.last?.hasPrefix("2 of 2 units (100.0%) were exposed less than 14d before the logs end") == true)
        #expect(summary.table.metrics[0].arms["a"]?.mean == 0)
    }

    @Test func fortyThousandVariantsAreRead() throws {
        let count = 40_000
        var exposures = "unit_id,experiment,variant,timestamp\n"
        var units = "variant,c\n"
        for index in 0..<count {
            exposures += "u\(index),e,v\(index),100\n"
            units += "v\(index),\(index % 2)\n"
        }
        let summary = try RawLogPipeline.run(
            exposures: reader(exposures, "x.csv"), events: reader("unit_id,timestamp,event\nu1,200,buy\n", "e.csv"),
            settings: RawLogSettings(metrics: [MetricDefinition(event: "buy", aggregation: .conversion)], threads: 2))
        #expect(summary.table.variants.count == count)
        #expect(summary.table.units.count == count)
        let table = try UnitTableReader.read(reader(units, "u.csv"), variantColumn: "variant", metrics: [MetricColumn(column: "c")])
        #expect(table.variants.count == count)
        #expect(table.metrics[0].arms.count == count)
    }
}

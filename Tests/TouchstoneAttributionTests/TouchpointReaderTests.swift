import Foundation
import Testing
import TouchstoneAttribution
import TouchstoneData
import TouchstoneTime

@Suite struct TouchpointReaderTests {
    static func reader(_ text: String) throws -> CSVReader {
        try CSVReader(bytes: Array(text.utf8), name: "log.csv")
    }

    @Test("touches are ordered by time, a conversion closes a path, repeat converters start over, leftovers are null paths")
    func journeys() throws {
        let log = """
            unit_id,timestamp,channel,conversion,value
            u1,2026-03-02T00:00:00Z,push,0,0
            u2,1772323200,web,0,0
            u1,2026-03-01T00:00:00Z,email,0,0
            u1,2026-03-03T00:00:00Z,,1,20
            u1,2026-03-04T00:00:00Z,sms,1,5
            u1,2026-03-05T00:00:00Z,email,0,0
            """
        let paths = try TouchpointReader.read(Self.reader(log))
        #expect(paths.count == 4)
        let names = (0..<paths.count).map { p in paths.path(p).map { paths.channels.names[Int($0)] } }
        #expect(names == [["email", "push"], ["sms"], ["email"], ["web"]])
        #expect(paths.conversions == [1, 1, 0, 0])
        #expect(paths.values == [20, 5, 0, 0])
        #expect(paths.nulls == [0, 0, 1, 1])
        #expect(paths.units == [0, 0, 0, 1])
        #expect(paths.ages.map { Array($0.prefix(2)) } == [2 * 86_400, 86_400])
    }

    @Test("the lookback window drops older touches and counts touchless conversions as unattributed")
    func lookback() throws {
        let log = """
            unit_id,timestamp,channel,conversion,value
            a,2026-03-01T00:00:00Z,email,0,0
            a,2026-03-20T00:00:00Z,push,0,0
            a,2026-03-21T00:00:00Z,,1,10
            b,2026-03-01T00:00:00Z,email,0,0
            b,2026-04-21T00:00:00Z,,1,7
            """
        let paths = try TouchpointReader.read(Self.reader(log), options: .init(lookback: TimeSpan(days: 7)))
        #expect(paths.count == 1)
        #expect(paths.path(0).map { paths.channels.names[Int($0)] } == ["push"])
        #expect(paths.unattributedConversions == 1)
        #expect(paths.unattributedValue == 7)
    }

    @Test("bad timestamps and missing columns are reported with file, line and column")
    func errors() throws {
        let bad = "unit_id,timestamp,channel,conversion,value\nu1,yesterday,email,0,0\n"
        #expect {
            try TouchpointReader.read(Self.reader(bad))
        } throws: { error in
            (error as? DataError)?.description.hasPrefix("log.csv:2:2:") == true
        }
        #expect(throws: DataError.self) { try TouchpointReader.read(Self.reader("unit,time\n1,2\n")) }
        let negative = "unit_id,timestamp,channel,conversion,value\nu1,1,email,-1,0\n"
        #expect { try TouchpointReader.read(Self.reader(negative)) } throws: { error in
            (error as? DataError)?.column == 4
        }
    }

    @Test("aggregated paths: blanks around separators are trimmed, empty channels are located errors")
    func pathFile() throws {
        let paths = try PathFileReader.read(try Self.reader("path;total_conversions;total_conversion_value;total_null\n a >b >  c ;2;3.5;1\nb;0;0;4\n"))
        #expect(paths.channels.names == ["a", "b", "c"])
        #expect(paths.totalNulls == 5)
        #expect { try PathFileReader.read(try Self.reader("path,total_conversions\na > > b,1\n")) } throws: { error in
            (error as? DataError)?.description.hasPrefix("log.csv:2:1:") == true
        }
    }
}

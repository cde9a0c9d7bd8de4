import Foundation
import Testing
import TouchstoneAttribution
import TouchstoneData
import TouchstoneTime

/// The optional `type` column (click | view) and `--view-lookback`.
@Suite struct TouchpointTypeTests {
    static func read(_ text: String, lookback: TimeSpan? = nil, viewLookback: TimeSpan? = nil) throws -> [[String]] {
        let paths = try TouchpointReader.read(
            CSVReader(bytes: Array(text.utf8), name: "log.csv"), options: .init(lookback: lookback, viewLookback: viewLookback))
        return (0..<paths.count).map { p in paths.path(p).map { paths.channels.names[Int($0)] } }
    }

    static let log = """
        unit_id,timestamp,channel,conversion,value,type
        u1,2026-03-01T00:00:00Z,email,0,0,click
        u1,2026-03-08T12:00:00Z,display,0,0,view
        u1,2026-03-09T00:00:00Z,social,0,0,VIEW
        u1,2026-03-09T23:00:00Z,search,0,0,Click
        u1,2026-03-10T00:00:00Z,,1,40,
        u2,2026-03-05T00:00:00Z,display,0,0,view
        u2,2026-03-05T23:59:59Z,video,0,0,view
        u2,2026-03-06T00:00:00Z,search,1,10,click
        """

    @Test("views older than --view-lookback are dropped, clicks keep --lookback, the window is half-open")
    func separateWindows() throws {
        // u1 converts at 03-10 00:00: display (1.5 d), social (exactly 1 d: out), search (1 h).
        // u2 converts at 03-06 00:00: display (exactly 1 d: out), video (1 s: in), search on the converting row.
        #expect(try Self.read(Self.log, lookback: TimeSpan(days: 30), viewLookback: TimeSpan(days: 1))
                == [["email", "search"], ["video", "search"]])
        // Views keep 2 days: display at 1.5 d and social at 1 d stay; email (a click, 9 d) needs --lookback.
        #expect(try Self.read(Self.log, lookback: TimeSpan(days: 7), viewLookback: TimeSpan(days: 2))
                == [["display", "social", "search"], ["display", "video", "search"]])
        // Without --view-lookback, views follow --lookback like clicks.
        #expect(try Self.read(Self.log, lookback: TimeSpan(days: 7))
                == [["display", "social", "search"], ["display", "video", "search"]])
        // A view window longer than the click window keeps old views but not old clicks.
        #expect(try Self.read(Self.log, lookback: TimeSpan.parse("2h"), viewLookback: TimeSpan(days: 30))
                == [["display", "social", "search"], ["display", "video", "search"]])
    }

    @Test("a view-only journey whose views all expire is an unattributed conversion")
    func expiredViews() throws {
        let text = """
            unit_id,timestamp,channel,conversion,value,type
            a,2026-03-01T00:00:00Z,display,0,0,view
            a,2026-03-03T00:00:00Z,,1,25,
            """
        let paths = try TouchpointReader.read(
            CSVReader(bytes: Array(text.utf8), name: "log.csv"), options: .init(viewLookback: TimeSpan(days: 1)))
        #expect(paths.count == 0)
        #expect(paths.unattributedConversions == 1)
        #expect(paths.unattributedValue == 25)
    }

    @Test("unknown or empty types on touches are errors with file:line:column; --view-lookback needs the column")
    func errors() throws {
        let unknown = "unit_id,timestamp,channel,conversion,value,type\nu1,1,email,0,0,click\nu1,2,display,0,0,impression\n"
        #expect {
            try Self.read(unknown)
        } throws: { error in
            let text = (error as? DataError)?.description ?? ""
            return text.hasPrefix("log.csv:3:") && text.contains("unknown type 'impression'") && text.contains("click")
        }
        let empty = "unit_id,timestamp,channel,conversion,value,type\nu1,1,email,0,0,\n"
        #expect {
            try Self.read(empty)
        } throws: { error in
            (error as? DataError)?.description.hasPrefix("log.csv:2:") == true
        }
        let noColumn = "unit_id,timestamp,channel,conversion,value\nu1,1,email,1,0\n"
        #expect(try Self.read(noColumn) == [["email"]])
        #expect {
            try Self.read(noColumn, viewLookback: TimeSpan(days: 1))
        } throws: { error in
            "\(error)".contains("--view-lookback needs a 'type' column")
        }
    }
}

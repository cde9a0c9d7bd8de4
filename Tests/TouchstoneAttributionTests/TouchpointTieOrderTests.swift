import Testing
import TouchstoneAttribution
import TouchstoneData
import TouchstoneTime

/// Rows at one instant follow one rule of their contents (``TouchpointReader``'s tie order), so
/// the journeys do not depend on how the log happens to be written — and a SQL engine, which
/// has no file order, builds the same ones.
@Suite struct TouchpointTieOrderTests {
    static func names(_ log: String, lookback: TimeSpan? = nil) throws -> [[String]: [Double]] {
        let paths = try TouchpointReader.read(try CSVReader(bytes: Array(log.utf8), name: "log.csv"), options: .init(lookback: lookback))
        var table: [[String]: [Double]] = [:]
        for p in 0..<paths.count {
            let key = paths.path(p).map { paths.channels.names[Int($0)] }
            let old = table[key] ?? [0, 0, 0]
            table[key] = [old[0] + paths.conversions[p], old[1] + paths.values[p], old[2] + paths.nulls[p]]
        }
        return table
    }

    @Test("touches at a conversion's instant join it, wherever they are written; tied touches go bytewise")
    func touchesBeforeConversions() throws {
        let written = """
            unit_id,timestamp,channel,conversion,value
            u,1775001600,search,0,0
            u,1775088000,,1,30
            u,1775088000,social,0,0
            u,1775088000,display,0,0
            v,1775001600,é-mail,0,0
            v,1775001600,apple,0,0
            v,1775001600,Zoo,0,0
            v,1775005200,,1,3
            """
        let table = try Self.names(written)
        #expect(table == [["search", "display", "social"]: [1, 30, 0], ["Zoo", "apple", "é-mail"]: [1, 3, 0]])
        // Every order of the same rows gives the same journeys.
        let lines = written.split(separator: "\n").map(String.init)
        var generator = SeededGenerator(seed: 4)
        for _ in 0..<20 {
            let shuffled = ([lines[0]] + lines.dropFirst().shuffled(using: &generator)).joined(separator: "\n")
            #expect(try Self.names(shuffled) == table)
        }
    }

    @Test("two conversions at one instant: the one without a channel takes the touches, the other its own")
    func twinConversions() throws {
        let log = """
            unit_id,timestamp,channel,conversion,value
            u,1775001600,sms,0,0
            u,1775088000,push,1,5
            u,1775088000,,1,7
            u,1775088000,email,0,0
            """
        #expect(try Self.names(log) == [["sms", "email"]: [1, 7, 0], ["push"]: [1, 5, 0]])
    }
}

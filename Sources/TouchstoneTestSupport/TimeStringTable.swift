import Foundation

/// The shared table of timestamp and duration strings (`Tests/TouchstoneTimeTests/Fixtures/
/// time_strings.json`, written by `Scripts/make_time_reference.py`), with the outcome Python
/// computed for each: microseconds, or the reason for rejection.
///
/// The parser's unit tests and the command-line tests of every reader and flag run the same
/// entries, so a string is accepted (as the same instant) or rejected everywhere alike.
public struct TimeStringTable: Decodable, Sendable {
    public struct Entry: Decodable, Sendable, Hashable, CustomStringConvertible {
        public var text: String
        public var note: String
        /// The instant (timestamps) or length (durations) in microseconds; `nil` when rejected.
        public var microseconds: Int64?
        /// Why it is rejected (`malformed`, `noSuchDate`, `noSuchTime`, `leapSecond`,
        /// `noSuchOffset`, `outOfRange`, `empty`; durations: `notPositive`, `tooLong`), else `nil`.
        public var rejection: String?

        public var isAccepted: Bool { microseconds != nil }
        public var description: String { "'\(text)' (\(note.isEmpty ? rejection ?? "accepted" : note))" }
    }

    public var timestamps: [Entry]
    public var durations: [Entry]

    public static var url: URL {
        repositoryRoot().appendingPathComponent("Tests/TouchstoneTimeTests/Fixtures/time_strings.json")
    }

    public static func load() throws -> TimeStringTable {
        try JSONDecoder().decode(TimeStringTable.self, from: Data(contentsOf: url))
    }

    /// The table, for `@Test(arguments:)`; empty if the fixture cannot be read, which
    /// ``load()``'s own test reports.
    public static let shared: TimeStringTable = (try? load()) ?? TimeStringTable(timestamps: [], durations: [])
}

import Foundation

/// The columns of a JSON Lines input: keys, in order of first appearance, that a ``CSVReader``
/// and all its copies share.
///
/// The header comes from a sample of the first lines, but event logs often carry a key only on
/// some lines (`value` on purchases), so asking for a key the sample did not see registers it
/// as a new column instead of failing. Readers are `Sendable` structs copied into worker
/// threads, so the table is a class all copies point at; scans take a ``snapshot()`` when they
/// start and never touch the lock per row.
final class JSONKeyTable: @unchecked Sendable {
    // @unchecked: every stored property below `lock` is read and written only while holding it.
    private let lock = NSLock()
    private var names: [String]
    private var requested: [Bool]
    /// How many keys came from the sample (the rest were registered by ``index(of:registering:)``).
    let sampled: Int

    init(names: [String]) {
        self.names = names
        requested = Array(repeating: false, count: names.count)
        sampled = names.count
    }

    /// All column names: the sample's keys, then the registered ones.
    var allNames: [String] {
        lock.lock()
        defer { lock.unlock() }
        return names
    }

    /// The name of column `index` (for messages).
    func name(at index: Int) -> String {
        lock.lock()
        defer { lock.unlock() }
        return index >= 0 && index < names.count ? names[index] : "column \(index + 1)"
    }

    /// The column of key `name`, marked as requested so that a nested value under it is an
    /// error rather than skipped; an unknown key becomes a new column when `registering`,
    /// and is `nil` otherwise.
    func index(of name: String, registering: Bool) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if let index = names.firstIndex(of: name) {
            requested[index] = true
            return index
        }
        guard registering else { return nil }
        names.append(name)
        requested.append(true)
        return names.count - 1
    }

    /// The keys as bytes and which of them were requested, fixed for one scan.
    func snapshot() -> (keys: [[UInt8]], requested: [Bool]) {
        lock.lock()
        defer { lock.unlock() }
        return (names.map { Array($0.utf8) }, requested)
    }
}

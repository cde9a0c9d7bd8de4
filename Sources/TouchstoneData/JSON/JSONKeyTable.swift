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
    /// Columns every line must carry (the required columns of ``CSVReader/columnIndex(_:)``).
    private var required: [Bool]
    /// How many keys came from the sample (the rest were registered by ``index(of:registering:)``).
    let sampled: Int

    init(names: [String]) {
        self.names = names
        requested = Array(repeating: false, count: names.count)
        required = Array(repeating: false, count: names.count)
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
    /// error rather than skipped (and as required on every line when `required`); an unknown
    /// key becomes a new column when `registering`, and is `nil` otherwise.
    ///
    /// Keys are compared as bytes: `café` precomposed and decomposed are two keys.
    func index(of name: String, registering: Bool, required isRequired: Bool = false) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if let index = names.firstIndex(where: { $0.utf8.elementsEqual(name.utf8) }) {
            requested[index] = true
            if isRequired { required[index] = true }
            return index
        }
        guard registering else { return nil }
        names.append(name)
        requested.append(true)
        required.append(isRequired)
        return names.count - 1
    }

    /// The keys as bytes, which of them were requested and which are required, fixed for one scan.
    func snapshot() -> (keys: [[UInt8]], requested: [Bool], required: [Bool]) {
        lock.lock()
        defer { lock.unlock() }
        return (names.map { Array($0.utf8) }, requested, required)
    }
}

/// Channel names interned to small integers, in order of first appearance.
///
/// Models work on `Int32` ids so that a path is a slice of a flat integer array and no string
/// is touched in the inner loops. Interning from raw bytes compares against the known names
/// directly while there are few channels (the common case: a handful of marketing channels),
/// and falls back to a dictionary beyond that.
public struct ChannelTable: Sendable, Equatable {
    public private(set) var names: [String] = []
    private var bytes: [[UInt8]] = []
    private var index: [String: Int32] = [:]

    public init() {}

    public init(names: [String]) {
        for name in names { _ = intern(name) }
    }

    public var count: Int { names.count }

    /// The id of `name`, adding it when new.
    public mutating func intern(_ name: String) -> Int32 {
        if let id = index[name] { return id }
        let id = Int32(names.count)
        names.append(name)
        bytes.append(Array(name.utf8))
        index[name] = id
        return id
    }

    /// The id of the channel spelled by `raw` (already trimmed), adding it when new.
    public mutating func intern(bytes raw: UnsafeBufferPointer<UInt8>) -> Int32 {
        if bytes.count <= 32 {
            for (id, known) in bytes.enumerated() where known.count == raw.count {
                var equal = true
                for k in 0..<known.count where known[k] != raw[k] {
                    equal = false
                    break
                }
                if equal { return Int32(id) }
            }
        }
        return intern(String(decoding: raw, as: UTF8.self))
    }

    /// The id of `name`, if known.
    public func id(of name: String) -> Int32? { index[name] }
}

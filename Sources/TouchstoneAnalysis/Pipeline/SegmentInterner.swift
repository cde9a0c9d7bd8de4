import TouchstoneData

/// Distinct segment values of the exposure log, each numbered in first-seen order.
///
/// Looked up once per exposure row, so the lookup works on the field's bytes (no `String`)
/// through a hash of them; a segment column has few distinct values (at most
/// ``SegmentedArmTable/maximumSegments``).
struct SegmentInterner {
    private(set) var bytes: [[UInt8]] = []
    private var byHash: [UInt64: [Int]] = [:]

    enum Problem: Error {
        case tooMany
        case notUTF8
    }

    /// The error of a segment column with too many distinct values.
    static func tooManyMessage(column: String) -> String {
        "more than \(SegmentedArmTable.maximumSegments) distinct values in column '\(column)': segments are for attributes with few values"
    }

    /// The number of `value`, adding it if new.
    mutating func intern(_ value: UnsafeBufferPointer<UInt8>) throws(Problem) -> Int {
        let hash = UnitIndex.hash(value)
        if let candidates = byHash[hash] {
            for candidate in candidates where value.bytesEqual(bytes[candidate]) { return candidate }
        }
        guard bytes.count < SegmentedArmTable.maximumSegments else { throw .tooMany }
        // Names are reported as text: two malformed values must not both become U+FFFD.
        guard String(validating: value, as: UTF8.self) != nil else { throw .notUTF8 }
        bytes.append(Array(value))
        byHash[hash, default: []].append(bytes.count - 1)
        return bytes.count - 1
    }

    /// Whether value `a` sorts before value `b`, bytewise (the tie rule for a unit's segment).
    func precedes(_ a: Int, _ b: Int) -> Bool {
        bytes[a].lexicographicallyPrecedes(bytes[b])
    }

    var names: [String] { bytes.map { String(decoding: $0, as: UTF8.self) } }
}

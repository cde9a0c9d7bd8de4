/// An open-addressing hash table from unit-id bytes to a dense unit number 0..<count.
///
/// Built once from the exposure log and then only read (concurrently) while the event log is
/// scanned. Ids are compared byte for byte on every hash match, so two ids never merge; the
/// bytes live in one arena rather than in per-id `String`s, which keeps ten million units in a
/// few hundred megabytes and out of the allocator's way.
struct UnitIndex: @unchecked Sendable {
    private var hashes: [UInt64]
    private var units: [UInt32]
    private var mask: Int
    private(set) var arena: [UInt8] = []
    private(set) var starts: [Int] = [0]

    init(expectedCount: Int) {
        var capacity = 1024
        while capacity < expectedCount * 2 { capacity <<= 1 }
        hashes = Array(repeating: 0, count: capacity)
        units = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        arena.reserveCapacity(expectedCount * 12)
        starts.reserveCapacity(expectedCount + 1)
    }

    var count: Int { starts.count - 1 }

    /// FNV-1a over the bytes with a final avalanche (MurmurHash3's fmix64), so that the low
    /// bits used for the slot are well mixed. Never 0, which marks an empty slot.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h | 1
    }

    @inline(__always)
    private func matches(_ unit: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[unit], end = starts[unit + 1]
        guard end - start == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { arena in
            var index = 0
            while index < bytes.count {
                if arena[start + index] != bytes[index] { return false }
                index += 1
            }
            return true
        }
    }

    /// The unit number of `bytes`, or `nil` for an id never inserted.
    @inline(__always)
    func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = hashes[slot]
            if stored == 0 { return nil }
            if stored == hash, matches(Int(units[slot]), bytes) { return Int(units[slot]) }
            slot = (slot + 1) & mask
        }
    }

    /// The unit number of `bytes`, inserting the id if new; `inserted` tells which.
    @inline(__always)
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (unit: Int, inserted: Bool) {
        if count * 2 >= hashes.count { grow() }
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = hashes[slot]
            if stored == 0 { break }
            if stored == hash, matches(Int(units[slot]), bytes) { return (Int(units[slot]), false) }
            slot = (slot + 1) & mask
        }
        let unit = count
        hashes[slot] = hash
        units[slot] = UInt32(truncatingIfNeeded: unit)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        return (unit, true)
    }

    /// The id bytes of a unit, as text.
    func id(_ unit: Int) -> String {
        String(decoding: arena[starts[unit]..<starts[unit + 1]], as: UTF8.self)
    }

    private mutating func grow() {
        let oldHashes = hashes, oldUnits = units
        let capacity = hashes.count * 2
        hashes = Array(repeating: 0, count: capacity)
        units = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        for (slot, hash) in oldHashes.enumerated() where hash != 0 {
            var target = Int(truncatingIfNeeded: hash) & mask
            while hashes[target] != 0 { target = (target + 1) & mask }
            hashes[target] = hash
            units[target] = oldUnits[slot]
        }
    }
}

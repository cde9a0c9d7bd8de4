import CPrefetch

/// An open-addressing hash table from unit-id bytes to a dense unit number 0..<count (in order
/// of insertion), holding a time beside each unit (the raw-log pipeline's first exposure).
///
/// The raw-log pipeline builds it once from the exposure log and then only reads it
/// (concurrently) while the event log is scanned; the touchpoint parser of attribution keys
/// units and channels with it, so no `String` is made per row.
///
/// At ten million units every probe is a cache miss, so a slot carries what a lookup needs in
/// one 40-byte record: the hash, ids of up to 16 bytes inline (longer ids live in an arena),
/// the unit number and the time. Ids are compared byte for byte on
/// every hash match, so two ids never merge.
public struct UnitIndex: @unchecked Sendable {
    /// One entry of the table; `hash` 0 marks an empty slot.
    public struct Slot: Sendable {
        public internal(set) var hash: UInt64 = 0
        var low: UInt64 = 0
        var high: UInt64 = 0
        public internal(set) var unit: UInt32 = 0
        var length: UInt32 = 0
        public internal(set) var firstTime: Int64 = 0
    }

    /// The table itself, for a pass over every unit (the empty slots included).
    public private(set) var slots: [Slot]
    private var mask: Int
    private var arena: [UInt8] = []
    public private(set) var count = 0

    public init(expectedCount: Int) {
        var capacity = 1024
        while capacity * 3 < expectedCount * 4 { capacity <<= 1 }
        slots = HugePages.array(repeating: Slot(), count: capacity)
        mask = capacity - 1
    }

    /// FNV-1a over the bytes with a final avalanche (MurmurHash3's fmix64), so that the low
    /// bits used for the slot are well mixed. Never 0, which marks an empty slot.
    @inline(__always)
    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
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

    /// The first 16 bytes packed little-endian into two words (zero-padded).
    @inline(__always)
    private static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var low: UInt64 = 0, high: UInt64 = 0
        let n = min(bytes.count, 16)
        var index = 0
        while index < min(n, 8) {
            low |= UInt64(bytes[index]) << (8 * UInt64(index))
            index += 1
        }
        while index < n {
            high |= UInt64(bytes[index]) << (8 * UInt64(index - 8))
            index += 1
        }
        return (low, high)
    }

    @inline(__always)
    private func matches(_ slot: Slot, _ bytes: UnsafeBufferPointer<UInt8>, _ packed: (UInt64, UInt64)) -> Bool {
        guard Int(slot.length) == bytes.count else { return false }
        if bytes.count <= 16 { return slot.low == packed.0 && slot.high == packed.1 }
        let start = Int(slot.low)
        return arena.withUnsafeBufferPointer { arena in
            var index = 0
            while index < bytes.count {
                if arena[start + index] != bytes[index] { return false }
                index += 1
            }
            return true
        }
    }

    /// The slot holding `bytes`, or `nil` for an id never inserted.
    @inline(__always)
    public func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        let packed = Self.pack(bytes)
        var position = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { table in
            while true {
                let slot = table[position]
                if slot.hash == 0 { return nil }
                if slot.hash == hash, matches(slot, bytes, packed) { return position }
                position = (position + 1) & mask
            }
        }
    }

    /// Hints that the id with `hash` is about to be looked up or inserted: its first probe's
    /// slot is fetched into the cache meanwhile (see `touchstone_prefetch`).
    @inline(__always)
    public func prefetch(hash: UInt64) {
        let position = Int(truncatingIfNeeded: hash) & mask
        slots.withUnsafeBufferPointer { table in
            guard let base = table.baseAddress, position < table.count else { return }
            touchstone_prefetch(base + position)
        }
    }

    /// The slot of `bytes`, inserting the id (as the next unit, first seen at `time`) if new.
    @inline(__always)
    public mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, time: Int64) -> (slot: Int, inserted: Bool) {
        // Linear probing stays short up to a load factor of about 0.75.
        if count * 4 >= slots.count * 3 { grow() }
        let packed = Self.pack(bytes)
        var position = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[position]
            if slot.hash == 0 { break }
            if slot.hash == hash, matches(slot, bytes, packed) { return (position, false) }
            position = (position + 1) & mask
        }
        var slot = Slot(hash: hash, low: packed.0, high: packed.1, unit: UInt32(truncatingIfNeeded: count),
                        length: UInt32(truncatingIfNeeded: bytes.count), firstTime: time)
        if bytes.count > 16 {
            slot.low = UInt64(arena.count)
            slot.high = 0
            arena.append(contentsOf: bytes)
        }
        slots[position] = slot
        count += 1
        return (position, true)
    }

    @inline(__always) public func unit(at slot: Int) -> Int { Int(slots[slot].unit) }
    @inline(__always) public func firstTime(at slot: Int) -> Int64 { slots[slot].firstTime }
    public mutating func setFirstTime(_ time: Int64, at slot: Int) { slots[slot].firstTime = time }

    private mutating func grow() {
        let old = slots
        slots = HugePages.array(repeating: Slot(), count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.hash != 0 {
            var position = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[position].hash != 0 { position = (position + 1) & mask }
            slots[position] = slot
        }
    }
}

// MARK: - Aggregation of identical paths

extension PathSet {
    /// Identical paths merged into one row with summed conversions, value and nulls.
    ///
    /// Rows keep the order in which each distinct path first appears. Ages and units are
    /// dropped (they differ between the merged journeys). `mapping[i]` is the row of the
    /// result that path `i` went into.
    ///
    /// - Complexity: O(touches) expected, with an open-addressing table over the flat storage
    ///   (no per-path allocation).
    public func aggregatedWithMapping() -> (paths: PathSet, mapping: [Int32]) {
        var result = PathSet(channels: channels)
        result.unattributedConversions = unattributedConversions
        result.unattributedValue = unattributedValue
        var mapping = [Int32](repeating: 0, count: count)
        var capacity = 16
        while capacity < count * 2 { capacity <<= 1 }
        var table = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        for i in 0..<count {
            let slice = path(i)
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for id in slice {
                hash = (hash ^ UInt64(UInt32(bitPattern: id))) &* 0x100_0000_01b3
            }
            hash ^= UInt64(slice.count) &* 0x9E37_79B9_7F4A_7C15
            var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
            while true {
                let row = table[slot]
                if row < 0 {
                    let newRow = Int32(result.count)
                    result.append(path: slice, conversions: conversions[i], value: values[i], nulls: nulls[i])
                    table[slot] = newRow
                    mapping[i] = newRow
                    break
                }
                if result.path(Int(row)).elementsEqual(slice) {
                    result.conversions[Int(row)] += conversions[i]
                    result.values[Int(row)] += values[i]
                    result.nulls[Int(row)] += nulls[i]
                    mapping[i] = row
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        return (result, mapping)
    }

    /// Identical paths merged (see ``aggregatedWithMapping()``).
    public func aggregated() -> PathSet { aggregatedWithMapping().paths }

    /// Each path with runs of the same channel reduced to one touch (`a > a > b` → `a > b`).
    ///
    /// ChannelAttribution keeps repeated channels in the path and collapses only repeated
    /// Markov *states*; this stricter form is offered because many analysts pre-process paths
    /// this way, and it changes linear credit and higher-order chains.
    public func collapsingRepeatedChannels() -> PathSet {
        var result = PathSet(channels: channels)
        result.unattributedConversions = unattributedConversions
        result.unattributedValue = unattributedValue
        result.unitCount = unitCount
        result.period = period
        var buffer: [Int32] = []
        var ageBuffer: [Double] = []
        for i in 0..<count {
            buffer.removeAll(keepingCapacity: true)
            ageBuffer.removeAll(keepingCapacity: true)
            for k in starts[i]..<starts[i + 1] {
                // Keep the latest touch of a run: its age is what time decay should see.
                if let last = buffer.last, last == touches[k] {
                    if ages != nil { ageBuffer[ageBuffer.count - 1] = ages?[k] ?? 0 }
                    continue
                }
                buffer.append(touches[k])
                if let ages { ageBuffer.append(ages[k]) }
            }
            result.append(
                path: buffer, conversions: conversions[i], value: values[i], nulls: nulls[i],
                ages: ages == nil ? nil : ageBuffer, unit: units?[i])
        }
        return result
    }
}

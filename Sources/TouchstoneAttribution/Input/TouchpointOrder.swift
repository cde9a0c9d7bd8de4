/// The one order of a unit's touchpoint rows, shared by ``TouchpointReader`` and ``PathsQuery``.
///
/// Rows are ordered by time. Rows at the same instant are ordered by, in turn:
/// 1. touch-only rows (`conversion` = 0) before conversion rows, so a touch at the conversion
///    instant belongs to that conversion — the same answer as the half-open lookback [0, L),
///    which keeps a touch of age 0;
/// 2. the channel, bytewise (UTF-8; an empty channel first);
/// 3. the conversion count, then the conversion value (0 on touch-only rows, where it is unused);
/// 4. clicks before views.
///
/// Rows equal in all of these are interchangeable: either order gives the same journeys. The
/// order depends on the rows' contents only, never on where they are stored, because a SQL
/// engine has no "file order": a warehouse query and the in-process reader of the same rows
/// must build the same journeys. (Before, ties kept file order, which SQL cannot reproduce.)
enum TouchpointOrder {
    /// `order` (row indices in unit-then-time order; `nil` when the rows already are) with every
    /// run of rows tied in unit and time sorted by the tie rule.
    ///
    /// - Complexity: O(rows) to find the runs, plus O(r log r) for each tied run of r rows that
    ///   is not already in order; logs without ties pay only the scan.
    static func resolvingTies(
        order: [Int]?, units: [Int32], times: [Int64], channels: [Int32], names: [String],
        conversions: [Double], values: [Double], views: [Bool]
    ) -> [Int]? {
        // One array, materialised at the first run that needs sorting and then sorted in place
        // (an optional copied per run would make many small runs quadratic).
        var indices = order ?? []
        var materialized = order != nil
        var rank: [Int32] = []
        func row(_ k: Int) -> Int { materialized ? indices[k] : k }
        func precedes(_ a: Int, _ b: Int) -> Bool {
            let aConverts = conversions[a] > 0, bConverts = conversions[b] > 0
            if aConverts != bConverts { return bConverts }
            let aRank = channels[a] < 0 ? -1 : rank[Int(channels[a])]
            let bRank = channels[b] < 0 ? -1 : rank[Int(channels[b])]
            if aRank != bRank { return aRank < bRank }
            if conversions[a] != conversions[b] { return conversions[a] < conversions[b] }
            if values[a] != values[b] { return values[a] < values[b] }
            let aView = views.isEmpty ? false : views[a], bView = views.isEmpty ? false : views[b]
            return !aView && bView
        }
        let n = units.count
        var start = 0
        while start < n {
            let first = row(start)
            var end = start + 1
            while end < n, units[row(end)] == units[first], times[row(end)] == times[first] { end += 1 }
            if end - start > 1 {
                if rank.isEmpty { rank = bytewiseRanks(names) }
                let inOrder = (start..<(end - 1)).allSatisfy { !precedes(row($0 + 1), row($0)) }
                if !inOrder {
                    if !materialized {
                        indices = Array(0..<n)
                        materialized = true
                    }
                    indices[start..<end].sort(by: precedes)
                }
            }
            start = end
        }
        return materialized ? indices : nil
    }

    /// Each channel id's position when the names are sorted by their UTF-8 bytes (the order of
    /// SQL's `COLLATE "C"` / `BINARY`; Swift's `String <` compares Unicode-normalised text instead).
    static func bytewiseRanks(_ names: [String]) -> [Int32] {
        let sorted = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
        var rank = [Int32](repeating: 0, count: names.count)
        for (position, id) in sorted.enumerated() { rank[id] = Int32(position) }
        return rank
    }
}

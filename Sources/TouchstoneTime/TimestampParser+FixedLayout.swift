extension TimestampParser {
    /// The layout nearly every export writes, `YYYY-MM-DDThh:mm:ss` with an optional `Z` (or a
    /// space or `t` for the `T`), read at fixed offsets with byte arithmetic: one length check,
    /// five separator checks and fourteen digit checks instead of the general grammar's
    /// step-by-step scan, so ISO 8601 costs what epoch seconds do.
    ///
    /// `nil` for anything else — a fraction, an offset, a date alone, another length, a byte
    /// out of place or a date or time that does not exist — and ``iso()`` then reads the text
    /// with the general grammar, which gives the reason. So this path only ever accepts what
    /// the general grammar accepts, with the same instant.
    @inline(__always)
    func fixedLayout() -> Int64? {
        let length = end - index
        guard let base = bytes.baseAddress, length == 19 || (length == 20 && base[end - 1] | 0x20 == UInt8(ascii: "z"))
        else { return nil }
        let p = base + index
        let separator = p[10]
        guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"), p[13] == UInt8(ascii: ":"), p[16] == UInt8(ascii: ":"),
            separator | 0x20 == UInt8(ascii: "t") || separator == 0x20
        else { return nil }
        // Each digit as 0–9, or ≥ 10 for any other byte (the subtraction wraps below '0').
        let d0 = p[0] &- 0x30, d1 = p[1] &- 0x30, d2 = p[2] &- 0x30, d3 = p[3] &- 0x30
        let d5 = p[5] &- 0x30, d6 = p[6] &- 0x30, d8 = p[8] &- 0x30, d9 = p[9] &- 0x30
        let d11 = p[11] &- 0x30, d12 = p[12] &- 0x30, d14 = p[14] &- 0x30, d15 = p[15] &- 0x30
        let d17 = p[17] &- 0x30, d18 = p[18] &- 0x30
        let largest = max(max(max(d0, d1), max(d2, d3)), max(max(d5, d6), max(d8, d9)),
                          max(max(d11, d12), max(d14, d15)), max(d17, d18))
        guard largest < 10 else { return nil }
        let year = Int64(d0) * 1_000 + Int64(d1) * 100 + Int64(d2) * 10 + Int64(d3)
        let month = Int64(d5) * 10 + Int64(d6), day = Int64(d8) * 10 + Int64(d9)
        let hour = Int64(d11) * 10 + Int64(d12), minute = Int64(d14) * 10 + Int64(d15), second = Int64(d17) * 10 + Int64(d18)
        guard hour <= 23, minute <= 59, second <= 59, CivilCalendar.isValid(year: year, month: month, day: day) else { return nil }
        let days = CivilCalendar.daysFromCivil(year: year, month: month, day: day)
        return (days * 86_400 + hour * 3_600 + minute * 60 + second) * 1_000_000
    }
}

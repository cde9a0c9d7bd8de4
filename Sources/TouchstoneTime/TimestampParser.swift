/// The byte-level grammar of ``Timestamp`` (documented there): one forward pass, no allocation.
///
/// Failures return `nil` and leave the reason in ``failure``; the hot loop never looks at it, and
/// plain optionals keep the loop as fast as a hand-written one (typed throws through every helper
/// measured twice as slow).
struct TimestampParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int
    var end: Int
    /// Why ``parse()`` returned `nil`.
    var failure = TimestampError.malformed

    @inline(__always)
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        index = 0
        end = bytes.count
    }

    /// Microseconds since the epoch, range-checked; `nil` with ``failure`` set otherwise.
    /// `fixedLayout: false` reads ISO 8601 with the general grammar only (for tests that check
    /// the ``fixedLayout()`` shortcut against it).
    @inline(__always)
    mutating func parse(fixedLayout useFixedLayout: Bool = true) -> Int64? {
        while index < end, Self.isBlank(bytes[index]) { index += 1 }
        while end > index, Self.isBlank(bytes[end - 1]) { end -= 1 }
        guard index < end else { return fail(.empty) }
        // A date has its first '-' after four digits; epoch seconds never do.
        let micros = end - index > 4 && bytes[index + 4] == UInt8(ascii: "-") ? iso(fixedLayout: useFixedLayout) : epoch()
        guard let micros else { return nil }
        guard Timestamp.validMicroseconds.contains(micros) else { return fail(.outOfRange) }
        return micros
    }

    @inline(__always)
    mutating func fail(_ reason: TimestampError) -> Int64? {
        failure = reason
        return nil
    }

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    @inline(__always)
    mutating func accept(_ byte: UInt8) -> Bool {
        guard index < end, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Exactly `width` digits; -1 when they are not there.
    @inline(__always)
    mutating func digits(_ width: Int) -> Int64 {
        let start = index
        guard end - start >= width else { return -1 }
        var value: Int64 = 0
        for offset in 0..<width {
            let digit = bytes[start + offset] &- 0x30
            guard digit < 10 else { return -1 }
            value = value &* 10 &+ Int64(digit)
        }
        index = start + width
        return value
    }

    /// After the decimal mark: one or more digits as microseconds (the first six), and whether
    /// any later digit was not zero (the value then lies strictly after those microseconds);
    /// micros -1 when there is no digit.
    @inline(__always)
    mutating func fraction() -> (micros: Int64, beyond: Bool) {
        var micros: Int64 = 0, scale: Int64 = 100_000, beyond = false, position = index
        let first = position, limit = end
        while position < limit {
            let digit = bytes[position] &- 0x30
            guard digit < 10 else { break }
            if position - first < 6 {
                micros &+= Int64(digit) &* scale
                scale /= 10
            } else if digit != 0 {
                beyond = true
            }
            position += 1
        }
        index = position
        return (position > first ? micros : -1, beyond)
    }

    // MARK: - Epoch seconds

    mutating func epoch() -> Int64? {
        let negative = accept(UInt8(ascii: "-"))
        if !negative { _ = accept(UInt8(ascii: "+")) }
        // Locals, not `self.index`, in the digit loop: the hot loop's registers.
        var seconds: Int64 = 0, position = index
        let first = position, limit = end
        // At most 15 digits are accumulated (Int64 cannot overflow); more are out of range anyway.
        let stop = limit - first > 15 ? first + 15 : limit
        if stop - position >= 8, let eight = Self.eightDigits(bytes, at: position) {
            seconds = eight
            position += 8
        }
        while position < stop {
            let digit = bytes[position] &- 0x30
            guard digit < 10 else { break }
            seconds = seconds &* 10 &+ Int64(digit)
            position += 1
        }
        let accumulated = position
        while position < limit, bytes[position] &- 0x30 < 10 { position += 1 }
        let seen = position - first
        index = position
        guard seen > 0 else { return fail(.malformed) }
        var fraction: (micros: Int64, beyond: Bool) = (0, false)
        if accept(UInt8(ascii: ".")) {
            fraction = self.fraction()
            guard fraction.micros >= 0 else { return fail(.malformed) }
        }
        guard index == end else { return fail(.malformed) }
        guard accumulated == position, seconds <= 253_402_300_800 else { return fail(.outOfRange) }
        let magnitude = seconds * 1_000_000 + fraction.micros
        // Floor to the microsecond: −0.0000005 lies in microsecond −1.
        return negative ? -magnitude - (fraction.beyond ? 1 : 0) : magnitude
    }

    /// The value of the eight ASCII digits at `offset` (which must have eight bytes), or `nil`
    /// when any of them is not a digit.
    ///
    /// One word instead of eight loop turns: epoch seconds have ten digits, and a log has one
    /// per row. A byte is a digit when its high nibble is 3 and adding 6 keeps it 3; the digits
    /// are then combined pairwise by three multiplications (Lemire, "Fast float parsing in
    /// practice", 2021, §5; the same steps as `parse_eight_digits_unrolled` in fast_float).
    @inline(__always)
    static func eightDigits(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int64? {
#if _endian(little)
        guard let base = bytes.baseAddress, offset >= 0, offset + 8 <= bytes.count else { return nil }
        let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
        let nibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        guard (word & nibbles) | (((word &+ 0x0606_0606_0606_0606) & nibbles) >> 4) == 0x3333_3333_3333_3333 else { return nil }
        var value = ((word & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8
        value = ((value & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        value = ((value & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
        return Int64(value & 0xFFFF_FFFF)
#else
        return nil
#endif
    }

    // MARK: - ISO 8601

    mutating func iso(fixedLayout useFixedLayout: Bool = true) -> Int64? {
        if useFixedLayout, let micros = fixedLayout() { return micros }
        let year = digits(4)
        guard year >= 0, accept(UInt8(ascii: "-")) else { return fail(.malformed) }
        let month = digits(2)
        guard month >= 0, accept(UInt8(ascii: "-")) else { return fail(.malformed) }
        let day = digits(2)
        guard day >= 0 else { return fail(.malformed) }
        // Shape first, then meaning: "2026-02-31x" is malformed, "2026-02-31" impossible.
        let dateOnly = index == end
        let separated = !dateOnly && (accept(UInt8(ascii: "T")) || accept(UInt8(ascii: "t")) || accept(0x20))
        guard dateOnly || separated else { return fail(.malformed) }
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0
        var fraction: (micros: Int64, beyond: Bool) = (0, false)
        var offsetSeconds: Int64 = 0
        var offsetValid = true
        if separated {
            hour = digits(2)
            guard hour >= 0, accept(UInt8(ascii: ":")) else { return fail(.malformed) }
            minute = digits(2)
            guard minute >= 0 else { return fail(.malformed) }
            if accept(UInt8(ascii: ":")) {
                second = digits(2)
                guard second >= 0 else { return fail(.malformed) }
                if accept(UInt8(ascii: ".")) || accept(UInt8(ascii: ",")) {
                    fraction = self.fraction()
                    guard fraction.micros >= 0 else { return fail(.malformed) }
                }
            }
            if accept(UInt8(ascii: "Z")) || accept(UInt8(ascii: "z")) {
                // UTC
            } else if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign: Int64 = bytes[index] == UInt8(ascii: "+") ? 1 : -1
                index += 1
                let offsetHours = digits(2)
                guard offsetHours >= 0 else { return fail(.malformed) }
                var offsetMinutes: Int64 = 0
                if accept(UInt8(ascii: ":")) || index < end {
                    offsetMinutes = digits(2)
                    guard offsetMinutes >= 0 else { return fail(.malformed) }
                }
                offsetValid = offsetHours <= 23 && offsetMinutes <= 59
                // Local time = UTC + offset, so UTC = local − offset.
                offsetSeconds = sign * (offsetHours * 3_600 + offsetMinutes * 60)
            }
            guard index == end else { return fail(.malformed) }
        }
        guard CivilCalendar.isValid(year: year, month: month, day: day) else {
            return fail(.noSuchDate(year: year, month: month, day: day))
        }
        if second == 60, hour <= 23, minute <= 59 { return fail(.leapSecond) }
        guard hour <= 23, minute <= 59, second <= 59 else { return fail(.noSuchTime(hour: hour, minute: minute, second: second)) }
        guard offsetValid else { return fail(.noSuchOffset) }
        let days = CivilCalendar.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        return seconds * 1_000_000 + fraction.micros
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decimal number parsing straight from bytes.
///
/// Plain decimals with at most 15 significant digits and a short fraction take an exact fast
/// path: both the digits and the power of ten are exactly representable, so one IEEE division
/// is correctly rounded (Clinger, "How to Read Floating Point Numbers Accurately", PLDI 1990).
/// Everything else goes through `strtod`. Only finite values written with digits, sign, point
/// and exponent are accepted: `nan`, `inf` and hex floats are rejected as user data.
enum NumberParsing {
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    static func double(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var lower = start, upper = end
        while lower < upper, buffer[lower] == UInt8(ascii: " ") { lower += 1 }
        while upper > lower, buffer[upper - 1] == UInt8(ascii: " ") { upper -= 1 }
        guard lower < upper else { return nil }
        var index = lower
        var negative = false
        if buffer[index] == UInt8(ascii: "-") || buffer[index] == UInt8(ascii: "+") {
            negative = buffer[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawPoint = false
        var simple = true
        var sawDigit = false
        while index < upper {
            let byte = buffer[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                sawDigit = true
                if mantissa != 0 || byte != UInt8(ascii: "0") { digits += 1 }
                if digits > 15 { simple = false; break }
                mantissa = mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
                if sawPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                simple = false
                break
            }
            index += 1
        }
        if simple {
            guard sawDigit else { return nil }
            let magnitude = Double(mantissa) / powersOfTen[fractionDigits <= 22 ? fractionDigits : 22]
            if fractionDigits <= 22 { return negative ? -magnitude : magnitude }
        }
        return slowPath(buffer, lower, upper)
    }

    static func double(_ bytes: ArraySlice<UInt8>) -> Double? {
        bytes.withUnsafeBufferPointer { double($0, 0, $0.count) }
    }

    private static func slowPath(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var sawDigit = false
        for index in start..<end {
            switch buffer[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): break
            default: return nil
            }
        }
        guard sawDigit, end - start < 512 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: end - start + 1) { scratch -> Double? in
            for index in start..<end { scratch[index - start] = CChar(bitPattern: buffer[index]) }
            scratch[end - start] = 0
            guard let base = scratch.baseAddress else { return nil }
            var stop: UnsafeMutablePointer<CChar>?
            let value = strtod(base, &stop)
            guard let stop, stop - base == end - start, value.isFinite else { return nil }
            return value
        }
    }
}

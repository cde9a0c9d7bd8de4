import Foundation

/// Reads `assign`'s unit id lists straight from their bytes, with exactly the rules of
/// `UnitIdList` (TouchstoneData), which builds a `String` per line instead:
///
/// - lines end at LF; one CR before it is dropped (CR LF files);
/// - a UTF-8 byte order mark at the start of the first line is dropped;
/// - a line that is empty or only spaces and tabs is skipped;
/// - a first line that is exactly `unit_id` or `id` is a header and skipped;
/// - a line with a NUL byte, or that is not valid UTF-8, is an error naming its line number.
///
/// Lines are numbered as `split(separator: LF)` numbers them, counting skipped lines, so an
/// error points at the same line either way. The buffer can be cut into ``Chunk``s at line
/// ends and the chunks scanned independently (on several cores): each reports its own line
/// count, and a chunk's line numbers are offset by the lines of the chunks before it.
///
/// Alongside each id the scanner returns its ``Traits`` (one table look-up per byte), so the
/// writers know without another pass whether the id can be copied verbatim into CSV or JSON.
public enum UnitIdScanner {
    /// What an id's bytes contain, OR-ed over its bytes.
    ///
    /// The flags are inlinable computed constants: as `static let`s, the inlined scanner reached
    /// each through a lazy-initialisation accessor call, several per id.
    public struct Traits: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// A byte other than space or tab (the line is not blank).
        @inlinable public static var nonBlank: Traits { Traits(rawValue: 1) }
        @inlinable public static var nul: Traits { Traits(rawValue: 2) }
        /// A byte ≥ 0x80: the id is not ASCII (and must be validated as UTF-8).
        @inlinable public static var nonASCII: Traits { Traits(rawValue: 4) }
        /// `,`, `"` or CR: a CSV field needs quoting.
        @inlinable public static var csvQuote: Traits { Traits(rawValue: 8) }
        /// A byte JSON escapes: `"`, `\` or below 0x20.
        @inlinable public static var jsonEscape: Traits { Traits(rawValue: 16) }
        /// The first byte is one a spreadsheet reads as a formula start (`= + - @`, tab, CR).
        @inlinable public static var formulaLead: Traits { Traits(rawValue: 32) }
    }

    /// An invalid line; `line` is 1-based within the chunk scanned.
    public struct Failure: Error, Sendable, Hashable {
        public var line: Int
        public var message: String

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    /// A run of whole lines of the buffer. Only the first chunk can hold a byte order mark or a
    /// header, and only the last one ends without a line feed.
    public struct Chunk: Sendable, Hashable {
        public var range: Range<Int>
        public var isFirst: Bool
        public var isLast: Bool
    }

    /// Cuts `buffer` into chunks of about `targetSize` bytes, each ending just after a line feed
    /// (the last one at the end of the buffer; it may be empty: the empty line after a final
    /// line feed).
    public static func chunks(of buffer: UnsafeRawBufferPointer, targetSize: Int) -> [Chunk] {
        var result: [Chunk] = []
        var start = 0
        let count = buffer.count
        let step = max(targetSize, 1)
        if let base = buffer.baseAddress {
            while count - start > step {
                let from = start + step - 1
                guard let found = memchr(base + from, 0x0A, count - from) else { break }
                let end = base.distance(to: UnsafeRawPointer(found)) + 1
                result.append(Chunk(range: start..<end, isFirst: start == 0, isLast: false))
                start = end
            }
        }
        result.append(Chunk(range: start..<count, isFirst: start == 0, isLast: true))
        return result
    }

    /// Byte → ``Traits`` bits (all but ``Traits/formulaLead``, which depends on position).
    @usableFromInline static let byteTraits: [UInt8] = (0...255).map { (byte: Int) -> UInt8 in
        var traits: Traits = []
        if byte != 0x20 && byte != 0x09 { traits.insert(.nonBlank) }
        if byte == 0 { traits.insert(.nul) }
        if byte >= 0x80 { traits.insert(.nonASCII) }
        if byte == 0x2C || byte == 0x22 || byte == 0x0D { traits.insert(.csvQuote) }
        if byte < 0x20 || byte == 0x22 || byte == 0x5C { traits.insert(.jsonEscape) }
        return traits.rawValue
    }

    /// Calls `body` with every id of `chunk` in order, and returns the chunk's line count; stops
    /// at the first invalid line and returns it as a failure (with the lines up to it).
    @inlinable
    public static func scan(
        _ buffer: UnsafeRawBufferPointer, chunk: Chunk,
        _ body: (_ id: UnsafeRawBufferPointer, _ traits: Traits) -> Void
    ) -> (lines: Int, failure: Failure?) {
        guard let base = buffer.baseAddress, chunk.range.upperBound <= buffer.count else {
            // An empty buffer is one empty line: blank, so no id.
            return (chunk.isLast ? 1 : 0, nil)
        }
        return byteTraits.withUnsafeBufferPointer { table -> (lines: Int, failure: Failure?) in
            var start = chunk.range.lowerBound
            let end = chunk.range.upperBound
            var line = 0
            while true {
                let found = memchr(base + start, 0x0A, end - start)
                if found == nil && !chunk.isLast { break }
                let lineEnd = found.map { base.distance(to: UnsafeRawPointer($0)) } ?? end
                line += 1
                var from = start, to = lineEnd
                let isHeaderLine = chunk.isFirst && line == 1
                if isHeaderLine, to - from >= 3, base.load(fromByteOffset: from, as: UInt8.self) == 0xEF,
                    base.load(fromByteOffset: from + 1, as: UInt8.self) == 0xBB,
                    base.load(fromByteOffset: from + 2, as: UInt8.self) == 0xBF
                {
                    from += 3
                }
                if to > from, base.load(fromByteOffset: to - 1, as: UInt8.self) == 0x0D { to -= 1 }
                var bits: UInt8 = 0
                var offset = from
                while offset < to {
                    bits |= table[Int(base.load(fromByteOffset: offset, as: UInt8.self))]
                    offset += 1
                }
                var traits = Traits(rawValue: bits)
                let id = UnsafeRawBufferPointer(start: base + from, count: to - from)
                if traits.contains(.nul) {
                    return (line, Failure(line: line, message: "the unit id contains a NUL byte"))
                }
                if traits.contains(.nonASCII), !isValidUTF8(id) {
                    return (line, Failure(line: line, message: "the unit id is not valid UTF-8 text"))
                }
                if traits.contains(.nonBlank), !(isHeaderLine && isHeader(id)) {
                    switch id[0] {
                    case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D: traits.insert(.formulaLead)
                    default: break
                    }
                    body(id, traits)
                }
                guard found != nil else { break }
                start = lineEnd + 1
            }
            return (line, nil)
        }
    }

    /// `unit_id` or `id`.
    @inlinable
    static func isHeader(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.elementsEqual("unit_id".utf8) || bytes.elementsEqual("id".utf8)
    }

    /// Whether `bytes` is well-formed UTF-8 (Unicode 15, table 3-7: no overlong forms, no
    /// surrogates, nothing above U+10FFFF), the rule of `String(validating:as:)`.
    @usableFromInline
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            offset < count && bytes[offset] >= low && bytes[offset] <= high
        }
        while index < count {
            let lead = bytes[index]
            switch lead {
            case 0x00...0x7F:
                index += 1
            case 0xC2...0xDF:
                guard continuation(index + 1) else { return false }
                index += 2
            case 0xE0...0xEF:
                let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80
                let high: UInt8 = lead == 0xED ? 0x9F : 0xBF
                guard continuation(index + 1, low, high), continuation(index + 2) else { return false }
                index += 3
            case 0xF0...0xF4:
                let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80
                let high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
                guard continuation(index + 1, low, high), continuation(index + 2), continuation(index + 3) else { return false }
                index += 4
            default:
                return false
            }
        }
        return true
    }
}

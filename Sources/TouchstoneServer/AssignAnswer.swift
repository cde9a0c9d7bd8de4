import NIOCore
import TouchstoneExperiment

/// The body of `GET /v1/assign`: the records of `touchstone assign --format json` for one unit,
/// written straight into the response buffer.
///
/// The command line encodes through `JSONOutput` (Foundation's `JSONEncoder`, pretty-printed,
/// plus a NaN/∞ rewrite pass), which costs tens of microseconds and a dozen allocations per call:
/// at 20,000 requests/s that alone would take most of a core. The records here are the same
/// keys and values (explicit `null`s, the bucket as the shortest decimal that reads back as the
/// same `Double`), compact and in the same sorted key order; `AssignAnswerTests` checks them
/// against `AssignmentReport.json` record by record.
enum AssignAnswer {
    /// `[{"bucket":…,"experiment":…,"reason":…,"unit_id":…,"variant":…}, …]` and a newline.
    static func write(unit: String, assignments: [Assignment], into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "["))
        for (position, assignment) in assignments.enumerated() {
            if position > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            buffer.writeStaticString("{\"bucket\":")
            if let bucket = assignment.bucket, bucket.isFinite {
                // `description` is Swift's shortest round-trip form ("0.25", "1e-05"), valid JSON.
                buffer.writeString(bucket.description)
            } else {
                buffer.writeStaticString("null")
            }
            buffer.writeStaticString(",\"experiment\":")
            writeString(assignment.experiment, into: &buffer)
            buffer.writeStaticString(",\"reason\":")
            writeString(assignment.reason.rawValue, into: &buffer)
            buffer.writeStaticString(",\"unit_id\":")
            writeString(unit, into: &buffer)
            buffer.writeStaticString(",\"variant\":")
            if let variant = assignment.variant {
                writeString(variant, into: &buffer)
            } else {
                buffer.writeStaticString("null")
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        }
        buffer.writeStaticString("]\n")
    }

    /// The answer as text (tests compare it with the command line's records).
    static func text(unit: String, assignments: [Assignment]) -> String {
        var buffer = ByteBuffer()
        write(unit: unit, assignments: assignments, into: &buffer)
        return String(buffer: buffer)
    }

    /// A JSON string literal: `"` and `\` escaped, control characters as `\n`, `\r`, `\t` or
    /// `\u00XX`, everything else (UTF-8 included) as is — what `JSONEncoder` writes with
    /// `.withoutEscapingSlashes`.
    static func writeString(_ text: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var clean = 0  // start of the run of bytes that need no escape
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[clean..<index]))
                clean = index + 1
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case 0x0A: buffer.writeStaticString("\\n")
                case 0x0D: buffer.writeStaticString("\\r")
                case 0x09: buffer.writeStaticString("\\t")
                case 0x08: buffer.writeStaticString("\\b")
                case 0x0C: buffer.writeStaticString("\\f")
                default:
                    let hex: StaticString = "0123456789abcdef"
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(hex.utf8Start[Int(byte >> 4)])
                    buffer.writeInteger(hex.utf8Start[Int(byte & 0x0F)])
                }
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[clean..<bytes.count]))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}

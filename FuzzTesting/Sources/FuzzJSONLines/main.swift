// Fuzzes the JSON Lines side of the table reader, and the exposure-ingest reader that shares its
// JSON primitives: any input must parse or throw a located error, never trap.
import TouchstoneData

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONLines(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let reader = try CSVReader(bytes: bytes, name: "fuzz.jsonl")
        var sum = 0.0
        try reader.forEachRow { row in
            for index in 0..<row.count {
                _ = row.string(index)
                _ = row.isEmpty(index)
                if let value = try? row.double(index) { sum += value }
                _ = try? row.integer(index)
                row.withBytes(index) { sum += Double($0.count) }
            }
        }
        for chunk in reader.chunks(3) { try reader.forEachRow(in: chunk) { _ = $0.count } }
        for column in ["unit_id", "event", "timestamp", "value"] { _ = try? reader.columnIndex(column) }
    } catch {
        _ = String(describing: error)
    }
    return 0
}

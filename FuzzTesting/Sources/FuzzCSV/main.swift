// Fuzzes the byte-level CSV reader: any input must parse or throw a DataError, never trap.
import TouchstoneData

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let reader = try CSVReader(bytes: bytes, name: "fuzz.csv")
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
        for chunk in reader.chunks(2) { try reader.forEachRow(in: chunk) { _ = $0.count } }
        _ = reader.estimatedRowCount()
        if let first = reader.header.first { _ = try? reader.columnIndex(first) }
    } catch {
        _ = String(describing: error)
    }
    return 0
}

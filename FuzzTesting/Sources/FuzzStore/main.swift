// Fuzzes the exposure store's reader on arbitrary database files (the seed corpus holds real
// stores, so mutations reach the rows: timestamps at the integer limits, text where integers
// belong, NULLs, duplicate units): any file must be read or refused, never trap.
import Foundation
import TouchstoneData

private let path = NSTemporaryDirectory() + "touchstone-fuzz-store-\(getpid()).db"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStore(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size)) else { return 0 }
    defer {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
    guard let store = try? ExposureStore(path: path, readOnly: true), let experiments = try? store.experiments() else { return 0 }
    for (experiment, _) in experiments.prefix(4) {
        _ = try? store.summary(experiment: experiment, examples: 3)
        _ = try? store.variantsByUnit(experiment: experiment)
        if let log = try? store.exposureLog(experiment: experiment) {
            try? log.forEachRow { row in for index in 0..<row.count { _ = row.string(index) } }
        }
    }
    return 0
}

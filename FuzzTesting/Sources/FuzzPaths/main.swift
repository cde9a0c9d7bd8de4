// Fuzzes the aggregated-path reader (ChannelAttribution layout) and the touchpoint reader.
import TouchstoneAttribution
import TouchstoneData
import TouchstoneTime

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPaths(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let paths = try PathFileReader.read(CSVReader(bytes: bytes, name: "fuzz.csv"))
        _ = paths.totalConversions
        for index in 0..<paths.count { _ = paths.path(index).count }
    } catch {
        _ = String(describing: error)
    }
    do {
        _ = try TouchpointReader.read(CSVReader(bytes: bytes, name: "fuzz.csv"), options: .init(lookback: TimeSpan(days: 30)))
    } catch {
        _ = String(describing: error)
    }
    return 0
}

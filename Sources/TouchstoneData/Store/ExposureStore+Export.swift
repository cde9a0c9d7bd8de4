import TouchstoneTime

extension ExposureStore {
    /// The analysable exposures of `experiment` as an exposure log
    /// (`unit_id,experiment,variant,timestamp`, one row per unit, its first exposure in epoch
    /// seconds), so every reader of exposure logs — the raw-log analysis pipeline included —
    /// can read the store. Multi-variant units are left out: analysis excludes them anyway.
    public func exposureLog(experiment: String) throws -> CSVReader {
        var bytes: [UInt8] = Array("unit_id,experiment,variant,timestamp\n".utf8)
        func field(_ text: String) {
            if text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
                bytes.append(UInt8(ascii: "\""))
                for byte in text.utf8 {
                    if byte == UInt8(ascii: "\"") { bytes.append(byte) }
                    bytes.append(byte)
                }
                bytes.append(UInt8(ascii: "\""))
            } else {
                bytes.append(contentsOf: text.utf8)
            }
        }
        try forEachEnrolledUnit(experiment: experiment) { unit, variant, firstAt in
            field(unit)
            bytes.append(UInt8(ascii: ","))
            field(experiment)
            bytes.append(UInt8(ascii: ","))
            field(variant)
            // Epoch seconds with the stored microseconds (a fraction only when there is one), so
            // `analyze --store` compares the same instants as `analyze --exposures` on the log. A stored
            // time outside years 0001-9999 (even Int64.min) is printed as whole seconds without overflow,
            // and the reader then rejects it at its row.
            let text = Timestamp(microseconds: firstAt)?.epochText ?? String(firstAt / 1_000_000)
            bytes.append(contentsOf: ",\(text)\n".utf8)
        }
        return try CSVReader(bytes: bytes, name: "\(path) (experiment \(experiment))")
    }
}

// Fuzzes the YAML/JSON experiment-config parser: any text must parse or throw, never trap.
import TouchstoneExperiment

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let config = try ExperimentConfig(text: text, file: "fuzz.yaml")
        // Assign a few units so hashing, bucketing, layers and targeting run on what was parsed.
        for experiment in config.experiments {
            for unit in ["u1", "", "qa-user-1"] {
                _ = experiment.targeting?.matches(["country": "US", "app_version": "5.2.0", "unit": unit])
            }
        }
    } catch {
        _ = String(describing: error)
    }
    return 0
}

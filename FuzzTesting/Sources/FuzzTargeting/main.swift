// Fuzzes the targeting-condition parser and evaluator. The input's first line is a targeting
// map (YAML flow or block text after `targeting:`); every later line is `name=value`, an
// attribute of the unit the condition is evaluated on.
import TouchstoneExperiment

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTargeting(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let rule = lines.first.map(String.init) ?? ""
    var attributes: [String: String] = [:]
    if lines.count > 1 {
        for line in lines[1].split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            attributes[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
    }
    let config = """
        experiments:
          - key: fuzz
            variants: [control, treatment]
            targeting: \(rule)
        """
    do {
        let parsed = try ExperimentConfig(text: config, file: "fuzz.yaml")
        for experiment in parsed.experiments {
            _ = experiment.targeting?.matches(attributes)
            _ = experiment.targeting?.matches([String: String]())
        }
    } catch {
        _ = String(describing: error)
    }
    // Versions are parsed from attribute text at evaluation time: compare every pair too.
    let versions = attributes.values.compactMap(SemanticVersion.init)
    for a in versions { for b in versions { _ = a < b; _ = a == b; _ = a.hashValue } }
    return 0
}

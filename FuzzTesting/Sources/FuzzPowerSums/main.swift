// Fuzzes the power-sums format (CSV and JSON) through to the analysis: any input must be read
// and analysed, or refused with an error, never trap or analyse impossible sums silently.
import Foundation
import TouchstoneAnalysis
import TouchstoneData

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPowerSums(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var readings: [[PowerSums]] = []
    if let sums = try? SufficientStatisticsFormat.readCSV(CSVReader(bytes: bytes, name: "fuzz.csv")) { readings.append(sums) }
    if let sums = try? SufficientStatisticsFormat.readJSON(Data(bytes), name: "fuzz.json") { readings.append(sums) }
    for sums in readings {
        guard let table = try? PushDown.armTable(sums), let control = table.variants.first else { continue }
        _ = try? ExperimentAnalysis.analyze(table, settings: AnalysisSettings(control: control))
        if let segments = try? PushDown.segmentedArmTable(sums, column: "segment") {
            _ = try? ExperimentAnalysis.analyze(segments, settings: AnalysisSettings(control: control))
        }
        _ = SufficientStatisticsFormat.csv(sums)
        _ = SufficientStatisticsFormat.json(sums)
    }
    return 0
}

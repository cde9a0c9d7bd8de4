// Fuzzes `touchstone report`: a saved analysis or attribution JSON, decoded and rendered in every
// format. Valid JSON with extreme numbers must be refused or rendered, never trap.
import Foundation
import TouchstoneReport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReport(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let saved = try? SavedResult.decode(Data(bytes: data, count: size), source: "fuzz.json") else { return 0 }
    switch saved {
    case .analysis(let analysis):
        _ = try? AnalysisReport.json(analysis)
        _ = AnalysisReport.csv(analysis)
        _ = AnalysisReport.markdown(analysis)
        _ = AnalysisReport.html(analysis)
        _ = AnalysisReport.table(analysis, color: true)
    case .attribution(let results):
        _ = AttributionReport.text(results, style: .csv)
        _ = AttributionReport.text(results, style: .markdown)
        _ = AttributionReport.text(results, style: .table)
        _ = AttributionReport.html(results)
    }
    return 0
}

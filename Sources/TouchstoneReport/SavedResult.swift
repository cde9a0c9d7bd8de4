import Foundation
import TouchstoneAnalysis
import TouchstoneAttribution
import TouchstoneData

/// A result saved with `--format json`, recognised by its fields: an analysis has `control` and
/// `metrics`; an attribution has `model` and `channels`, or `models` (from `--model all`).
public enum SavedResult: Sendable {
    case analysis(AnalysisResult)
    case attribution([AttributionResult])

    /// Decodes the JSON of `touchstone analyze` or `touchstone attribute`; `source` names the
    /// file in errors.
    ///
    /// Undefined numbers are `null` (attribution JSON written before the one NaN policy used
    /// `"nan"`/`"inf"` strings; those are still read); both become NaN here. The decoded result
    /// is range-checked (``validate(_:source:)``) so impossible numbers are refused, not rendered.
    public static func decode(_ data: Data, source: String) throws -> SavedResult {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ReportError.notJSON(file: source)
        }
        if let repeated = JSONDuplicateKeys.first(in: data) {
            throw ReportError.invalid(file: "\(source):\(repeated.line):\(repeated.column)", reason: "duplicate key '\(repeated.key)'")
        }
        guard let top = object as? [String: Any] else { throw ReportError.unrecognised(file: source, keys: []) }
        let normalised = try JSONSerialization.data(withJSONObject: replacingNulls(top))
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            if top["metrics"] != nil, top["control"] != nil {
                let result = try decoder.decode(AnalysisResult.self, from: normalised)
                try validate(result, source: source)
                return .analysis(result)
            }
            if top["models"] != nil {
                struct Models: Decodable { var models: [AttributionResult] }
                let results = try decoder.decode(Models.self, from: normalised).models
                guard !results.isEmpty else { throw ReportError.invalid(file: source, reason: "models is empty") }
                try validate(results, source: source)
                return .attribution(results)
            }
            if top["channels"] != nil, top["model"] != nil {
                let result = try decoder.decode(AttributionResult.self, from: normalised)
                try validate([result], source: source)
                return .attribution([result])
            }
        } catch let error as DecodingError {
            throw ReportError.invalid(file: source, reason: describe(error))
        }
        throw ReportError.unrecognised(file: source, keys: top.keys.sorted())
    }

    private static func replacingNulls(_ value: Any) -> Any {
        switch value {
        case is NSNull: return "nan"
        case let dictionary as [String: Any]: return dictionary.mapValues(replacingNulls)
        case let array as [Any]: return array.map(replacingNulls)
        default: return value
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field '\(key.stringValue)' at \(path(context).isEmpty ? "top level" : path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context).isEmpty ? "top level" : path(context))"
        @unknown default: return "\(error)"
        }
    }
}

/// Why a saved result could not be rendered.
public enum ReportError: Error, CustomStringConvertible, Equatable {
    case notJSON(file: String)
    case unrecognised(file: String, keys: [String])
    case invalid(file: String, reason: String)

    public var description: String {
        switch self {
        case .notJSON(let file): "\(file): not a JSON document (save results with --format json)"
        case .unrecognised(let file, let keys):
            "\(file): neither an analysis result (control, metrics) nor an attribution result (model, channels)"
                + (keys.isEmpty ? "" : "; found fields \(keys.joined(separator: ", "))")
        case .invalid(let file, let reason): "\(file): \(reason)"
        }
    }
}

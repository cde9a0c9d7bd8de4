import Foundation

/// Loads JSON reference fixtures written by the scripts in `Scripts/`.
///
/// Non-finite numbers are written by the scripts as the strings `"inf"`, `"-inf"` and `"nan"`
/// because JSON has no literal for them.
public enum Fixtures {
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    public static func load<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        let data = try Data(contentsOf: url)
        return try decoder().decode(T.self, from: data)
    }
}

/// Relative-error comparison used against reference values.
///
/// `true` when both are NaN, both are the same infinity, or
/// `|actual - expected| <= relative * max(|expected|, absoluteFloor)`.
public func isClose(
    _ actual: Double, _ expected: Double, relative: Double, absoluteFloor: Double = 0
) -> Bool {
    if expected.isNaN { return actual.isNaN }
    if expected.isInfinite { return actual == expected }
    guard actual.isFinite else { return false }
    let scale = max(abs(expected), absoluteFloor)
    return abs(actual - expected) <= relative * scale || actual == expected
}

/// The repository root, found from this file's location (`Sources/TouchstoneTestSupport/`).
public func repositoryRoot(file: StaticString = #filePath) -> URL {
    URL(fileURLWithPath: "\(file)")
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
}

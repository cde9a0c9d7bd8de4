import Foundation

/// Durations written as `30d`, `12h`, `90m`, `45s` or `2w`; a bare number means days.
public enum Duration {
    /// Seconds, or `nil` when `text` is not a non-negative duration.
    public static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let last = trimmed.last else { return nil }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        let (number, scale) = units[last].map { (String(trimmed.dropLast()), $0) } ?? (trimmed, 86_400)
        guard let value = Double(number), value >= 0, value.isFinite else { return nil }
        return value * scale
    }
}

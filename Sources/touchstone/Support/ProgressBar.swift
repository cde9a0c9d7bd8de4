import Foundation
import TouchstoneData

/// A one-line progress bar on standard error: bytes read (or items done) of the total, rate and time left.
///
/// It stays silent for the first second (quick reads show nothing) and is only created when
/// standard error is a terminal and `--quiet` is off (``make(total:label:quiet:)``). Readers
/// report through ``handler``, which may be called from several threads.
final class ProgressBar: @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `lock`.
    private let lock = NSLock()
    private let total: Int
    private let label: String
    private let start = Date()
    private var done = 0
    private var lastDraw = Date.distantPast
    private var drawn = false
    private let width: Int
    private let items: String?

    /// A bar for `total` bytes — or `total` of `items` (`"replicates"`) — or nil when progress should not be shown.
    static func make(total: Int, label: String, quiet: Bool, items: String? = nil) -> ProgressBar? {
        guard !quiet, total > 0, isatty(STDERR_FILENO) != 0 else { return nil }
        return ProgressBar(total: total, label: label, items: items)
    }

    init(total: Int, label: String, width: Int = 24, items: String? = nil) {
        self.total = total
        self.label = label
        self.width = width
        self.items = items
    }

    /// The callback to hand to readers (`CSVReader.progress`).
    var handler: @Sendable (Int) -> Void { { [self] bytes in advance(by: bytes) } }

    func advance(by bytes: Int) {
        lock.lock()
        defer { lock.unlock() }
        done += bytes
        let now = Date()
        guard now.timeIntervalSince(start) >= 1, now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        drawn = true
        write("\r" + Self.line(label: label, done: done, total: total, elapsed: now.timeIntervalSince(start), width: width, items: items) + "\u{1B}[K")
    }

    /// Clears the bar (if it was ever drawn) so the next output starts on a clean line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { write("\r\u{1B}[K") }
        drawn = false
    }

    private func write(_ text: String) {
        StandardStreams.writeError(text)
    }

    /// `label [#########·······]  45%  120.3 MB / 267.0 MB  85.2 MB/s  ETA 2s`, or with `items`
    /// `label [#########·······]  45%  450 / 1000 replicates  312/s  ETA 2s`.
    static func line(label: String, done: Int, total: Int, elapsed: TimeInterval, width: Int, items: String? = nil) -> String {
        let fraction = min(1, Double(done) / Double(max(1, total)))
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "·", count: width - filled)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(max(0, total - done)) / rate : .nan
        let eta = remaining.isFinite ? duration(remaining) : "--"
        let percent = String(format: "%3d%%", Int(fraction * 100))
        if let items {
            return "\(label) [\(bar)] \(percent)  \(done) / \(total) \(items)  \(Int(rate))/s  ETA \(eta)"
        }
        return "\(label) [\(bar)] \(percent)  \(bytes(done)) / \(bytes(total))  \(bytes(Int(rate)))/s  ETA \(eta)"
    }

    static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count), unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        return s < 60 ? "\(s)s" : s < 3600 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s / 3600)h\(String(format: "%02d", s / 60 % 60))m"
    }
}

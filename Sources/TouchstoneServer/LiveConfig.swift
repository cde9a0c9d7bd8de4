import Foundation
import TouchstoneExperiment

/// The experiment config the server answers from, replaced as a whole on reload (SIGHUP).
///
/// Requests read one snapshot (config and assigner together), so a reload never mixes two
/// configs within a request. A config that fails to parse is refused and the old one stays.
final class LiveConfig: @unchecked Sendable {
    // @unchecked: `current` is only read and written under `lock`.
    struct Snapshot: Sendable {
        let config: ExperimentConfig
        let assigner: Assigner
        /// When it was read, for the status page.
        let loadedAt: Date
    }

    let path: String
    private let lock = NSLock()
    private var current: Snapshot

    init(path: String) throws {
        self.path = path
        let config = try ExperimentConfig(path: path)
        current = Snapshot(config: config, assigner: Assigner(config: config), loadedAt: Date())
    }

    var snapshot: Snapshot {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Reads the file again; on error the running config is kept and the error rethrown.
    func reload() throws {
        let config = try ExperimentConfig(path: path)
        let next = Snapshot(config: config, assigner: Assigner(config: config), loadedAt: Date())
        lock.lock()
        current = next
        lock.unlock()
    }
}

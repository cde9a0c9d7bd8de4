import Foundation
import TouchstoneServer

/// A ``TouchstoneServer`` on 127.0.0.1 with a port the system picks, run in-process for one test.
final class RunningServer: @unchecked Sendable {
    // @unchecked: `port` is written once before `start` returns.
    let server: TouchstoneServer
    let directory: URL
    private(set) var port = 0
    private var task: Task<Void, any Error>?

    var client: LoopbackClient { LoopbackClient(port: port) }
    var storePath: String { directory.appendingPathComponent("store.db").path }

    /// Writes `config` to a fresh directory and starts a server on it.
    static func start(config: String, configure: (inout ServerSettings) -> Void = { _ in }) async throws -> RunningServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configPath = directory.appendingPathComponent("experiments.yaml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        var settings = ServerSettings(configPath: configPath, storePath: directory.appendingPathComponent("store.db").path)
        settings.port = 0
        configure(&settings)
        let running = RunningServer(server: try TouchstoneServer(settings: settings), directory: directory)
        let port = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            let once = Once()
            running.task = Task {
                do {
                    try await running.server.run(gracefulShutdownSignals: []) { port in
                        if once.claim() { continuation.resume(returning: port) }
                    }
                } catch {
                    if once.claim() { continuation.resume(throwing: error) }
                    throw error
                }
            }
        }
        running.port = port
        return running
    }

    private init(server: TouchstoneServer, directory: URL) {
        self.server = server
        self.directory = directory
    }

    var configPath: String { server.settings.configPath }

    /// Graceful shutdown, then the directory is removed.
    func stop() async throws {
        await server.shutdown()
        try await task?.value
        try? FileManager.default.removeItem(at: directory)
    }
}

private final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}

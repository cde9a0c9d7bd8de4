import ArgumentParser
import Foundation
import TouchstoneServer

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve assignments, exposure and event ingestion and live read-outs over HTTP.",
        discussion: """
            Routes (errors are 4xx with {"error": text}; the API is described at /openapi.json):
              GET  /v1/assign?unit=ID[&experiment=KEY][&ATTR=VALUE...]   as `assign --format json`
              POST /v1/exposures   JSON array or JSON Lines of exposure rows → {"accepted": N}
              POST /v1/events      likewise for event rows (unit_id, timestamp, event, value)
              GET  /v1/experiments/KEY/exposures                       as `exposures --format json`
              GET  /v1/experiments/KEY/results?metric=...              as `analyze --format json`
              GET  /healthz, GET / (live HTML page), GET /openapi.json
            A POST is answered only after its rows are durably committed (concurrent requests share
            one commit); re-sending a batch changes nothing. SIGHUP re-reads the config; SIGTERM or
            SIGINT stops taking requests, finishes those in flight and exits.
            Example:
              touchstone serve --config experiments.yaml --store exposures.db --port 8080
              curl 'http://127.0.0.1:8080/v1/assign?unit=u1&country=US'
            """)

    @Option(help: "Experiment config (YAML or JSON), re-read on SIGHUP.")
    var config: String

    @Option(help: "The SQLite exposure store (created when missing).")
    var store: String

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "TCP port (0: any free port, printed at start).")
    var port = 8080

    @Option(help: "Largest request body in bytes (larger: 413).")
    var maxBodyBytes = 16 << 20

    @Option(help: "Most rows in one POST (more: 400).")
    var maxBatchRows = 100_000

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535 (got \(port))") }
        guard maxBodyBytes >= 1 else { throw ValidationError("--max-body-bytes must be at least 1 (got \(maxBodyBytes))") }
        guard maxBatchRows >= 1 else { throw ValidationError("--max-batch-rows must be at least 1 (got \(maxBatchRows))") }
    }

    func run() throws {
        // Before any task exists: requests then run on the event loops without thread hops.
        TouchstoneServer.runConcurrencyOnEventLoops()
        var settings = ServerSettings(configPath: config, storePath: store)
        settings.host = host
        settings.port = port
        settings.maximumBodyBytes = maxBodyBytes
        settings.maximumBatchRows = maxBatchRows
        // Config and store errors print as `file:line:column: problem` (exit 1).
        let server = try TouchstoneServer(settings: settings)
        let host = self.host
        let outcome = ServeOutcome()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do {
                try await server.run(reloadOnSIGHUP: true) { port in
                    FileHandle.standardError.write(Data("touchstone serve: listening on http://\(host):\(port)\n".utf8))
                }
            } catch {
                outcome.set(error)
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw InputFailure("touchstone serve: \(error)") }
    }
}

/// The server task's error, handed back to the blocked main thread.
private final class ServeOutcome: @unchecked Sendable {
    // @unchecked: written once by the server task before the semaphore is signalled, read after.
    private(set) var error: (any Error)?
    func set(_ error: any Error) { self.error = error }
}

import Dispatch
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals
import TouchstoneData

/// `touchstone serve`: assignment, exposure and event ingestion, and live read-outs over HTTP,
/// on the same library code as the command line (contract: ARCHITECTURE.md, "Serving").
///
/// Routes: `GET /healthz`, `GET /v1/assign`, `POST /v1/exposures`, `POST /v1/events`,
/// `GET /v1/experiments/KEY/exposures`, `GET /v1/experiments/KEY/results`,
/// `GET /v1/experiments/KEY/report` (the HTML read-out), `GET /openapi.json`, `GET /`.
/// Every error is `{ "error": text }` with a 4xx status (5xx for the server's own failures).
///
/// Writes go through one ``GroupCommitWriter``; reads open their own read-only connections
/// (WAL mode lets them run beside the writer).
public final class TouchstoneServer: Sendable {
    public let settings: ServerSettings
    let live: LiveConfig
    let writer: GroupCommitWriter
    private let group = GroupBox()

    /// Reads the config and opens (or creates) the store; throws the file's located error.
    public init(settings: ServerSettings) throws {
        self.settings = settings
        live = try LiveConfig(path: settings.configPath)
        writer = try GroupCommitWriter(storePath: settings.storePath)
    }

    /// Re-reads the config (what SIGHUP does); on error the running config stays.
    public func reloadConfig() throws { try live.reload() }

    /// (commits, batches committed) since start: how many requests shared each fsync.
    public var commitStatistics: (commits: Int, requests: Int) { writer.statistics }

    /// Serves until a graceful-shutdown signal (or ``shutdown()``): in-flight requests finish,
    /// queued batches are committed, then it returns.
    ///
    /// - Parameters:
    ///   - reloadOnSIGHUP: re-read the config on SIGHUP (the command sets it; tests call
    ///     ``reloadConfig()`` instead).
    ///   - onListening: called with the bound port once the server accepts connections.
    public func run(
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint], reloadOnSIGHUP: Bool = false,
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws {
        var logger = Logger(label: "touchstone.serve")
        logger.logLevel = .notice
        let live = self.live
        let fastAssign = settings.answersAssignOnEventLoop
        let app = Application(
            router: makeRouter(),
            // One handler per connection (the closure runs for each).
            server: .http1(configuration: .init(additionalChannelHandlers: fastAssign ? [FastAssignHandler(live: live)] : [])),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "touchstone"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        let serviceGroup = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: gracefulShutdownSignals, logger: logger))
        group.set(serviceGroup)
        var hangup: (any DispatchSourceSignal)?
        if reloadOnSIGHUP {
            signal(SIGHUP, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
            source.setEventHandler { [live] in
                do {
                    try live.reload()
                    FileHandle.standardError.write(Data("touchstone serve: reloaded \(live.path)\n".utf8))
                } catch {
                    FileHandle.standardError.write(Data("touchstone serve: config not reloaded, keeping the running one: \(error)\n".utf8))
                }
            }
            source.resume()
            hangup = source
        }
        defer { hangup?.cancel() }
        do {
            try await serviceGroup.run()
        } catch {
            writer.stop()
            throw error
        }
        // The server has stopped taking requests and finished those in flight; commit the rest.
        writer.stop()
    }

    /// Starts a graceful shutdown of a running server (as SIGTERM does).
    public func shutdown() async {
        await group.get()?.triggerGracefulShutdown()
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware<BasicRequestContext>())
        let settings = self.settings, live = self.live, writer = self.writer
        let maximumBody = settings.maximumBodyBytes, maximumRows = settings.maximumBatchRows

        router.get("/healthz") { _, _ in JSONResponse.json("{\"status\":\"ok\"}") }
        router.get("/v1/assign") { request, _ in
            JSONResponse.json(buffer: try AssignRoute.respond(query: request.uri.query, config: live.snapshot))
        }
        router.post("/v1/exposures") { request, _ in
            let body = try await request.body.collect(upTo: maximumBody)
            let config = live.snapshot.config
            let posted = try IngestRoute.exposures(Array(body.readableBytesView), config: config, maximumRows: maximumRows)
            try await writer.commit(exposures: posted)
            return JSONResponse.json(IngestRoute.accepted(posted.count))
        }
        router.post("/v1/events") { request, _ in
            let body = try await request.body.collect(upTo: maximumBody)
            let posted = try IngestRoute.events(Array(body.readableBytesView), maximumRows: maximumRows)
            try await writer.commit(events: posted)
            return JSONResponse.json(IngestRoute.accepted(posted.count))
        }
        router.get("/v1/experiments/:key/exposures") { request, context in
            let key = try Self.key(context)
            let config = live.snapshot.config
            return JSONResponse.json(try await Blocking.run {
                try ExperimentRoutes.exposures(key: key, config: config, storePath: settings.storePath)
            })
        }
        router.get("/v1/experiments/:key/results") { request, context in
            let key = try Self.key(context)
            let config = live.snapshot.config
            let query = request.uri.query
            return JSONResponse.json(try await Blocking.run {
                try ExperimentRoutes.results(key: key, query: query, config: config, storePath: settings.storePath)
            })
        }
        router.get("/v1/experiments/:key/report") { request, context in
            let key = try Self.key(context)
            let config = live.snapshot.config
            let query = request.uri.query
            return JSONResponse.html(try await Blocking.run {
                try ExperimentRoutes.results(key: key, query: query, config: config, storePath: settings.storePath, format: .html)
            })
        }
        router.get("/openapi.json") { _, _ in JSONResponse.json(OpenAPIDocument.json) }
        router.get("/") { _, _ in
            let snapshot = live.snapshot
            let statistics = writer.statistics
            return JSONResponse.html(try await Blocking.run {
                StatusPage.render(config: snapshot, configPath: settings.configPath, storePath: settings.storePath, statistics: statistics)
            })
        }
        return router
    }

    private static func key(_ context: BasicRequestContext) throws -> String {
        guard let raw = context.parameters.get("key"), let key = raw.removingPercentEncoding, !key.isEmpty else {
            throw APIError.badRequest("malformed experiment key in the path")
        }
        return key
    }
}

/// The running service group, so ``TouchstoneServer/shutdown()`` can reach it.
private final class GroupBox: @unchecked Sendable {
    // @unchecked: `group` is guarded by `lock`.
    private let lock = NSLock()
    private var group: ServiceGroup?
    func set(_ group: ServiceGroup) {
        lock.lock()
        self.group = group
        lock.unlock()
    }
    func get() -> ServiceGroup? {
        lock.lock()
        defer { lock.unlock() }
        return group
    }
}

import NIOCore
import NIOPosix

extension TouchstoneServer {
    /// Runs Swift concurrency on SwiftNIO's event-loop threads (NIO's
    /// `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`).
    ///
    /// Without it every request hops from the event loop that read it to Swift's global pool for
    /// the route and back to the event loop to write the answer: two thread switches and queue
    /// hand-offs per request, which on two cores cost more than the routes themselves (profile in
    /// docs/serving.md). Blocking work still leaves the loops: SQLite reads and analyses run on
    /// Dispatch (``Blocking``), commits on the writer thread.
    ///
    /// Call once, from the main thread, before any task starts (the `serve` command does; the
    /// in-process tests do not). Returns `false` when the hook could not be installed; the
    /// server then runs on Swift's own pool, correctly but slower.
    @discardableResult
    public static func runConcurrencyOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}

/// How `touchstone serve` runs: where it listens, which config and store it serves, its limits.
public struct ServerSettings: Sendable {
    /// The experiment config (YAML or JSON), re-read on SIGHUP.
    public var configPath: String
    /// The SQLite exposure store (created when missing), shared with `expose`, `exposures` and `analyze --store`.
    public var storePath: String
    public var host = "127.0.0.1"
    /// TCP port; 0 asks the system for a free one (tests).
    public var port = 8080
    /// Largest request body accepted; larger is 413.
    public var maximumBodyBytes = 16 << 20
    /// Most rows in one POST; more is 400 (split the batch).
    public var maximumBatchRows = 100_000
    /// Answer `GET /v1/assign` in a channel handler on the event loop (``FastAssignHandler``)
    /// rather than through Hummingbird's router: the same answers, at a fraction of the CPU per
    /// request. `false` sends it through the router like every other route; tests use it to
    /// compare the two.
    public var answersAssignOnEventLoop = true

    public init(configPath: String, storePath: String) {
        self.configPath = configPath
        self.storePath = storePath
    }
}

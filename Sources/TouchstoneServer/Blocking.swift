import Dispatch

/// Runs blocking work (SQLite reads, an analysis) on a Dispatch thread instead of the Swift
/// concurrency pool, whose few threads must stay free to serve requests.
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}

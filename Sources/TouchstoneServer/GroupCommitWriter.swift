import Foundation
import TouchstoneData

/// The store's single writer: posted batches queue here and one thread commits everything that
/// is pending in one transaction — one WAL fsync for all the requests waiting at that moment
/// (group commit). A request is answered only when the transaction holding its rows has
/// committed, so an acknowledged batch is durable (`synchronous=FULL`).
///
/// Under load the queue fills while a commit's fsync runs, so the number of requests sharing an
/// fsync grows with the load by itself; an idle server commits a lone request at once.
final class GroupCommitWriter: @unchecked Sendable {
    // @unchecked: `pending`, `stopping` and the counters are guarded by `condition`; `store` is
    // used only by the writer thread after `init`.
    private struct Job {
        var exposures: PostedExposures?
        var events: PostedEvents?
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let store: ExposureStore
    private let condition = NSCondition()
    private var pending: [Job] = []
    private var stopping = false
    private var finished = false
    private(set) var commits = 0
    private(set) var committedRequests = 0

    init(storePath: String) throws {
        store = try ExposureStore(path: storePath)
        let thread = Thread { [self] in loop() }
        thread.name = "touchstone-store-writer"
        thread.start()
    }

    /// Queues a batch and returns once it is durably committed; throws if the commit failed or
    /// the writer has stopped.
    func commit(exposures: PostedExposures? = nil, events: PostedEvents? = nil) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            condition.lock()
            guard !stopping else {
                condition.unlock()
                continuation.resume(throwing: APIError(.serviceUnavailable, "the server is shutting down"))
                return
            }
            pending.append(Job(exposures: exposures, events: events, continuation: continuation))
            condition.signal()
            condition.unlock()
        }
    }

    /// (commits, requests committed) so far.
    var statistics: (commits: Int, requests: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (commits, committedRequests)
    }

    /// Commits what is queued, refuses new batches and waits for the thread to finish.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty, !stopping { condition.wait() }
            if pending.isEmpty, stopping {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let jobs = pending
            pending.removeAll(keepingCapacity: true)
            condition.unlock()

            let result: Result<Void, any Error> = Result {
                try store.commit(exposures: jobs.compactMap(\.exposures), events: jobs.compactMap(\.events))
            }
            condition.lock()
            commits += 1
            committedRequests += jobs.count
            condition.unlock()
            for job in jobs { job.continuation.resume(with: result) }
        }
    }
}

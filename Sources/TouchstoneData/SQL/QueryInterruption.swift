import CSignalCleanup
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

/// Watches, while a query runs on a server, for the events that must stop it there: SIGINT
/// (Ctrl-C), SIGTERM or SIGHUP, and a deadline (`--statement-timeout`).
///
/// A client that simply dies leaves its query running: PostgreSQL notices a vanished client only
/// when it next writes to the socket, and an aggregation writes nothing until its last row. So
/// while a watch is active the first signal does not end the process (`touchstone_interrupt_arm`
/// in CSignalCleanup turns it into one byte on a pipe, the only async-signal-safe way out of a
/// handler); a thread of the watch's own wakes up and runs `stop`, which cancels the query on
/// the server. The command then reports the interruption and ends as the signal would have
/// (``terminate(signal:)``). A second signal ends the process at once, as without a watch.
///
/// `stop` runs on the watch's thread, at most once, and may block (it opens a connection).
public final class QueryInterruption: @unchecked Sendable {
    // @unchecked: `cause` and `finished` are guarded by `lock`; the file descriptors are set once.
    /// What interrupted the query.
    public enum Cause: Sendable, Hashable {
        /// A signal's number (SIGINT = 2, SIGTERM = 15, SIGHUP = 1).
        case signal(Int32)
        /// The deadline passed.
        case deadline
    }

    private let lock = NSLock()
    private var cause: Cause?
    private let readEnd: Int32, writeEnd: Int32
    private let done = DispatchSemaphore(value: 0)

    /// Starts watching. - Parameters:
    ///   - deadline: Seconds from now after which `stop(.deadline)` runs; `nil` for none.
    ///   - stop: Stops the query (runs on the watch's thread).
    public init(deadline: Double?, stop: @escaping @Sendable (Cause) -> Void) throws(SQLError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw SQLError("cannot watch for interruptions: pipe: \(String(cString: strerror(errno)))") }
        (readEnd, writeEnd) = (fds[0], fds[1])
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        // The handler must never block on a full pipe; one byte is all it ever needs to deliver.
        _ = fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK)
        guard touchstone_interrupt_arm(writeEnd) == 0 else {
            close(readEnd); close(writeEnd)
            throw SQLError("cannot watch for interruptions: \(String(cString: strerror(errno)))")
        }
        let readEnd = readEnd, done = done
        let limit = deadline.map { Date().addingTimeInterval($0) }
        let thread = Thread { [self] in
            var stopped = false
            while true {
                var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
                var wait: Int32 = -1
                if let limit, !stopped { wait = Int32(max(0, min(Double(Int32.max), limit.timeIntervalSinceNow * 1000).rounded(.up))) }
                let ready = poll(&descriptor, 1, wait)
                if ready < 0 { if errno == EINTR { continue } else { break } }
                if ready == 0 {
                    // The deadline (only while nothing has stopped the query yet).
                    stopped = true
                    if record(.deadline) { stop(.deadline) }
                    continue
                }
                var byte: UInt8 = 0
                guard read(readEnd, &byte, 1) == 1 else { if errno == EINTR { continue } else { break } }
                if byte == 0 { break }  // finish()
                if !stopped {
                    stopped = true
                    if record(.signal(Int32(byte))) { stop(.signal(Int32(byte))) }
                }
            }
            done.signal()
        }
        thread.name = "touchstone.query-interruption"
        thread.start()
    }

    private func record(_ cause: Cause) -> Bool {
        lock.withLock {
            guard self.cause == nil else { return false }
            self.cause = cause
            return true
        }
    }

    /// What has interrupted the query so far (`nil`: nothing).
    public var interruption: Cause? { lock.withLock { cause } }

    /// Stops watching (later signals take their usual course) and waits until a running `stop`
    /// has returned; returns what interrupted the query, if anything did.
    public func finish() -> Cause? {
        let late = touchstone_interrupt_disarm()
        var zero: UInt8 = 0
        // The pipe holds at most a signal byte, so this write cannot find it full.
        while write(writeEnd, &zero, 1) < 0, errno == EINTR || errno == EAGAIN {}
        done.wait()
        close(readEnd)
        close(writeEnd)
        // A signal that arrived just before the wake-up byte was overtaken: still an interruption.
        if late != 0 { _ = record(.signal(late)) }
        return interruption
    }

    /// Ends the process as `signal` would have (temporary files of `--output` removed, then the
    /// signal's default action), so a shell sees "interrupted" (status 130 for SIGINT, 143 for
    /// SIGTERM) and a script stops as after any Ctrl-C.
    public static func terminate(signal: Int32) -> Never {
        touchstone_interrupt_finish(signal)
        // Only reached if the signal is ignored or blocked: exit with the shell's code for it.
        exit(128 + signal)
    }
}

/// A query stopped before it finished: by a signal or by `--statement-timeout`.
public struct QueryStopped: Error, Sendable, Hashable, CustomStringConvertible {
    /// The signal that stopped it (the process should then end by it: ``QueryInterruption/terminate(signal:)``); `nil` for a timeout.
    public var signal: Int32?
    public var message: String

    public init(signal: Int32?, message: String) {
        self.signal = signal
        self.message = message
    }

    public var description: String { message }
}

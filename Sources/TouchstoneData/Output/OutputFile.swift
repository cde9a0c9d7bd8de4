import CSignalCleanup
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

/// A destination for a command's result (`--output PATH`), written so that nothing but PATH's
/// contents ever changes and a reader never sees half a result where that can be avoided.
///
/// What happens depends on what PATH is when the command starts writing (`lstat(2)`):
///
/// | PATH is…                       | the bytes go…                                                      |
/// |--------------------------------|--------------------------------------------------------------------|
/// | absent                         | to a temporary file in PATH's directory, renamed to PATH at the end |
/// | a regular file                 | the same; the new file gets the old one's mode (and owner, as root) |
/// | a symbolic link                | the rules applied to the file it resolves to; the link stays a link |
/// | a device, FIFO or socket       | straight into it (written through; it is never replaced)           |
/// | a directory                    | nowhere: an error                                                  |
///
/// A dangling symbolic link is written through (the link's target is created), never replaced.
/// The temporary file lives in the destination's directory so `rename(2)` is atomic; it is
/// flushed with `fsync` before the rename, and it is removed on any failure and, through
/// ``CSignalCleanup``, on SIGINT, SIGTERM and SIGHUP. Every failure is a ``DataError`` naming
/// PATH and the system's reason (`No space left on device`); nothing traps.
public final class OutputFile {
    /// How the bytes reach the destination.
    public enum Mode: Sendable, Equatable {
        /// A temporary file renamed over `target` by ``commit()``.
        case atomicReplace(target: String)
        /// Straight into the destination (device, FIFO, socket, dangling symlink).
        case writeThrough
    }

    /// The path as the user gave it (used in error messages).
    public let path: String
    public let mode: Mode
    private var descriptor: Int32
    private var temporaryPath: String?
    private var cleanupSlot: Int32 = -1
    private var finished = false
    /// Mode and owner to give the new file when it replaces an existing one.
    private var preserved: (mode: mode_t, uid: uid_t, gid: gid_t)?

    /// Opens `path` for writing according to the rules above.
    public init(path: String) throws(DataError) {
        self.path = path
        var info = stat()
        var resolved = path
        var exists = lstat(path, &info) == 0
        if !exists, errno != ENOENT { throw Self.failure(path, "cannot examine the output path") }
        if exists, (info.st_mode & S_IFMT) == S_IFLNK {
            // Resolve the whole chain; a dangling link (no target yet) is written through below.
            if let real = realpath(path, nil) {
                resolved = String(cString: real)
                free(real)
                exists = stat(resolved, &info) == 0
                if !exists { throw Self.failure(path, "cannot examine the link's target \(resolved)") }
            } else {
                descriptor = try Self.openThrough(path)
                mode = .writeThrough
                return
            }
        }
        if exists, (info.st_mode & S_IFMT) == S_IFDIR {
            throw DataError(file: path, message: "is a directory, not a file")
        }
        if exists, (info.st_mode & S_IFMT) != S_IFREG {
            descriptor = try Self.openThrough(resolved)
            mode = .writeThrough
            return
        }
        if exists { preserved = (info.st_mode & 0o7777, info.st_uid, info.st_gid) }
        mode = .atomicReplace(target: resolved)
        let directory = (resolved as NSString).deletingLastPathComponent
        let name = (resolved as NSString).lastPathComponent
        let temporary = (directory.isEmpty ? "" : directory + "/")
            + ".\(name).tmp-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        _ = touchstone_cleanup_install()
        // Registered before it exists, so a signal between open and registration cannot leave it behind.
        let slot = touchstone_cleanup_register(temporary)
        guard slot >= 0 else {
            throw DataError(file: path, message: "the path is too long for a temporary file next to it")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            let reason = Self.reason()
            touchstone_cleanup_clear(slot)
            throw DataError(
                file: path, message: "cannot create a temporary file in \(directory.isEmpty ? "." : directory): \(reason)")
        }
        descriptor = fd
        temporaryPath = temporary
        cleanupSlot = slot
    }

    deinit {
        if !finished { discard() }
    }

    /// Writes all of `bytes`, retrying short writes and interruptions.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(DataError) {
        do {
            try Self.writeAll(descriptor, bytes)
        } catch {
            let reason = error.message
            discard()
            throw DataError(file: path, message: "cannot write: \(reason)")
        }
    }

    public func write(_ data: Data) throws(DataError) {
        // `withUnsafeBytes` rethrows untyped errors; carry the typed one out instead.
        var failure: DataError?
        data.withUnsafeBytes { raw in
            do throws(DataError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    public func write(_ bytes: [UInt8]) throws(DataError) {
        var failure: DataError?
        bytes.withUnsafeBytes { raw in
            do throws(DataError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Finishes the output: for a replacement, flushes the temporary file, gives it the old
    /// file's mode (and owner) and renames it over the target.
    public func commit() throws(DataError) {
        guard !finished else { return }
        guard case .atomicReplace(let target) = mode, let temporary = temporaryPath else {
            finished = true
            let result = close(descriptor)
            // A device or FIFO may report a deferred write error only on close.
            if result != 0, errno != EINTR { throw Self.failure(path, "cannot finish writing") }
            return
        }
        if let preserved {
            if geteuid() == 0 {
                _ = fchown(descriptor, preserved.uid, preserved.gid)
            } else if preserved.gid != getegid() {
                // A member of the file's group may keep it; anyone else silently gets their own.
                _ = fchown(descriptor, uid_t.max, preserved.gid)
            }
            if fchmod(descriptor, preserved.mode) != 0 {
                let reason = Self.reason()
                discard()
                throw DataError(file: path, message: "cannot keep the file's mode: \(reason)")
            }
        }
        if fsync(descriptor) != 0 {
            let reason = Self.reason()
            discard()
            throw DataError(file: path, message: "cannot write: \(reason)")
        }
        if close(descriptor) != 0 {
            let reason = Self.reason()
            finished = true
            unlink(temporary)
            touchstone_cleanup_clear(cleanupSlot)
            throw DataError(file: path, message: "cannot write: \(reason)")
        }
        finished = true
        if rename(temporary, target) != 0 {
            let reason = Self.reason()
            unlink(temporary)
            touchstone_cleanup_clear(cleanupSlot)
            throw DataError(file: path, message: "cannot replace the file: \(reason)")
        }
        touchstone_cleanup_clear(cleanupSlot)
    }

    /// Abandons the output: removes the temporary file (a written-through destination keeps
    /// whatever reached it).
    public func discard() {
        guard !finished else { return }
        finished = true
        close(descriptor)
        if let temporaryPath {
            unlink(temporaryPath)
            touchstone_cleanup_clear(cleanupSlot)
        }
    }

    // MARK: - Helpers

    private static func openThrough(_ path: String) throws(DataError) -> Int32 {
        // No O_TRUNC on devices and FIFOs (meaningless there); a dangling link's new target is created.
        var fd: Int32
        repeat {
            fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o666)
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw failure(path, "cannot open for writing") }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, ftruncate(fd, 0) != 0 {
            let error = failure(path, "cannot truncate")
            close(fd)
            throw error
        }
        return fd
    }

    static func reason() -> String { String(cString: strerror(errno)) }

    static func failure(_ path: String, _ what: String) -> DataError {
        DataError(file: path, message: "\(what): \(reason())")
    }

    /// `write(2)` until every byte is out; the error carries only the system's reason.
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(DataError) {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = systemWrite(descriptor, next, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw DataError(file: "", message: reason())
            }
            if written == 0 { throw DataError(file: "", message: "the device accepted no bytes") }
            remaining -= written
            next += written
        }
    }
}

/// Writes whole results: ``OutputFile`` in one call.
public enum AtomicFile {
    /// Writes `data` to `path` by the rules of ``OutputFile`` (atomic replacement of regular
    /// files, write-through for devices, FIFOs and symlinked devices).
    public static func write(_ data: Data, to path: String) throws {
        let file = try OutputFile(path: path)
        try file.write(data)
        try file.commit()
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}

/// The process's standard streams, written without Foundation's `FileHandle.write(_:)`, which
/// traps on a full device or a closed pipe.
public enum StandardStreams {
    /// Writes to standard output; a failure (EPIPE when the reader went away, ENOSPC on
    /// /dev/full) is a ``DataError`` for "standard output". SIGPIPE must be ignored by the
    /// process (the `touchstone` executable does so at start) for EPIPE to arrive as an error.
    public static func writeOutput(_ data: Data) throws(DataError) {
        var failure: DataError?
        data.withUnsafeBytes { raw in
            do throws(DataError) { try OutputFile.writeAll(STDOUT_FILENO, raw) } catch { failure = error }
        }
        if let failure { throw DataError(file: "standard output", message: "cannot write: \(failure.message)") }
    }

    public static func writeOutput(_ text: String) throws(DataError) {
        try writeOutput(Data(text.utf8))
    }

    /// Writes to standard error; failures are ignored (there is nowhere left to report them).
    public static func writeError(_ text: String) {
        let data = Data(text.utf8)
        data.withUnsafeBytes { raw in _ = try? OutputFile.writeAll(STDERR_FILENO, raw) }
    }
}

/// `write(2)`, named apart from the `write` methods above.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(descriptor, bytes, count)
    #elseif canImport(Musl)
    return Musl.write(descriptor, bytes, count)
    #else
    return Darwin.write(descriptor, bytes, count)
    #endif
}

import Foundation
import Testing
import TouchstoneData
import TouchstoneTestSupport

/// `--output PATH`: atomic replacement only for absent paths and regular files; devices,
/// FIFOs and symlink targets written through or replaced behind the link; mode and owner kept;
/// every failure a `DataError`, never a trap.
@Suite("Output files")
struct OutputFileTests {
    static func fileType(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    static func leftovers(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
    }

    @Test("an absent path is created whole, with no temporary file left")
    func absent() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.txt").path
        try AtomicFile.write("hello\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello\n")
        #expect(Self.fileType(path) == S_IFREG)
        #expect(try Self.leftovers(directory).isEmpty)
    }

    @Test("a regular file is replaced and keeps its mode", arguments: [0o640, 0o600, 0o755, 0o444] as [mode_t])
    func keepsMode(_ mode: mode_t) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.txt").path
        try "old contents that are longer\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(chmod(path, mode) == 0)
        try AtomicFile.write("new\n", to: path)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o7777 == mode)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try Self.leftovers(directory).isEmpty)
    }

    @Test("as root, a replaced file keeps its owner and group")
    func keepsOwner() throws {
        guard geteuid() == 0 else { return }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.txt").path
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(chown(path, 4321, 4322) == 0)
        try AtomicFile.write("new\n", to: path)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_uid == 4321 && info.st_gid == 4322)
    }

    @Test("a symlink stays a symlink; its target gets the bytes and keeps its mode")
    func symlink() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("target.txt").path
        let link = directory.appendingPathComponent("link.txt").path
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        #expect(chmod(target, 0o640) == 0)
        #expect(Foundation.symlink("target.txt", link) == 0)
        try AtomicFile.write("through the link\n", to: link)
        #expect(Self.fileType(link) == S_IFLNK)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "target.txt")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "through the link\n")
        var info = stat()
        #expect(stat(target, &info) == 0 && info.st_mode & 0o7777 == 0o640)
        #expect(try Self.leftovers(directory).isEmpty)
    }

    @Test("a dangling symlink is written through: the link stays and its target appears")
    func danglingSymlink() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("link.txt").path
        #expect(Foundation.symlink("made.txt", link) == 0)
        try AtomicFile.write("created\n", to: link)
        #expect(Self.fileType(link) == S_IFLNK)
        #expect(try String(contentsOfFile: directory.appendingPathComponent("made.txt").path, encoding: .utf8) == "created\n")
    }

    @Test("/dev/null is written through and stays a character device")
    func devNull() throws {
        try AtomicFile.write("discarded\n", to: "/dev/null")
        #expect(Self.fileType("/dev/null") == S_IFCHR)
    }

    @Test("a FIFO is written through: a reader gets the bytes and it stays a FIFO")
    func fifo() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("pipe").path
        #expect(mkfifo(path, 0o600) == 0)
        let reader = Task.detached { () -> String in
            // Opening blocks until the writer opens its end; reading ends when it closes it.
            let data = FileHandle(forReadingAtPath: path)?.readDataToEndOfFile() ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
        try AtomicFile.write("through the fifo\n", to: path)
        #expect(await reader.value == "through the fifo\n")
        #expect(Self.fileType(path) == S_IFIFO)
        #expect(try Self.leftovers(directory).isEmpty)
    }

    @Test("a full device is an error naming the path and the reason")
    func fullDevice() throws {
        #expect(throws: DataError(file: "/dev/full", message: "cannot write: No space left on device")) {
            try AtomicFile.write("x\n", to: "/dev/full")
        }
        #expect(Self.fileType("/dev/full") == S_IFCHR)
    }

    @Test("a directory is refused")
    func directory() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: DataError(file: directory.path, message: "is a directory, not a file")) {
            try AtomicFile.write("x\n", to: directory.path)
        }
    }

    @Test("a missing directory is an error and creates nothing")
    func missingDirectory() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("no/such/out.txt").path
        #expect(throws: DataError.self) { try AtomicFile.write("x\n", to: path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("a discarded output leaves the old file untouched and no temporary file")
    func discard() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.txt").path
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        let file = try OutputFile(path: path)
        try file.write(Data("half".utf8))
        #expect(try Self.leftovers(directory).count == 1)
        file.discard()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(try Self.leftovers(directory).isEmpty)
    }
}

import Foundation

/// Runs the built `touchstone` executable, as a user would, and captures what it prints.
public struct CommandResult: Sendable {
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String
    /// The process died of a signal (a crash or a kill); `exitCode` then holds the signal number.
    public var terminatedBySignal = false
}

public enum BinaryRunner {
    /// The folder holding the test bundle and the built products (`.build/debug`).
    public static var productsDirectory: URL {
        if let bundle = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// The `touchstone` binary next to the tests.
    public static var executable: URL { productsDirectory.appendingPathComponent("touchstone") }

    /// Runs `touchstone` with `arguments` in `directory` (the repository root by default).
    public static func run(
        _ arguments: [String], stdin: Data? = nil, directory: URL = repositoryRoot(),
        environment: [String: String] = [:]
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        // Read both pipes concurrently with the process so a large output cannot block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandResult(
            exitCode: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self),
            terminatedBySignal: process.terminationReason == .uncaughtSignal)
    }
}

/// One directory per test process under the system's temporary directory, removed when the
/// process exits: helpers that hand a path back cannot own its cleanup, and the suite must not
/// leave thousands of directories behind on a developer's machine.
private let scratchRoot: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: scratchRoot) }
    return url
}()

/// A fresh temporary directory inside the process's scratch directory (removed at exit; a
/// caller may remove it earlier with `FileManager.removeItem`).
public func temporaryDirectory() throws -> URL {
    let url = scratchRoot.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A file named `name` holding `content`, in a fresh ``temporaryDirectory()`` (removed at exit).
public func temporaryFile(_ name: String, _ content: String) throws -> URL {
    let url = try temporaryDirectory().appendingPathComponent(name)
    try Data(content.utf8).write(to: url)
    return url
}

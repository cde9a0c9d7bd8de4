import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over a blocking socket to 127.0.0.1: one request per connection
/// (`Connection: close`), the body sent as given, byte for byte — so tests can post what no
/// well-behaved client library would (invalid UTF-8, a body over the limit).
struct LoopbackClient: Sendable {
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> Any { try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
        /// The `error` text of an error body.
        var error: String? { (try? json() as? [String: Any])?["error"] as? String }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    let port: Int

    // The socket calls block, so they run on a Dispatch thread: blocking the few threads of the
    // Swift concurrency pool would starve the in-process server that must answer them.
    func get(_ path: String) async throws -> Reply { try await offPool { try send("GET", path, body: nil) } }
    func post(_ path: String, _ body: Data, contentType: String = "application/json") async throws -> Reply {
        try await offPool { try send("POST", path, body: body, contentType: contentType) }
    }
    func post(_ path: String, _ body: String) async throws -> Reply { try await post(path, Data(body.utf8)) }

    private func offPool(_ body: @escaping @Sendable () throws -> Reply) async throws -> Reply {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Sends `request` byte for byte (head and body as written: a malformed chunked body, say).
    func raw(_ request: String) async throws -> Reply { try await offPool { try exchange(Data(request.utf8)) } }

    func send(_ method: String, _ path: String, body: Data?, contentType: String = "application/json") throws -> Reply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let body { head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        var request = Data(head.utf8)
        if let body { request.append(body) }
        return try exchange(request)
    }

    private func exchange(_ request: Data) throws -> Reply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to 127.0.0.1:\(port) failed: errno \(errno)") }
        try request.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                // The server may answer (413) and close before reading the whole body.
                if n <= 0 { return }
                sent += n
            }
        }
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            response.append(contentsOf: buffer[0..<n])
        }
        return try parse(response)
    }

    private func parse(_ response: Data) throws -> Reply {
        guard let split = response.range(of: Data("\r\n\r\n".utf8)) else {
            throw Failure(description: "no HTTP response head in \(response.count) bytes")
        }
        let head = String(decoding: response[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "bad status line \(head[0])") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(response[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = try dechunk(body) }
        return Reply(status: status, headers: headers, body: body)
    }

    private func dechunk(_ data: Data) throws -> Data {
        var out = Data()
        var index = data.startIndex
        while index < data.endIndex {
            guard let lineEnd = data[index...].range(of: Data("\r\n".utf8)) else { break }
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";")[0]
            guard let size = Int(sizeText, radix: 16) else { throw Failure(description: "bad chunk size") }
            if size == 0 { break }
            let start = lineEnd.upperBound
            out.append(data[start..<start + size])
            index = start + size + 2
        }
        return out
    }
}

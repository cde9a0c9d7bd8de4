import Foundation
import Testing
@testable import TouchstoneServer

#if canImport(Glibc)
import Glibc
#endif

/// `GET /v1/assign` answered in the channel pipeline (`FastAssignHandler`) gives, for every query
/// shape, the status, body and content type the router gives (`answersAssignOnEventLoop =
/// false`); keep-alive, pipelining order, `Connection: close` and other methods behave too.
@Suite("GET /v1/assign on the event loop", .serialized)
struct FastAssignTests {
    /// Request targets the router has an answer for: successes, every assignment rule, every
    /// error, escapes and the odd shapes (empty parts, fragments, repeated names).
    static let targets = [
        "/v1/assign?unit=user-7",
        "/v1/assign?unit=user-7&country=US&account_id=acct-2",
        "/v1/assign?unit=qa-user-1&country=US",  // forced
        "/v1/assign?unit=user-3&country=DE&account_id=acct-1",  // targeting miss
        "/v1/assign?unit=user-8&country=CA",  // no account_id: pricing's unit attribute missing
        "/v1/assign?unit=user-7&experiment=banner",
        "/v1/assign?experiment=pricing&unit=user-9&account_id=acct-3",
        "/v1/assign?unit=user-7&experiment=nope",  // 404
        "/v1/assign?unit=user-7&experiment=",  // 404, empty key
        "/v1/assign",  // 400: no unit
        "/v1/assign?",
        "/v1/assign?unit=",
        "/v1/assign?unit",
        "/v1/assign?experiment=banner",
        "/v1/assign?unit=%ZZ",  // malformed escape
        "/v1/assign?unit=%4",
        "/v1/assign?unit=%C3%28",  // invalid UTF-8
        "/v1/assign?unit=a%00b",  // NUL
        "/v1/assign?unit=caf%C3%A9+%26+co&experiment=banner",
        "/v1/assign?unit=%22quoted%5C%0A&experiment=banner",  // JSON escaping of the id
        "/v1/assign?unit=u1&unit=u2&experiment=banner",  // the last value counts
        "/v1/assign?unit=u1&country=US&country=CA",  // 400: conflicting attribute
        "/v1/assign?unit=u1&country=US&country=US",
        "/v1/assign?unit=u1&&&flag&=x",  // empty parts, a name without a value, an empty name
        "/v1/assign?unit=u1&experiment=banner#fragment",
        "/v1/assign?unit=u1?x=y&experiment=banner",  // a second '?' is part of the value
        "/v1/assign/?unit=u1",  // not the route's exact path: the router's answer
        "/v1/assignx?unit=u1",
        "/v1/Assign?unit=u1",
        "/v1/assign#x",
        "/healthz",
        "/v1/experiments/banner/exposures",
    ]

    @Test func sameAnswersAsTheRouter() async throws {
        let fast = try await RunningServer.start(config: ServerFixtures.config)
        let routed = try await RunningServer.start(config: ServerFixtures.config) { $0.answersAssignOnEventLoop = false }
        var statuses = Set<Int>()
        for target in Self.targets {
            for method in ["GET", "HEAD", "POST", "PUT", "DELETE"] {
                let body: Data? = method == "POST" || method == "PUT" ? Data("[]".utf8) : nil
                let a = try await Self.blocking { [fast] in try fast.client.send(method, target, body: body) }
                let b = try await Self.blocking { [routed] in try routed.client.send(method, target, body: body) }
                #expect(a.status == b.status, "\(method) \(target)")
                #expect(a.body == b.body, "\(method) \(target): \(a.text) vs \(b.text)")
                #expect(a.headers["content-type"] == b.headers["content-type"], "\(method) \(target)")
                #expect(a.headers["content-length"] == b.headers["content-length"], "\(method) \(target)")
                #expect(a.headers["server"] == "touchstone")
                #expect(a.headers["date"]?.hasSuffix(" GMT") == true)
                statuses.insert(a.status)
            }
        }
        // Successes, bad requests, unknown experiments, routes and methods (Hummingbird answers an
        // unrouted method 404) all occurred.
        #expect(statuses == [200, 400, 404], "\(statuses.sorted())")
        try await fast.stop()
        try await routed.stop()
    }

    @Test func manyUnitsSameAsTheRouter() async throws {
        let fast = try await RunningServer.start(config: ServerFixtures.config)
        let routed = try await RunningServer.start(config: ServerFixtures.config) { $0.answersAssignOnEventLoop = false }
        for unit in ServerFixtures.units(200) {
            let target = "/v1/assign?unit=\(unit.id)&country=\(unit.country)&account_id=\(unit.account)"
            let a = try await fast.client.get(target)
            let b = try await routed.client.get(target)
            #expect(a.status == 200)
            #expect(a.body == b.body, "\(target)")
        }
        try await fast.stop()
        try await routed.stop()
    }

    /// Pipelined on one keep-alive connection, answers come back in request order — assign
    /// requests behind one the router is still answering included — and `Connection: close`
    /// closes the connection after its answer.
    @Test func keepAliveAndPipelining() async throws {
        let server = try await RunningServer.start(config: ServerFixtures.config)
        let targets = [
            "/v1/assign?unit=user-1&experiment=banner",
            "/v1/experiments/banner/exposures",  // router: a blocking read on another thread
            "/v1/assign?unit=user-2&experiment=banner",
            "/healthz",
            "/v1/assign?unit=user-3&experiment=banner",
            "/v1/assign?unit=%ZZ",
            "/v1/assign?unit=user-4&experiment=banner",
        ]
        var expected: [LoopbackClient.Reply] = []
        for target in targets { expected.append(try await server.client.get(target)) }
        var request = ""
        for (index, target) in targets.enumerated() {
            let close = index == targets.count - 1 ? "Connection: close\r\n" : ""
            request += "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(close)\r\n"
        }
        // What follows a `Connection: close` request is not answered.
        request += "GET /v1/assign?unit=user-5 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        let port = server.port, bytes = Data(request.utf8)
        let replies = try await Self.blocking { try Self.exchange(port: port, bytes) }
        #expect(replies.count == targets.count)
        for (index, reply) in replies.enumerated() where index < expected.count {
            #expect(reply.status == expected[index].status, "\(targets[index])")
            #expect(reply.body == expected[index].body, "\(targets[index])")
        }
        try await server.stop()
    }

    /// Sequential requests on one connection, each answered before the next is sent.
    @Test func keepAliveSequential() async throws {
        let server = try await RunningServer.start(config: ServerFixtures.config)
        var expected: [LoopbackClient.Reply] = []
        for unit in 0..<20 { expected.append(try await server.client.get("/v1/assign?unit=user-\(unit)&experiment=banner")) }
        let port = server.port
        let replies = try await Self.blocking {
            let fd = try Self.connect(port: port)
            defer { close(fd) }
            var replies: [LoopbackClient.Reply] = []
            for unit in 0..<20 {
                try Self.sendAll(fd, Data("GET /v1/assign?unit=user-\(unit)&experiment=banner HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
                replies.append(try Self.readReply(fd))
            }
            return replies
        }
        #expect(replies.map(\.status) == Array(repeating: 200, count: 20))
        #expect(replies.map(\.body) == expected.map(\.body))
        try await server.stop()
    }

    @Test func assignTargets() {
        #expect(AssignTarget("/v1/assign") == AssignTarget(query: nil))
        #expect(AssignTarget("/v1/assign?") == AssignTarget(query: ""))
        #expect(AssignTarget("/v1/assign?unit=a&b=c#d?e") == AssignTarget(query: "unit=a&b=c"))
        #expect(AssignTarget("/v1/assign?unit=a?b") == AssignTarget(query: "unit=a?b"))
        for other in ["/v1/assign/", "/v1/assignx", "/v1/assign#x", "/v1/Assign", "/v1/assig", "http://h/v1/assign", "", "*"] {
            #expect(AssignTarget(other) == nil, "\(other)")
        }
    }

    @Test func dateHeaderFormat() {
        #expect(HTTPDateCache.format(secondsSince1970: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDateCache.format(secondsSince1970: 951_868_799) == "Tue, 29 Feb 2000 23:59:59 GMT")
        #expect(HTTPDateCache.format(secondsSince1970: 1_796_192_249) == "Wed, 02 Dec 2026 06:17:29 GMT")
    }

    // MARK: - A raw keep-alive client

    /// Blocking socket work off Swift's concurrency pool, which the in-process server needs.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoopbackClient.Failure(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw LoopbackClient.Failure(description: "connect failed: errno \(errno)")
        }
        return fd
    }

    static func sendAll(_ fd: Int32, _ data: Data) throws {
        try data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var sent = 0
            while sent < raw.count {
                let n = send(fd, base + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { throw LoopbackClient.Failure(description: "send failed") }
                sent += n
            }
        }
    }

    /// Sends `request` on a fresh connection and reads until the server closes it.
    static func exchange(port: Int, _ request: Data) throws -> [LoopbackClient.Reply] {
        let fd = try connect(port: port)
        defer { close(fd) }
        try sendAll(fd, request)
        var replies: [LoopbackClient.Reply] = []
        var pending = Data()
        while let reply = try readReply(fd, pending: &pending) { replies.append(reply) }
        return replies
    }

    static func readReply(_ fd: Int32) throws -> LoopbackClient.Reply {
        var pending = Data()
        guard let reply = try readReply(fd, pending: &pending) else {
            throw LoopbackClient.Failure(description: "connection closed before an answer")
        }
        return reply
    }

    /// One response framed by `Content-Length`; nil at a clean end of stream.
    static func readReply(_ fd: Int32, pending: inout Data) throws -> LoopbackClient.Reply? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        func fill() -> Bool {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return false }
            pending.append(contentsOf: buffer[0..<n])
            return true
        }
        while pending.range(of: Data("\r\n\r\n".utf8)) == nil {
            if !fill() {
                if pending.isEmpty { return nil }
                throw LoopbackClient.Failure(description: "truncated head")
            }
        }
        guard let split = pending.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let lines = String(decoding: pending[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw LoopbackClient.Failure(description: "bad status line \(lines[0])")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let length = headers["content-length"].flatMap({ Int($0) }) else {
            throw LoopbackClient.Failure(description: "no content-length in \(lines)")
        }
        let bodyStart = split.upperBound
        while pending.count - (bodyStart - pending.startIndex) < length {
            if !fill() { throw LoopbackClient.Failure(description: "truncated body") }
        }
        let body = Data(pending[bodyStart..<bodyStart + length])
        pending = Data(pending[(bodyStart + length)...])
        return LoopbackClient.Reply(status: status, headers: headers, body: body)
    }
}

import Foundation
import Testing
import TouchstoneData

/// `POST /v1/exposures` and `POST /v1/events`: acknowledged after a durable commit, idempotent,
/// and every bad request refused with a 4xx `{ "error" }` while the server keeps serving.
@Suite("POST /v1/exposures, /v1/events", .serialized)
struct IngestRouteTests {
    static let batch = """
        [
          {"unit_id": "u1", "experiment": "banner", "variant": "control", "timestamp": "2026-03-01T10:00:00Z"},
          {"unit_id": "u2", "experiment": "banner", "variant": "red", "timestamp": 1772359200},
          {"unit_id": "u1", "experiment": "banner", "variant": "control", "timestamp": "2026-03-02T10:00:00Z"}
        ]
        """

    @Test func arrayAndJSONLinesAreStoredOnceEach() async throws {
        let server = try await RunningServer.start(config: ServerFixtures.config)
        let first = try await server.client.post("/v1/exposures", Self.batch)
        #expect(first.status == 200)
        #expect(first.text == "{\"accepted\":3}\n")
        // The same batch again (a client retrying after a lost answer) changes nothing.
        #expect(try await server.client.post("/v1/exposures", Self.batch).status == 200)
        let lines = """
            {"unit_id": "u3", "experiment": "banner", "variant": "blue", "timestamp": "2026-03-03T00:00:00Z"}
            {"unit_id": "u2", "experiment": "banner", "variant": "red", "timestamp": "2026-02-28T00:00:00Z"}

            """
        #expect(try await server.client.post("/v1/exposures", lines).text == "{\"accepted\":2}\n")

        let store = try ExposureStore(path: server.storePath, readOnly: true)
        let summary = try store.summary(experiment: "banner")
        #expect(summary.units == 3)
        #expect(summary.variants.map(\.variant) == ["blue", "control", "red"])
        #expect(summary.variants.map(\.units) == [1, 1, 1])
        let u1 = try #require(try store.state(experiment: "banner", unitId: "u1"))
        #expect(u1.firstAt == 1_772_359_200_000_000 && u1.lastAt == 1_772_445_600_000_000)
        // u2's earlier exposure, posted later, becomes its first.
        #expect(try store.state(experiment: "banner", unitId: "u2")?.firstAt == 1_772_236_800_000_000)

        let events = """
            [{"unit_id": "u1", "timestamp": "2026-03-01T11:00:00Z", "event": "purchase", "value": 12.5},
             {"unit_id": "u1", "timestamp": "2026-03-01T12:00:00Z", "event": "session"},
             {"unit_id": "u2", "timestamp": "2026-03-01T12:00:00Z", "event": "purchase", "value": null}]
            """
        #expect(try await server.client.post("/v1/events", events).text == "{\"accepted\":3}\n")
        #expect(try await server.client.post("/v1/events", events).status == 200)
        let reopened = try ExposureStore(path: server.storePath, readOnly: true)
        #expect(try reopened.eventCount() == 3)
        #expect(String(decoding: try reopened.eventLog(), as: UTF8.self) == """
            unit_id,timestamp,event,value
            u1,1772362800,purchase,12.5
            u1,1772366400,session,
            u2,1772366400,purchase,

            """)
        try await server.stop()
    }

    @Test func concurrentClientsShareCommits() async throws {
        let server = try await RunningServer.start(config: ServerFixtures.config)
        let port = server.port
        let clients = 16, batches = 5, rows = 50
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    for batch in 0..<batches {
                        var body = ""
                        for row in 0..<rows {
                            body += "{\"unit_id\":\"c\(client)-\(batch)-\(row)\",\"experiment\":\"banner\",\"variant\":\"red\",\"timestamp\":1772359200}\n"
                        }
                        let reply = try await LoopbackClient(port: port).post("/v1/exposures", body)
                        guard reply.status == 200 else { throw LoopbackClient.Failure(description: reply.text) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let statistics = server.server.commitStatistics
        #expect(statistics.requests == clients * batches)
        #expect(statistics.commits <= statistics.requests)
        let store = try ExposureStore(path: server.storePath, readOnly: true)
        #expect(try store.summary(experiment: "banner").units == clients * batches * rows)
        try await server.stop()
    }

    /// One case per kind of bad request; after each, the server still answers.
    @Test(arguments: [
        ("malformed JSON", Data("[{\"unit_id\": \"u1\", ".utf8), 400, "body:1: the array's object 1 is not closed"),
        ("malformed JSON Lines", Data("{\"unit_id\": \"u1\" \"experiment\": \"banner\"}\n".utf8), 400, "body:1:18: expected ',' or '}'"),
        ("wrong type", Data("[{\"unit_id\": \"u1\", \"experiment\": \"banner\", \"variant\": 3, \"timestamp\": 1}]".utf8), 400,
         "body:1:54: 'variant' must be a string"),
        ("array of non-objects", Data("[1, 2]".utf8), 400, "body:1: array elements must be objects"),
        ("unknown experiment", Data("{\"unit_id\": \"u1\", \"experiment\": \"bannr\", \"variant\": \"red\", \"timestamp\": 1}".utf8), 400,
         "body: unknown experiment 'bannr' (experiments: checkout, banner, pricing)"),
        ("unknown variant", Data("{\"unit_id\": \"u1\", \"experiment\": \"banner\", \"variant\": \"green\", \"timestamp\": 1}".utf8), 400,
         "body: experiment 'banner' has no variant 'green' (variants: control, red, blue)"),
        ("missing key", Data("{\"unit_id\": \"u1\", \"experiment\": \"banner\", \"variant\": \"red\"}".utf8), 400,
         "body:1:1: missing key 'timestamp'"),
        ("repeated key", Data("{\"unit_id\": \"u1\", \"experiment\": \"banner\", \"variant\": \"red\", \"variant\": \"blue\", \"timestamp\": 1}".utf8), 400,
         "body:1:61: duplicate key 'variant'"),
        ("bad timestamp", Data("{\"unit_id\": \"u1\", \"experiment\": \"banner\", \"variant\": \"red\", \"timestamp\": \"yesterday\"}".utf8), 400, nil),
        ("invalid UTF-8", Data([0x7B, 0x22, 0x75, 0xFF, 0x22, 0x7D]), 400, "body: the body is not valid UTF-8 (byte 4)"),
        ("oversized body", Data(repeating: 0x20, count: 70_000), 413, "the request body is larger than the server's limit"),
        ("too many rows", Data(String(repeating: "{\"unit_id\": \"u1\", \"experiment\": \"banner\", \"variant\": \"red\", \"timestamp\": 1}\n", count: 101).utf8), 400,
         "body: more than 100 rows in one request (the batch-size limit)"),
    ] as [(String, Data, Int, String?)])
    func badExposureBatches(_ name: String, _ body: Data, _ status: Int, _ message: String?) async throws {
        let server = try await RunningServer.start(config: ServerFixtures.config) { settings in
            settings.maximumBodyBytes = 65_536
            settings.maximumBatchRows = 100
        }
        let reply = try await server.client.post("/v1/exposures", body)
        #expect(reply.status == status, "\(name): \(reply.text)")
        let error = try #require(reply.error, "\(name): \(reply.text)")
        if let message { #expect(error == message, "\(name)") }
        #expect(try await server.client.get("/healthz").status == 200)
        let store = try ExposureStore(path: server.storePath, readOnly: true)
        #expect(try store.experiments().isEmpty, "\(name): nothing of a refused batch is written")
        try await server.stop()
    }

    /// A body the HTTP parser cannot read is the client's fault: 400, and the server goes on.
    @Test func malformedChunkedBody() async throws {
        let server = try await RunningServer.start(config: ServerFixtures.config)
        let reply = try await server.client.raw(
            "POST /v1/exposures HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n")
        #expect(reply.status == 400, "\(reply.text)")
        #expect(reply.error?.hasPrefix("malformed HTTP request body") == true, "\(reply.text)")
        #expect(try await server.client.get("/healthz").status == 200)
        try await server.stop()
    }

    @Test func badEventBatches() async throws {
        let server = try await RunningServer.start(config: ServerFixtures.config)
        let cases: [(String, String)] = [
            ("[{\"unit_id\": \"u1\", \"timestamp\": 1, \"event\": \"purchase\", \"value\": \"lots\"}]",
             "body:1:60: 'lots' is not a finite number in column 'value'"),
            ("{\"unit_id\": \"u1\", \"event\": \"purchase\"}", "body: no column 'timestamp'"),
            ("[{\"unit_id\": \"u1\", \"timestamp\": 1, \"event\": \"\"}]", "body:1:43: empty event"),
        ]
        for (body, _) in cases {
            let reply = try await server.client.post("/v1/events", body)
            #expect(reply.status == 400, "\(body): \(reply.text)")
            #expect(reply.error != nil)
        }
        #expect(try ExposureStore(path: server.storePath, readOnly: true).eventCount() == 0)
        #expect(try await server.client.get("/healthz").status == 200)
        try await server.stop()
    }
}

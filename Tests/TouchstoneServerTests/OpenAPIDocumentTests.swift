import Foundation
import Testing
import TouchstoneServer
import TouchstoneTestSupport

/// `/openapi.json` is the committed `docs/openapi.json`, valid JSON, and names every route the
/// server answers.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    @Test func servedEqualsCommitted() async throws {
        let committed = try String(contentsOf: repositoryRoot().appendingPathComponent("docs/openapi.json"), encoding: .utf8)
        #expect(OpenAPIDocument.json + "\n" == committed)
        let server = try await RunningServer.start(config: ServerFixtures.config)
        let reply = try await server.client.get("/openapi.json")
        #expect(reply.status == 200)
        #expect(reply.text == committed)
        let document = try #require(try reply.json() as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        #expect(Set(paths.keys) == [
            "/healthz", "/v1/assign", "/v1/exposures", "/v1/events", "/v1/experiments/{key}/exposures",
            "/v1/experiments/{key}/results", "/v1/experiments/{key}/report", "/openapi.json", "/",
        ])
        try await server.stop()
    }
}

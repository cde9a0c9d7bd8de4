import Foundation
import Testing
import TouchstoneTestSupport

/// `GET /v1/assign` answers what `touchstone assign --format json` prints for the same unit.
@Suite("GET /v1/assign", .serialized)
struct AssignRouteTests {
    @Test func healthz() async throws {
        let server = try await RunningServer.start(config: ServerFixtures.config)
        let reply = try await server.client.get("/healthz")
        #expect(reply.status == 200)
        #expect(reply.text == "{\"status\":\"ok\"}\n")
        try await server.stop()
    }

    @Test func equalsAssignCommand() async throws {
        let server = try await RunningServer.start(config: ServerFixtures.config)
        let units = ServerFixtures.units(300)
        var csv = "unit_id,country,account_id\n"
        for unit in units { csv += "\(unit.id),\(unit.country),\(unit.account)\n" }
        let attributes = server.directory.appendingPathComponent("units.csv").path
        try csv.write(toFile: attributes, atomically: true, encoding: .utf8)
        let command = try BinaryRunner.run([
            "assign", "--config", server.configPath, "--attributes", attributes, "--format", "json", "--quiet",
        ])
        #expect(command.exitCode == 0, "\(command.stderr)")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(command.stdout.utf8)) as? [NSDictionary])
        #expect(expected.count == units.count * 3)

        var served: [NSDictionary] = []
        for unit in units {
            let reply = try await server.client.get("/v1/assign?unit=\(unit.id)&country=\(unit.country)&account_id=\(unit.account)")
            #expect(reply.status == 200)
            served += try #require(try reply.json() as? [NSDictionary])
        }
        #expect(served == expected)
        // Every rule is exercised: enrolled, forced, not targeted, layer, coverage, holdout.
        let reasons = Set(served.compactMap { $0["reason"] as? String })
        #expect(reasons == ["enrolled", "forced", "not targeted", "excluded by layer", "coverage", "holdout"])

        // One experiment, as `--experiment`.
        let one = try await server.client.get("/v1/assign?unit=user-7&experiment=banner")
        let rows = try #require(try one.json() as? [NSDictionary])
        #expect(rows == expected.filter { $0["unit_id"] as? String == "user-7" && $0["experiment"] as? String == "banner" })
        try await server.stop()
    }

    @Test func percentEncodedUnitIds() async throws {
        let server = try await RunningServer.start(config: ServerFixtures.config)
        let reply = try await server.client.get("/v1/assign?unit=caf%C3%A9+%26+co&experiment=banner")
        let rows = try #require(try reply.json() as? [[String: Any]])
        #expect(rows.first?["unit_id"] as? String == "café & co")
        try await server.stop()
    }

    @Test func badRequests() async throws {
        let server = try await RunningServer.start(config: ServerFixtures.config)
        let client = server.client
        let missing = try await client.get("/v1/assign")
        #expect(missing.status == 400)
        #expect(missing.error == "give the unit id: /v1/assign?unit=ID")
        let unknown = try await client.get("/v1/assign?unit=u1&experiment=nope")
        #expect(unknown.status == 404)
        #expect(unknown.error == "unknown experiment 'nope' (experiments: checkout, banner, pricing)")
        let escape = try await client.get("/v1/assign?unit=%ZZ")
        #expect(escape.status == 400)
        #expect(escape.error == "malformed percent escape in the query string: '%ZZ'")
        let utf8 = try await client.get("/v1/assign?unit=%C3%28")
        #expect(utf8.status == 400)
        #expect(utf8.error == "the query string does not decode to valid UTF-8 text: '%C3%28'")
        // A parameter given twice: which value was meant cannot be known (the last used to win).
        for query in ["unit=u1&unit=u2", "unit=u1&experiment=checkout&experiment=banner"] {
            let twice = try await client.get("/v1/assign?" + query)
            #expect(twice.status == 400, "\(query)")
            #expect(twice.error?.hasSuffix("is given 2 times: give it once") == true, "\(query): \(twice.error ?? "")")
        }
        let results = try await client.get("/v1/experiments/checkout/results?alpha=0.05&alpha=0.5")
        #expect(results.status == 400)
        #expect(results.error == "parameter 'alpha' is given 2 times: give it once")
        let route = try await client.get("/v2/nothing")
        #expect(route.status == 404)
        #expect(route.error != nil)
        // Still serving.
        #expect(try await client.get("/healthz").status == 200)
        try await server.stop()
    }
}

import Testing
@testable import TouchstoneExperiment

private func matches(_ targeting: String, _ attributes: [String: String]) throws -> Bool {
    let parsed = try ExperimentConfig(text: "experiments: [{ key: t, variants: [a, b], targeting: \(targeting) }]", file: "t.yaml")
    return try #require(parsed.experiments[0].targeting).matches(attributes)
}

@Suite struct TargetingTests {
    @Test func equalityAndMembership() throws {
        #expect(try matches("{ country: US }", ["country": "US"]))
        #expect(try !matches("{ country: US }", ["country": "CA"]))
        #expect(try matches("{ country: { in: [US, CA] } }", ["country": "CA"]))
        #expect(try !matches("{ country: { nin: [US, CA] } }", ["country": "CA"]))
        #expect(try matches("{ country: { nin: [US, CA] } }", [:]))
        #expect(try matches("{ country: { ne: US } }", ["country": "FR"]))
        #expect(try matches("{ beta: true }", ["beta": "TRUE"]))
        #expect(try matches("{ age: 30 }", ["age": "30.0"]))
        #expect(try !matches(#"{ age: "30" }"#, ["age": "30.0"]))
        #expect(try matches("{ plan: off }", ["plan": "false"]) == true)  // YAML 1.1: plain off is a boolean
        #expect(try matches(#"{ plan: "off" }"#, ["plan": "off"]))
    }

    @Test func numericAndVersionComparisons() throws {
        #expect(try matches("{ age: { gte: 18, lt: 65 } }", ["age": "18"]))
        #expect(try !matches("{ age: { gte: 18, lt: 65 } }", ["age": "65"]))
        #expect(try !matches("{ age: { gt: 18 } }", ["age": "abc"]))
        #expect(try matches(#"{ app_version: { gte: "5.2.0" } }"#, ["app_version": "5.10.1"]))
        #expect(try !matches(#"{ app_version: { gte: "5.2.0" } }"#, ["app_version": "5.2.0-rc.1"]))
        #expect(try matches(#"{ app_version: { vlt: "5.2" } }"#, ["app_version": "v5.1.9"]))
        #expect(try matches(#"{ app_version: { veq: "1.0.0" } }"#, ["app_version": "1.0"]))
        #expect(SemanticVersion("1.0.0-alpha")! < SemanticVersion("1.0.0-alpha.1")!)
        #expect(SemanticVersion("1.0.0-alpha.beta")! < SemanticVersion("1.0.0-beta")!)
        #expect(SemanticVersion("1.0.0-beta.2")! < SemanticVersion("1.0.0-beta.11")!)
        #expect(SemanticVersion("1.0.0-rc.1")! < SemanticVersion("1.0.0")!)
    }

    @Test func regexExistsAndLogic() throws {
        #expect(try matches(#"{ email: { regex: "@example\\.com$" } }"#, ["email": "a@example.com"]))
        #expect(try !matches(#"{ email: { regex: "@example\\.com$" } }"#, ["email": "a@example.org"]))
        #expect(try matches("{ email: { exists: true } }", ["email": ""]))
        #expect(try matches("{ email: { exists: false } }", [:]))
        #expect(try matches("{ or: [ { country: US }, { beta: true } ] }", ["beta": "true"]))
        #expect(try !matches("{ and: [ { country: US }, { beta: true } ] }", ["beta": "true"]))
        #expect(try matches("{ not: { country: US } }", ["country": "FR"]))
        #expect(try matches("{ $or: [ { country: { $in: [US] } } ] }", ["country": "US"]))
        #expect(try matches("{ country: { not: { in: [US] } } }", ["country": "DE"]))
        #expect(try !matches("{ country: US, age: { gte: 18 } }", ["country": "US", "age": "17"]))
    }
}

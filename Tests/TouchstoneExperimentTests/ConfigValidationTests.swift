import Testing
@testable import TouchstoneExperiment

private func failure(_ text: String, file: String = "exp.yaml") -> ExperimentError? {
    do {
        _ = try ExperimentConfig(text: text, file: file)
        return nil
    } catch let error as ExperimentError {
        return error
    } catch {
        return nil
    }
}

@Suite struct ConfigValidationTests {
    @Test(arguments: [
        ("experiments: [{ key: a, variants: [{name: x, weight: 0}, {name: y, weight: 0}] }]", "experiments[0].variants[0].weight", "must be positive"),
        ("experiments: [{ key: a, variants: [{name: x, weight: -1}, y] }]", "experiments[0].variants[0].weight", "must be positive"),
        ("experiments: [{ key: a, variants: [{name: x, weight: 1e308}, y] }]", "experiments[0].variants[0].weight", "outside [1e-09, 1000000000.0]"),
        ("experiments: [{ key: a, variants: [{name: x, weight: 5e-324}, y] }]", "experiments[0].variants[0].weight", "outside"),
        ("experiments: [{ key: a, variants: [x, {name: y, weight: 2000000}] }]", "experiments[0].variants[0].weight", "times the smallest"),
        ("experiments: [{ key: a, variants: [x, {name: y, weight: .nan}] }]", "experiments[0].variants[1].weight", "finite number"),
        ("experiments: [{ key: a, variants: [x, x] }]", "experiments[0].variants[1]", "duplicate variant"),
        ("experiments: [{ key: a, variants: [{name: x}, {name: x}] }]", "experiments[0].variants[1].name", "duplicate variant"),
        ("experiments: [{ key: a, variants: [x, y] }, { key: a, variants: [x, y] }]", "experiments[1].key", "duplicate experiment key"),
        ("experiments: [{ key: a, variants: [x, y], holdouts: [nope] }]", "experiments[0].holdouts[0]", "unknown holdout 'nope'"),
        ("experiments: [{ key: a, variants: [x, y], covrage: 0.5 }]", "experiments[0].covrage", "did you mean 'coverage'"),
        ("experiments: [{ key: a, variants: [x, y], coverage: 1.5 }]", "experiments[0].coverage", "[0, 1]"),
        ("experiments: [{ key: a, variants: [x, y], hash: md5 }]", "experiments[0].hash", "unknown hash 'md5'"),
        ("experiments: [{ key: a, variants: [x] }]", "experiments[0].variants", "at least two"),
        ("experiments: [{ key: a, variants: [x, y], factorial: [p] }]", "experiments[0].factorial", "not both"),
        ("experiments: [{ key: a, variants: [x, y], forced: { u1: z } }]", "experiments[0].forced.u1", "unknown variant 'z'"),
        ("experiments: [{ key: a, variants: [x, y], targeting: { c: { like: US } } }]", "experiments[0].targeting.c.like", "unknown operator"),
        ("experiments: [{ key: a, variants: [x, y], targeting: { c: { regex: \"(\" } } }]", "experiments[0].targeting.c.regex", "invalid regular expression"),
        ("experiments: [{ key: a, variants: [x, y], start: 2026-04-01, end: 2026-03-01 }]", "experiments[0].end", "after start"),
        ("experiments: [{ key: a, variants: [x, y], start: tomorrow }]", "experiments[0].start", "not a date"),
        ("experiments: [{ key: a, variants: [x, y], layer: { name: L, range: [0.6, 0.2] } }]", "experiments[0].layer.range", "start < end"),
        ("""
        experiments:
          - { key: a, variants: [x, y], layer: { name: L, range: [0, 0.5] } }
          - { key: b, variants: [x, y], layer: { name: L, range: [0.4, 1] } }
        """, "experiments[1].layer.range", "overlaps experiments[0]"),
        ("""
        layers: [{ name: M }]
        experiments: [{ key: a, variants: [x, y], layer: { name: L, range: [0, 1] } }]
        """, "experiments[0].layer.name", "unknown layer 'L'"),
        ("holdouts: [{ key: h, share: 2 }]\nexperiments: []", "holdouts[0].share", "[0, 1]"),
        ("experiment: []", "experiment", "unknown key"),
    ])
    func namesFileKeyPathAndProblem(text: String, keyPath: String, problem: String) throws {
        let error = try #require(failure(text))
        #expect(error.file == "exp.yaml")
        #expect(error.keyPath == keyPath)
        #expect(error.description.contains(problem), "\(error)")
        #expect(error.line != nil)
        #expect(error.description.hasPrefix("exp.yaml:"))
    }

    @Test func reportsLineAndColumnInYamlAndJson() throws {
        let yaml = try #require(failure("experiments:\n  - key: a\n    variants: [x, y]\n    coverage: 7\n"))
        #expect(yaml.line == 4 && yaml.keyPath == "experiments[0].coverage")
        let json = try #require(failure("{\n\t\"experiments\": [\n\t\t{\"key\":\"a\",\"variants\":[\"x\"]}\n\t]\n}", file: "c.json"))
        #expect(json.file == "c.json" && json.line == 3, "\(json)")
        let syntax = try #require(failure("experiments: [ { key: a", file: "broken.yaml"))
        #expect(syntax.description.contains("cannot parse"))
        let duplicate = try #require(failure("experiments: []\nexperiments: []"))
        #expect(duplicate.description.contains("duplicate"))
    }
}

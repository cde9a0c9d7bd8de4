import Foundation
import Testing
import TouchstoneTestSupport

/// Bad input exits non-zero with a message naming the file, line and column (or the flag), and
/// writes no output file.
@Suite("touchstone analyze: bad input")
struct AnalyzeBadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var content: String
        var arguments: [String]
        /// Fragments the error message must contain (after the file name).
        var mentions: [String]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "missing column", content: "variant,units\ncontrol,10\n",
             arguments: ["--summary"], mentions: [":1:", "conversions"]),
        Case(name: "non-numeric count", content: "variant,units,conversions\ncontrol,10,3\ntreatment,ten,4\n",
             arguments: ["--summary"], mentions: [":3:2:", "'ten'"]),
        Case(name: "negative count", content: "variant,units,conversions\ncontrol,10,3\ntreatment,-5,0\n",
             arguments: ["--summary"], mentions: [":3:2:", "negative"]),
        Case(name: "conversions above units", content: "variant,units,conversions\ncontrol,10,3\ntreatment,5,6\n",
             arguments: ["--summary"], mentions: [":3:3:", "exceed"]),
        Case(name: "duplicate arm", content: "variant,units,conversions\ncontrol,10,3\ncontrol,5,1\n",
             arguments: ["--summary"], mentions: [":3:1:", "twice"]),
        Case(name: "fractional count", content: "variant,units,conversions\ncontrol,10.5,3\ntreatment,5,1\n",
             arguments: ["--summary"], mentions: [":2:2:", "whole number"]),
        Case(name: "wrong field count", content: "variant,units,conversions\ncontrol,10\ntreatment,5,1\n",
             arguments: ["--summary"], mentions: [":2:", "expected 3 fields"]),
        Case(name: "unterminated quote", content: "variant,units,conversions\n\"control,10,3\ntreatment,5,1\n",
             arguments: ["--summary"], mentions: [":2:1:", "unterminated"]),
        Case(name: "empty file", content: "", arguments: ["--summary"], mentions: [":1:", "empty"]),
        Case(name: "header only", content: "variant,units,conversions\n", arguments: ["--summary"], mentions: ["no arms"]),
        Case(name: "not a number in unit table", content: "unit_id,variant,spend\n1,control,3.5\n2,treatment,NaN\n",
             arguments: ["--units", "--metric", "spend"], mentions: [":3:3:", "'NaN'"]),
        Case(name: "infinite value", content: "unit_id,variant,spend\n1,control,1e400\n2,treatment,1\n",
             arguments: ["--units", "--metric", "spend"], mentions: [":2:3:"]),
        Case(name: "non-binary proportion", content: "unit_id,variant,c\n1,control,1\n2,treatment,2\n",
             arguments: ["--units", "--metric", "c:proportion"], mentions: [":3:3:", "0/1"]),
        Case(name: "missing metric column", content: "unit_id,variant,c\n1,control,1\n2,treatment,0\n",
             arguments: ["--units", "--metric", "revenue"], mentions: [":1:", "missing column 'revenue'"]),
        Case(name: "empty metric cell", content: "unit_id,variant,c\n1,control,1\n2,treatment,\n",
             arguments: ["--units", "--metric", "c"], mentions: [":3:3:", "empty value"]),
    ]

    @Test(arguments: cases)
    func reportsFileLineAndColumn(_ c: Case) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("input.csv")
        try c.content.write(to: input, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out.json").path
        var arguments = ["analyze"]
        arguments.append(c.arguments[0])
        arguments.append(input.path)
        arguments += c.arguments.dropFirst()
        arguments += ["--control", "control", "--output", output]
        let result = try BinaryRunner.run(arguments)
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains(input.path), "\(c.name): \(result.stderr)")
        for mention in c.mentions {
            #expect(result.stderr.contains(mention), "\(c.name): '\(mention)' not in: \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: output), "\(c.name): no output may be written")
    }

    @Test func unknownControlNamesTheFlag() throws {
        let result = try BinaryRunner.run([
            "analyze", "--units", "Datasets/cookie_cats.csv", "--variant-column", "version", "--control", "gate_99",
            "--metric", "retention_7",
        ])
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("--control 'gate_99'"))
        #expect(result.stderr.contains("gate_30"))
    }

    @Test func unknownVariantColumnNamesIt() throws {
        let result = try BinaryRunner.run([
            "analyze", "--units", "Datasets/cookie_cats.csv", "--variant-column", "arm", "--control", "gate_30",
            "--metric", "retention_7",
        ])
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("Datasets/cookie_cats.csv:1:"))
        #expect(result.stderr.contains("missing column 'arm'"))
    }

    /// Weights naming a variant the data lacks (and missing one it has) are an SRM result, not an
    /// error: gate_50 is observed 0, gate_40 expected 0, and both are named in warnings.
    @Test func weightsThatDoNotMatchTheDataAreAnSRMResult() throws {
        let result = try BinaryRunner.run([
            "analyze", "--units", "Datasets/cookie_cats.csv", "--variant-column", "version", "--control", "gate_30",
            "--metric", "retention_7", "--weights", "gate_30=1,gate_50=1", "--format", "json",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: Variant 'gate_50' has weight 1.0 but no units"))
        #expect(result.stderr.contains("warning: Variant(s) 'gate_40' have units but no configured weight"))
        #expect(result.stdout.contains("\"gate_50\" : 0"))
        #expect(result.stdout.contains("\"mismatch\" : true"))
    }

    @Test func missingFileIsNamed() throws {
        let result = try BinaryRunner.run(["analyze", "--summary", "no/such/file.csv", "--control", "a"])
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("no/such/file.csv"))
    }
}

import TouchstoneAnalysis

/// The decision summary that opens every analysis read-out (terminal, Markdown and HTML share
/// its sentences): the verdict, the reasons, each arm's verdict, the SRM status, units and dates.
enum DecisionText {
    /// `SHIP`, `ROLL BACK`, `KEEP RUNNING`, `NO DIFFERENCE`.
    static func label(_ verdict: Decision.Verdict) -> String {
        verdict.rawValue.replacing("-", with: " ").uppercased()
    }

    /// "SHIP 'Mens E-Mail'" / "KEEP RUNNING".
    static func headline(_ decision: Decision, quote: (String) -> String) -> String {
        label(decision.verdict) + (decision.variant.map { " " + quote($0) } ?? "")
    }

    /// Each arm's verdict, when there are several arms.
    static func perArm(_ decision: Decision, quote: (String) -> String) -> String? {
        guard decision.variants.count > 1 else { return nil }
        return "Per arm: " + decision.variants.map { "\(quote($0.variant)) \($0.verdict.rawValue)" }.joined(separator: ", ")
    }

    /// "64,000 (planned 100,000; about 4 days left)".
    static func units(_ decision: Decision) -> String {
        var text = NumberFormatting.count(decision.units)
        if let planned = decision.plannedUnits {
            text += " (planned \(NumberFormatting.count(planned))"
            if let days = decision.daysLeft, days.isFinite { text += days < 1e9 ? "; about \(NumberFormatting.count(Int(days.rounded(.up)))) days left" : "" }
            text += ")"
        }
        return text
    }

    /// "exposures 2024-01-01 to 2024-01-14", when known.
    static func dates(_ decision: Decision) -> String? {
        guard let first = decision.firstExposure, let last = decision.lastExposure else { return nil }
        return first == last ? "exposures on \(first)" : "exposures \(first) to \(last)"
    }

    /// "ok (χ² = 0.203, p = 0.904)" or "MISMATCH (…): 'b' has 2.1% fewer units than expected (…)".
    static func srm(_ srm: AnalysisResult.SRM) -> String {
        let test = "χ² = \(NumberFormatting.significant(srm.chiSquare, digits: 3)), \(srm.pValueText)"
        guard srm.mismatch else { return "ok (\(test))" }
        return "MISMATCH (\(test))" + (srm.shortArmSentence.map { ": " + $0 } ?? "")
    }

    /// The terminal (or Markdown) block.
    static func block(_ result: AnalysisResult, markdown: Bool, color: Bool) -> String? {
        guard let decision = result.decision else { return nil }
        let quote = { (name: String) in markdown ? "“\(MarkdownText.inline(name))”" : "'\(AnalysisReport.name(name))'" }
        var verdict = headline(decision, quote: quote)
        if color {
            let code = switch decision.verdict {
            case .ship: "1;32"
            case .rollBack: "1;31"
            case .keepRunning: "1;33"
            case .noDifference: "1"
            }
            verdict = "\u{1B}[\(code)m" + verdict + "\u{1B}[0m"
        }
        let clean = { (text: String) in markdown ? MarkdownText.inline(text) : AnalysisReport.name(text) }
        var lines = [markdown ? "### Decision: **\(verdict)**\n" : "Decision: \(verdict)"]
        for reason in decision.reasons {
            lines.append(markdown ? "- \(clean(reason))" : wrap("- " + clean(reason), indent: "    ", first: "  "))
        }
        var facts: [String] = []
        if let arms = perArm(decision, quote: quote) { facts.append(arms) }
        if let srm = result.srm { facts.append("Sample ratio: \(clean(self.srm(srm)))") }
        facts.append("Units: \(units(decision))" + (dates(decision).map { "; \($0)" } ?? ""))
        if markdown {
            lines.append("")
            lines += facts.map { "**\($0.prefix { $0 != ":" })**\($0.drop { $0 != ":" })  " }
        } else {
            lines += facts.map { wrap($0, indent: "    ", first: "  ") }
        }
        return lines.joined(separator: "\n")
    }

    /// `text` wrapped at ``ReadOutTable/terminalWidth`` characters on spaces.
    static func wrap(_ text: String, indent: String, first: String) -> String {
        var lines: [String] = []
        var line = first
        var empty = true
        // "p < 0.001" and "p = 0.04" stay on one line: a comparison sign glues its neighbours.
        var words: [String] = []
        var glue = false
        for word in text.split(separator: " ").map(String.init) {
            if glue || ["<", ">", "="].contains(word), let last = words.popLast() {
                words.append(last + " " + word)
            } else {
                words.append(word)
            }
            glue = ["<", ">", "="].contains(word)
        }
        for word in words {
            if !empty, line.count + 1 + word.count > ReadOutTable.terminalWidth {
                lines.append(line)
                line = indent + word
            } else {
                line += (empty ? "" : " ") + word
            }
            empty = false
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}

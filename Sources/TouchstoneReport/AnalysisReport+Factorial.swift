import Foundation
import TouchstoneAnalysis
import TouchstoneStats

// MARK: - Factorial section (terminal, Markdown, HTML)

extension AnalysisReport {
    /// Effects of a 0/1 metric read in percentage points; others in the metric's units.
    static func factorialEffectText(_ value: Double, proportion: Bool, sign: Bool = true) -> String {
        guard value.isFinite else { return "—" }
        return proportion
            ? String(format: sign ? "%+.2f pp" : "%.2f pp", value * 100)
            : (sign && value > 0 ? "+" : "") + NumberFormatting.significant(value, digits: 4)
    }

    static func isProportion(_ factorial: AnalysisResult.Factorial, result: AnalysisResult) -> Bool {
        result.metrics.first { $0.name == factorial.metric }?.kind == .proportion
    }

    /// One sentence per main effect, in plain language: how much the channel adds on average
    /// over the other channels, and whether its effect depends on each other channel
    /// (two-way interactions; a difference of 2·E_ij between with and without). Significance
    /// is judged on the corrected p-values, like the ✱ marks.
    public static func factorialReading(_ factorial: AnalysisResult.Factorial, proportion: Bool, alpha: Double) -> [String] {
        var sentences: [String] = []
        for main in factorial.mainEffects {
            let amount = factorialEffectText(main.estimate, proportion: proportion)
            var sentence: String
            let significant = main.adjustedPValue < alpha
            if factorial.model == .additive {
                sentence = significant
                    ? "\(main.term) adds \(amount) in every combination under the additive model (adj. \(NumberFormatting.pValueClause(main.adjustedPValue)))"
                    : "\(main.term)'s effect under the additive model, \(amount), is not distinguishable from zero (adj. \(NumberFormatting.pValueClause(main.adjustedPValue)))"
            } else {
                sentence = significant
                    ? "\(main.term) adds \(amount) on average across the other channels (adj. \(NumberFormatting.pValueClause(main.adjustedPValue)))"
                    : "\(main.term)'s average effect across the other channels, \(amount), is not distinguishable from zero (adj. \(NumberFormatting.pValueClause(main.adjustedPValue)))"
            }
            if let lift = main.relativeEffect, lift.isFinite { sentence += ", a lift of \(NumberFormatting.percent(lift, digits: 1))" }
            var clauses: [String] = []
            for interaction in factorial.interactions {
                let parts = interaction.term.split(separator: ":").map(String.init)
                guard parts.count == 2, parts.contains(main.term), let other = parts.first(where: { $0 != main.term }) else { continue }
                let p = NumberFormatting.pValueClause(interaction.adjustedPValue)
                if interaction.adjustedPValue < alpha {
                    let difference = 2 * interaction.estimate
                    clauses.append("it adds \(factorialEffectText(abs(difference), proportion: proportion, sign: false)) \(difference > 0 ? "more" : "less") with \(other) than without (interaction adj. \(p))")
                } else if interaction.adjustedPValue.isFinite {
                    clauses.append("no detectable dependence on \(other) (interaction adj. \(p))")
                }
            }
            if !clauses.isEmpty { sentence += "; " + clauses.joined(separator: "; ") }
            sentences.append(sentence + ".")
        }
        let higher = factorial.interactions.filter { $0.term.split(separator: ":").count > 2 && $0.adjustedPValue < alpha }
        for interaction in higher {
            sentences.append("The \(interaction.term) interaction is significant (adj. \(NumberFormatting.pValueClause(interaction.adjustedPValue))): read the cell means of those combinations directly.")
        }
        if let fit = factorial.lackOfFit {
            sentences.append(fit.rejected
                ? "The additive model does not fit (lack of fit F = \(NumberFormatting.significant(fit.statistic)), \(NumberFormatting.pValueClause(fit.pValue))): channels interact, so prefer --factorial-model saturated."
                : "No evidence against the additive model (lack of fit F = \(NumberFormatting.significant(fit.statistic)) on \(fit.df) df, \(NumberFormatting.pValueClause(fit.pValue))).")
        }
        return sentences
    }

    private static func termRow(
        _ term: FactorialEffects.Term, proportion: Bool, alpha: Double, lift: Bool
    ) -> (cells: [String], significant: Bool) {
        let significant = term.adjustedPValue < alpha
        var cells = [
            term.term, factorialEffectText(term.estimate, proportion: proportion),
            "[\(factorialEffectText(term.ci.lower, proportion: proportion)), \(factorialEffectText(term.ci.upper, proportion: proportion))]",
        ]
        if lift {
            cells += [
                term.relativeEffect.map { NumberFormatting.percent($0) } ?? "",
                term.relativeCI.map { "[\(NumberFormatting.percent($0.lower)), \(NumberFormatting.percent($0.upper))]" } ?? "",
            ]
        }
        cells += [NumberFormatting.pValueShort(term.pValue), NumberFormatting.pValueShort(term.adjustedPValue), significant ? "*" : ""]
        return (cells, significant)
    }

    static func factorialTitle(_ factorial: AnalysisResult.Factorial) -> String {
        var title = "Channel effects on '\(factorial.metric)' — \(factorial.model.rawValue) model, \(factorial.covariance.rawValue) robust SE"
        if factorial.modelDegreesOfFreedom.isFinite { title += ", t on \(Int(factorial.modelDegreesOfFreedom)) df" }
        if let cuped = factorial.cuped {
            title += ", CUPED on '\(cuped.covariate)' (θ = \(NumberFormatting.significant(cuped.theta)))"
        }
        return title
    }

    /// The factorial block for the terminal and Markdown: main effects, interactions, a reading,
    /// then the simple effects vs control and each combination against its best single channel.
    static func factorialText(
        _ factorial: AnalysisResult.Factorial, result: AnalysisResult, markdown: Bool, confidence: Int
    ) -> String {
        let proportion = isProportion(factorial, result: result)
        let alpha = result.alpha
        func heading(_ text: String, level: String = "###") -> String { markdown ? "\(level) \(text)\n\n" : "\(prose(text))\n" }
        func render(_ table: TextTable) -> String { markdown ? table.renderMarkdown() : table.renderText() }
        var parts: [String] = []
        var text = heading(factorialTitle(factorial))
        if factorial.mainEffects.isEmpty {
            text += "  no classical main effects (see the notes below)"
        } else {
            var mains = TextTable(["main effect", "effect", "\(confidence)% CI", "lift", "\(confidence)% CI", "p", "adj. p", ""])
            for term in factorial.mainEffects {
                let row = termRow(term, proportion: proportion, alpha: alpha, lift: true)
                mains.append(row.cells, highlight: row.significant)
            }
            text += (markdown ? "" : "") + render(mains)
            text += markdown ? "\n\n" : "\n"
            text += factorial.model == .additive
                ? "  main effect = coefficient of y ~ channels (0/1), fitted on all units, no interactions"
                : "  main effect = average of the cell means with the channel − average without (each cell weighted equally)"
        }
        parts.append(text)
        if !factorial.interactions.isEmpty {
            var table = TextTable(["interaction", "effect", "\(confidence)% CI", "p", "adj. p", ""])
            for term in factorial.interactions {
                let row = termRow(term, proportion: proportion, alpha: alpha, lift: false)
                table.append(row.cells, highlight: row.significant)
            }
            parts.append(render(table) + "\n  interaction i:j = half the difference between i's effect with j and without j")
        }
        let reading = factorialReading(factorial, proportion: proportion, alpha: alpha)
        if !reading.isEmpty {
            parts.append((markdown ? "**Reading.** " : "Reading:\n  ") + reading.joined(separator: markdown ? " " : "\n  "))
        }
        var simple = TextTable(["simple effect vs control", "effect", "\(confidence)% CI", "p", "adj. p", "lift", "\(confidence)% CI", ""])
        for effect in factorial.effects {
            let relative = factorial.relativeEffects?.first { $0.term == effect.term }
            let adjusted = effect.adjustedPValue ?? effect.pValue
            simple.append([
                effect.term, NumberFormatting.significant(effect.estimate, digits: 5),
                "[\(NumberFormatting.significant(effect.ci.lower, digits: 5)), \(NumberFormatting.significant(effect.ci.upper, digits: 5))]",
                NumberFormatting.pValueShort(effect.pValue), NumberFormatting.pValueShort(adjusted),
                relative.map { NumberFormatting.percent($0.estimate) } ?? "",
                relative.map { "[\(NumberFormatting.percent($0.ci.lower)), \(NumberFormatting.percent($0.ci.upper))]" } ?? "",
                adjusted < alpha ? "*" : "",
            ], highlight: adjusted < alpha)
        }
        var tail = render(simple)
        tail += "\n  0/1 coding (OLS, \(Int(factorial.degreesOfFreedom)) df): 'email' = the e-mail-only arm vs control, 'email:push' = the interaction on that scale"
        for combination in factorial.combinations {
            tail += "\n  \(combination.variant) vs best single channel \(combination.bestSingle): "
            tail += "\(NumberFormatting.significant(combination.absoluteEffect, digits: 5)) "
            tail += "(lift \(NumberFormatting.percent(combination.relativeEffect)), \(NumberFormatting.pValueClause(combination.pValue))"
            if let adjusted = combination.adjustedPValue { tail += ", adj. \(NumberFormatting.pValueClause(adjusted))" }
            tail += ")"
        }
        for diagnostic in factorial.diagnostics ?? [] { tail += "\n  note: \(diagnostic.message)" }
        parts.append(tail)
        return parts.joined(separator: "\n\n")
    }

    // MARK: - HTML

    static func factorialSection(_ factorial: AnalysisResult.Factorial, result: AnalysisResult, confidence: Int) -> String {
        let e = HTMLEscaping.escape
        let alpha = result.alpha
        let proportion = isProportion(factorial, result: result)
        var html = "<section class=\"factorial\">\n<h2>Channel effects on “\(e(factorial.metric))”</h2>\n"
        html += "<p class=\"note\">\(e(factorialTitle(factorial))). "
        html += factorial.model == .additive
            ? "Main effects are the coefficients of the additive model y ~ channels (0/1), fitted on all units without interactions. "
            : "A channel’s main effect is the average of the cell means with it minus the average without it (every cell weighted equally, Box, Hunter &amp; Hunter); an interaction i:j is half the difference between i’s effect with j and without j. "
        html += "✱ marks terms significant after the \(e(result.correction.rawValue)) correction over this metric’s main effects and interactions.</p>\n"
        let reading = factorialReading(factorial, proportion: proportion, alpha: alpha)
        if !reading.isEmpty { html += "<p class=\"reading\"><strong>Reading.</strong> \(e(reading.joined(separator: " ")))</p>\n" }
        if !factorial.mainEffects.isEmpty {
            var plot = ForestPlot(
                metric: factorial.metric, axisLabel: "effect on \(factorial.metric) (\(confidence)% CI)",
                tickFormat: { proportion ? String(format: "%+.1f pp", $0 * 100) : NumberFormatting.significant($0, digits: 2) })
            for term in factorial.mainEffects + factorial.interactions {
                let significant = term.adjustedPValue < alpha
                let text = "\(factorialEffectText(term.estimate, proportion: proportion)) [\(factorialEffectText(term.ci.lower, proportion: proportion)), \(factorialEffectText(term.ci.upper, proportion: proportion))]"
                plot.rows.append(.init(
                    label: term.term.contains(":") ? "\(term.term) (interaction)" : "\(term.term) (main effect)",
                    estimate: term.estimate, lower: term.ci.lower, upper: term.ci.upper, significant: significant,
                    valueText: text, key: term.term))
            }
            html += "<figure>\n\(plot.svg())\n<figcaption>Main effects and interactions with \(confidence)% confidence intervals; filled squares and ✱ mark terms significant after correction.</figcaption>\n</figure>\n"
            for (title, terms, lift) in [("Main effects", factorial.mainEffects, true), ("Interactions", factorial.interactions, false)] where !terms.isEmpty {
                var headers = ["term", "effect [\(confidence)% CI]"]
                if lift { headers.append("lift [\(confidence)% CI]") }
                headers += ["p", "adj. p", "sig."]
                var table = HTMLTable(headers)
                for term in terms {
                    let significant = term.adjustedPValue < alpha
                    var cells = [
                        term.term,
                        "\(factorialEffectText(term.estimate, proportion: proportion)) [\(factorialEffectText(term.ci.lower, proportion: proportion)), \(factorialEffectText(term.ci.upper, proportion: proportion))]",
                    ]
                    if lift {
                        cells.append(term.relativeEffect.map { value in
                            "\(NumberFormatting.percent(value)) [\(term.relativeCI.map { "\(NumberFormatting.percent($0.lower)), \(NumberFormatting.percent($0.upper))" } ?? "—")]"
                        } ?? "—")
                    }
                    cells += [NumberFormatting.pValueShort(term.pValue), NumberFormatting.pValueShort(term.adjustedPValue), significant ? "✱ yes" : "no"]
                    table.append(cells, rowClass: significant ? "significant" : nil)
                }
                html += "<h3>\(title)</h3>\n" + table.render() + "\n"
            }
        }
        if let fit = factorial.lackOfFit {
            html += "<p class=\"note\">Lack of fit of the additive model: \(e(fit.method)); F = \(e(NumberFormatting.significant(fit.statistic))) on \(fit.df) and \(Int(fit.denominatorDF)) df, p = \(e(NumberFormatting.pValueShort(fit.pValue)))\(fit.rejected ? " — <strong>the additive model is contradicted by the data</strong>" : "").</p>\n"
        }
        var simple = HTMLTable(["term", "effect", "\(confidence)% CI", "p", "adj. p", "lift", "\(confidence)% CI"])
        for effect in factorial.effects {
            let adjusted = effect.adjustedPValue ?? effect.pValue
            let relative = factorial.relativeEffects?.first { $0.term == effect.term }
            simple.append([
                effect.term, NumberFormatting.significant(effect.estimate, digits: 5),
                "[\(NumberFormatting.significant(effect.ci.lower, digits: 5)), \(NumberFormatting.significant(effect.ci.upper, digits: 5))]",
                NumberFormatting.pValueShort(effect.pValue), NumberFormatting.pValueShort(adjusted),
                relative.map { NumberFormatting.percent($0.estimate) } ?? "",
                relative.map { "[\(NumberFormatting.percent($0.ci.lower)), \(NumberFormatting.percent($0.ci.upper))]" } ?? "",
            ], rowClass: adjusted < alpha ? "significant" : nil)
        }
        html += "<h3>Simple effects vs control</h3>\n<p class=\"note\">OLS on 0/1 channel indicators and their interactions, \(Int(factorial.degreesOfFreedom)) degrees of freedom; control mean \(e(NumberFormatting.significant(factorial.intercept, digits: 5))). "
        html += "Here “email” is the e-mail-only arm against control (not the main effect), and “email:push” the interaction on that scale.</p>\n"
        html += simple.render() + "\n"
        if !factorial.combinations.isEmpty {
            var combos = HTMLTable(["combination", "best single channel", "difference", "lift", "p", "adj. p"])
            for c in factorial.combinations {
                let adjusted = c.adjustedPValue ?? c.pValue
                combos.append([
                    c.variant, c.bestSingle, NumberFormatting.significant(c.absoluteEffect, digits: 5),
                    NumberFormatting.percent(c.relativeEffect), NumberFormatting.pValueShort(c.pValue), NumberFormatting.pValueShort(adjusted),
                ], rowClass: adjusted < alpha ? "significant" : nil)
            }
            html += "<h3>Each combination against the best single channel it contains</h3>\n" + combos.render() + "\n"
        }
        for diagnostic in factorial.diagnostics ?? [] { html += "<p class=\"note\">Note: \(e(diagnostic.message))</p>\n" }
        return html + "</section>"
    }
}

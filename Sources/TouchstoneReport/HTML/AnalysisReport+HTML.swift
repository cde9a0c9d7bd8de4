import Foundation
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats

extension AnalysisReport {
    /// A self-contained HTML read-out of an analysis: SRM banner, one forest plot of relative
    /// lift per metric (one interval per arm), the factorial effects, the sequential design and
    /// bootstrap intervals when present.
    public static func html(_ result: AnalysisResult) -> String {
        let confidence = NumberFormatting.confidence(alpha: result.alpha)
        var subtitle = "Control “\(result.control)”, \(result.method) analysis"
        if result.method == "bayesian" {
            subtitle += ", \(ReadOutTable.intervalName(result, confidence: confidence))s"
        } else {
            subtitle += ", α = \(result.alpha) (\(result.alternative.rawValue)), multiple-testing correction: \(result.correction.rawValue)"
        }
        if let prior = result.prior { subtitle += ", prior N(\(prior.mean), \(prior.stdDev)²) on the lift" }
        let title = result.experiment.map { "Experiment: \($0)" } ?? "Analysis against control “\(result.control)”"
        var document = HTMLDocument(title: title, subtitle: subtitle)
        if let summary = summaryBox(result) { document.append(summary) }
        if let srm = result.srm { document.append(srmBanner(srm)) }
        for warning in result.warnings where !(result.srm?.mismatch ?? false && warning.lowercased().contains("sample ratio")) {
            document.append("<div class=\"banner warn\" role=\"note\"><strong>Warning:</strong> \(HTMLEscaping.escape(warning))</div>")
        }
        if let balance = balanceLine(result) { document.append("<p class=\"note\">\(HTMLEscaping.escape(balance))</p>") }
        for metric in result.metrics { document.append(metricSection(metric, result: result, confidence: confidence)) }
        if let factorial = result.factorial { document.append(factorialSection(factorial, result: result, confidence: confidence)) }
        if result.method == "sequential" { document.append(sequentialSection(result, confidence: confidence)) }
        if let bootstrap = result.bootstrap, !bootstrap.isEmpty { document.append(bootstrapSection(bootstrap, confidence: confidence)) }
        if let segments = result.segments { document.append(segmentsSection(segments, result: result, confidence: confidence)) }
        if result.timeline != nil { document.append(timelineSection(result, confidence: confidence)) }
        document.append(footer(result))
        return document.render()
    }

    /// The box that opens the page: verdict, its reasons (the decisive metrics), each arm's
    /// verdict, SRM status, units and dates.
    static func summaryBox(_ result: AnalysisResult) -> String? {
        guard let decision = result.decision else { return nil }
        let e = HTMLEscaping.escape
        var html = "<section class=\"summary \(e(decision.verdict.rawValue))\" aria-label=\"Decision\">\n"
        html += "<p class=\"verdict\">Decision: \(e(DecisionText.headline(decision) { "“\($0)”" }))</p>\n<ul>\n"
        html += decision.reasons.map { "<li>\(e($0))</li>" }.joined(separator: "\n") + "\n</ul>\n<dl>\n"
        var facts: [(String, String)] = []
        if decision.variants.count > 1 {
            facts.append(("Per arm", decision.variants.map { "“\($0.variant)” \($0.verdict.rawValue)" }.joined(separator: ", ")))
        }
        if let srm = result.srm { facts.append(("Sample ratio", DecisionText.srm(srm))) }
        facts.append(("Units", DecisionText.units(decision)))
        if let dates = DecisionText.dates(decision) { facts.append(("Dates", dates)) }
        let roles = result.metrics.compactMap { metric in roleText(metric).map { "\(metric.name): \($0)" } }
        if !roles.isEmpty { facts.append(("Metrics", roles.joined(separator: "; "))) }
        html += facts.map { "<dt>\(e($0.0))</dt><dd>\(e($0.1))</dd>" }.joined(separator: "\n")
        return html + "\n</dl>\n</section>"
    }

    // MARK: - Sections

    static func srmBanner(_ srm: AnalysisResult.SRM) -> String {
        let e = HTMLEscaping.escape
        let counts = srm.observed.keys.sorted().map { name in
            "\(name): \(NumberFormatting.count(srm.observed[name] ?? 0)) observed vs \(NumberFormatting.roundedCount(srm.expected[name] ?? 0)) expected"
        }.joined(separator: "; ")
        let test = "χ² = \(NumberFormatting.significant(srm.chiSquare, digits: 3)), \(srm.pValueText)"
        if srm.mismatch {
            let short = srm.shortArmSentence.map { " \(e($0.prefix(1).uppercased() + $0.dropFirst()))." } ?? ""
            return "<div class=\"banner bad\" role=\"alert\"><strong>Sample ratio mismatch (\(e(test)), threshold p &lt; \(e("\(srm.threshold)"))).</strong>\(short) "
                + "The arms did not receive the traffic the design intended, so the effects below may be biased: "
                + "find the cause (assignment, logging, bots) before acting on them.<br />\(e(counts))</div>"
        }
        return "<div class=\"banner ok\" role=\"status\"><strong>Sample ratio check passed</strong> (\(e(test))). \(e(counts))</div>"
    }

    static func metricSection(_ metric: AnalysisResult.MetricResult, result: AnalysisResult, confidence: Int) -> String {
        let bayesian = result.method == "bayesian"
        let proportion = metric.kind == .proportion
        let intervalName = bayesian ? "credible interval" : (result.method == "sequential" ? "always-valid interval" : "CI")
        var plot = ForestPlot(
            metric: metric.name, axisLabel: "relative lift vs \(result.control) (\(confidence)% \(intervalName))",
            tickFormat: { NumberFormatting.percent($0, digits: abs($0) < 0.1 && $0 != 0 ? 1 : 0) })
        var table = HTMLTable([
            "variant", "units", valueHeading(metric),
            "abs. effect [\(confidence)% \(intervalName)]", "lift [\(confidence)% \(intervalName)\(relativeIntervalNote(result))]",
            bayesian ? "P(better)" : "p", bayesian ? "expected loss" : "adj. p", "result",
        ])
        table.tableClass = "readout"
        let ordered = metric.arms.filter { $0.variant.bytewiseEquals(result.control) }
            + metric.arms.filter { !$0.variant.bytewiseEquals(result.control) }
        let comparisons = metric.comparisonsByVariant
        let e = HTMLEscaping.escape
        for arm in ordered {
            // A quantile metric's arm shows its sample quantile, not the mean.
            let value = metric.kind == .quantile ? (arm.quantileValue ?? .nan) : arm.mean
            let level = proportion
                ? NumberFormatting.rate(value) : NumberFormatting.fixed(value, decimals: NumberFormatting.decimals(for: [value], significant: 4))
            guard let comparison = comparisons[arm.variant] else {
                table.append([arm.variant + " (control)", NumberFormatting.count(arm.units), level, "", "", "", "", ""])
                continue
            }
            let tone = Tone(comparison, direction: metric.direction)
            let relative = bayesian ? (comparison.credibleInterval ?? comparison.relativeCI) : comparison.relativeCI
            let lift = NumberFormatting.lift(comparison.relativeEffect, relative)
            let absolute = NumberFormatting.estimate(comparison.absoluteEffect, comparison.absoluteCI, scale: proportion ? 100 : 1, suffix: proportion ? " pp" : "")
            plot.rows.append(.init(
                label: comparison.variant, estimate: comparison.relativeEffect, lower: relative.lower, upper: relative.upper,
                significant: comparison.significant, valueText: "\(lift.value) \(lift.interval)", key: comparison.variant, tone: tone))
            let better = comparison.probabilityToBeatControl.map { metric.direction == .decrease ? 1 - $0 : $0 }
            let verdict = switch tone {
            case .better: "<span class=\"tone better\">▲ better</span>"
            case .worse: "<span class=\"tone worse\">▼ worse</span>"
            case .neutral: comparison.significant ? "✱ yes" : "—"
            }
            table.append(markup: [
                e(arm.variant), e(NumberFormatting.count(arm.units)), e(level),
                HTMLTable.estimateCell(absolute.value, absolute.interval), HTMLTable.estimateCell(lift.value, lift.interval),
                e(bayesian ? NumberFormatting.probability(better ?? .nan) : NumberFormatting.pValueShort(comparison.pValue)),
                e(bayesian ? NumberFormatting.expectedLoss(comparison.expectedLoss ?? .nan, proportion: proportion) : NumberFormatting.pValueShort(comparison.adjustedPValue)),
                verdict,
            ], rowClass: ([comparison.significant ? "significant" : nil, tone.cssClass].compactMap { $0 }.joined(separator: " ")).nilIfEmpty)
        }
        var html = "<section class=\"metric\">\n<h2>Metric “\(e(metric.name))” (\(e(metric.kind.rawValue))\(e(roleText(metric).map { ", " + $0 } ?? "")))</h2>\n"
        html += "<figure>\n\(plot.svg())\n<figcaption>Relative lift of each arm over “\(e(result.control))” with its \(confidence)% \(e(intervalName)); "
        html += "▲ (green) marks a significant change for the better and ▼ (red) for the worse, in the metric’s good direction\(bayesian ? "" : ", after correction").</figcaption>\n</figure>\n"
        html += table.render() + "\n"
        var notes: [String] = cupedLine(metric).map { [$0 + "."] } ?? []
        notes += diagnosticLines(metric).map { "N" + $0.dropFirst() }
        if let best = probabilityBestLine(metric) { notes.append(best + " (posterior probability that the arm has the highest mean).") }
        if let clusters = clusterLine(metric, result: result) { notes.append(clusters + ".") }
        if !notes.isEmpty { html += notes.map { "<p class=\"note\">\(e($0))</p>" }.joined(separator: "\n") + "\n" }
        return html + "</section>"
    }

    /// The result holds the always-valid interval at the current sample only (no per-look
    /// history), so this section states that rather than drawing a sequence it does not have.
    static func sequentialSection(_ result: AnalysisResult, confidence: Int) -> String {
        let e = HTMLEscaping.escape
        var html = "<section class=\"sequential\">\n<h2>Sequential testing</h2>\n"
        if let plan = result.groupSequential {
            let equal = plan.informationFractions.enumerated().allSatisfy { abs($1 - Double($0 + 1) / Double(plan.looks)) < 1e-12 }
            html += "<p>Group-sequential design with \(plan.looks) \(equal ? "equally spaced looks" : "looks at unequal information") (O’Brien–Fleming boundaries); this is look \(plan.look). "
            html += "A comparison may stop for efficacy when |z| ≥ \(e(String(format: "%.3f", plan.boundary))) (nominal two-sided p &lt; \(e(NumberFormatting.pValue(plan.nominalAlpha)))).</p>\n"
            var table = HTMLTable(["look", "information", "boundary |z|", ""])
            for (index, boundary) in plan.boundaries.enumerated() {
                let information = index < plan.informationFractions.count ? String(format: "%.3g", plan.informationFractions[index]) : ""
                table.append(["\(index + 1)", information, String(format: "%.3f", boundary), index + 1 == plan.look ? "◀ current look" : ""],
                             rowClass: index + 1 == plan.look ? "significant" : nil)
            }
            html += table.render() + "\n"
            var observed = HTMLTable(["metric", "variant", "z", "crosses boundary"])
            for metric in result.metrics {
                for c in metric.comparisons {
                    let crosses = abs(c.statistic) >= plan.boundary
                    observed.append([metric.name, c.variant, NumberFormatting.significant(c.statistic, digits: 4), crosses ? "✱ yes" : "no"],
                                    rowClass: crosses ? "significant" : nil)
                }
            }
            html += "<h3>Observed statistics at this look</h3>\n" + observed.render() + "\n"
        } else {
            html += "<p>Always-valid inference (mixture SPRT"
            html += result.tuning.map { ", tuning \(NumberFormatting.wholeNumber($0)) units" } ?? ""
            html += "): the \(confidence)% intervals in the forest plots above are the confidence sequence at the current sample size, "
            html += "valid however often the experiment is checked.</p>\n"
        }
        html += "<p class=\"note\">The saved result holds only the current look, so the confidence sequence over time cannot be drawn; "
        html += "re-run the analysis on each day’s data (or keep each day’s JSON) to follow it.</p>\n"
        return html + "</section>"
    }

    static func bootstrapSection(_ bootstrap: [AnalysisResult.BootstrapResult], confidence: Int) -> String {
        var table = HTMLTable(["metric", "variant", "quantile", "difference", "\(confidence)% CI", "lift", "\(confidence)% CI"])
        for b in bootstrap {
            let significant = b.ci.isDefined && (b.ci.lower > 0 || b.ci.upper < 0)
            table.append([
                b.metric, b.variant, "\(b.quantile)", NumberFormatting.significant(b.estimate, digits: 5),
                "[\(NumberFormatting.significant(b.ci.lower, digits: 5)), \(NumberFormatting.significant(b.ci.upper, digits: 5))]",
                NumberFormatting.percent(b.relativeEstimate),
                "[\(NumberFormatting.percent(b.relativeCI.lower)), \(NumberFormatting.percent(b.relativeCI.upper))]",
            ], rowClass: significant ? "significant" : nil)
        }
        let title = "Bootstrap quantile differences (\(bootstrap.first?.replicates ?? 0) replicates, seed \(bootstrap.first?.seed ?? 0))"
        return "<section class=\"bootstrap\">\n<h2>\(HTMLEscaping.escape(title))</h2>\n" + table.render() + "\n</section>"
    }

    static func footer(_ result: AnalysisResult) -> String {
        "<footer>\(HTMLEscaping.escape(legend(result))). Generated by touchstone; self-contained, no scripts.</footer>"
    }
}

extension String {
    /// nil for the empty string (an HTML attribute left out rather than empty).
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

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
        var subtitle = "Control “\(result.control)”, \(result.method) analysis, α = \(result.alpha) (\(result.alternative.rawValue))"
        if result.method != "bayesian" { subtitle += ", multiple-testing correction: \(result.correction.rawValue)" }
        if let prior = result.prior { subtitle += ", prior N(\(prior.mean), \(prior.stdDev)²) on the lift" }
        var document = HTMLDocument(title: "Experiment: \(result.experiment ?? "analysis")", subtitle: subtitle)
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

    // MARK: - Sections

    static func srmBanner(_ srm: AnalysisResult.SRM) -> String {
        let e = HTMLEscaping.escape
        let counts = srm.observed.keys.sorted().map { name in
            "\(name): \(NumberFormatting.count(srm.observed[name] ?? 0)) observed vs \(NumberFormatting.roundedCount(srm.expected[name] ?? 0)) expected"
        }.joined(separator: "; ")
        let test = "χ² = \(NumberFormatting.significant(srm.chiSquare)), p = \(NumberFormatting.pValue(srm.pValue))"
        if srm.mismatch {
            return "<div class=\"banner bad\" role=\"alert\"><strong>Sample ratio mismatch (\(e(test)), threshold p &lt; \(e("\(srm.threshold)"))).</strong> "
                + "The arms did not receive the traffic the design intended, so the effects below may be biased: "
                + "find the cause (assignment, logging, bots) before acting on them.<br />\(e(counts))</div>"
        }
        return "<div class=\"banner ok\" role=\"status\"><strong>Sample ratio check passed</strong> (\(e(test))). \(e(counts))</div>"
    }

    static func metricSection(_ metric: AnalysisResult.MetricResult, result: AnalysisResult, confidence: Int) -> String {
        let bayesian = result.method == "bayesian"
        let intervalName = bayesian ? "credible interval" : (result.method == "sequential" ? "always-valid interval" : "CI")
        var plot = ForestPlot(
            metric: metric.name, axisLabel: "relative lift vs \(result.control) (\(confidence)% \(intervalName))",
            tickFormat: { NumberFormatting.percent($0, digits: abs($0) < 0.1 && $0 != 0 ? 1 : 0) })
        var table = HTMLTable([
            "variant", "units", valueHeading(metric),
            "abs. effect [\(confidence)% CI]", "lift [\(confidence)% CI\(relativeIntervalNote(result))]",
            bayesian ? "P(beat control)" : "p", bayesian ? "expected loss" : "adj. p", "sig.",
        ])
        let scale = metric.kind == .proportion ? 100.0 : 1.0
        func effect(_ value: Double) -> String {
            metric.kind == .proportion
                ? (value.isFinite ? String(format: "%+.3f pp", value * scale) : "—")
                : NumberFormatting.significant(value, digits: 5)
        }
        let ordered = metric.arms.filter { $0.variant.bytewiseEquals(result.control) }
            + metric.arms.filter { !$0.variant.bytewiseEquals(result.control) }
        let comparisons = metric.comparisonsByVariant
        for arm in ordered {
            let level = armValue(arm, metric: metric, percentDigits: 3)
            guard let comparison = comparisons[arm.variant] else {
                table.append([arm.variant + " (control)", NumberFormatting.count(arm.units), level, "", "", "", "", ""])
                continue
            }
            let relative = bayesian ? (comparison.credibleInterval ?? comparison.relativeCI) : comparison.relativeCI
            let relativeText = "\(NumberFormatting.percent(comparison.relativeEffect)) [\(NumberFormatting.percent(relative.lower)), \(NumberFormatting.percent(relative.upper))]"
            plot.rows.append(.init(
                label: comparison.variant, estimate: comparison.relativeEffect, lower: relative.lower, upper: relative.upper,
                significant: comparison.significant, valueText: relativeText, key: comparison.variant))
            table.append([
                arm.variant, NumberFormatting.count(arm.units), level,
                "\(effect(comparison.absoluteEffect)) [\(effect(comparison.absoluteCI.lower)), \(effect(comparison.absoluteCI.upper))]",
                relativeText,
                bayesian ? String(format: "%.2f%%", (comparison.probabilityToBeatControl ?? .nan) * 100) : NumberFormatting.pValue(comparison.pValue),
                bayesian ? effect(comparison.expectedLoss ?? .nan) : NumberFormatting.pValue(comparison.adjustedPValue),
                comparison.significant ? "✱ yes" : "no",
            ], rowClass: comparison.significant ? "significant" : nil)
        }
        let e = HTMLEscaping.escape
        var html = "<section class=\"metric\">\n<h2>Metric “\(e(metric.name))” (\(e(metric.kind.rawValue)))</h2>\n"
        html += "<figure>\n\(plot.svg())\n<figcaption>Relative lift of each arm over “\(e(result.control))” with its \(confidence)% \(e(intervalName)); "
        html += "filled squares, thick lines and ✱ mark comparisons that are significant\(bayesian ? "" : " after correction").</figcaption>\n</figure>\n"
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
        let reading = result.method == "bayesian"
            ? "✱ means the posterior puts more than \(String(format: "%.1f%%", (1 - result.alpha / 2) * 100)) of its mass on one side of zero."
            : "✱ means significant after correction at α = \(result.alpha)" + (result.method == "sequential" ? " (always-valid p-values)." : ".")
        return "<footer>\(HTMLEscaping.escape(reading)) Generated by touchstone; self-contained, no scripts.</footer>"
    }
}

import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats

extension AnalysisReport {
    /// The segment read-out of the HTML page: per metric a forest plot of every treatment's
    /// absolute effect in every segment (grouped by variant, so a differing segment stands
    /// out), then the heterogeneity tests.
    static func segmentsSection(_ segments: AnalysisResult.Segments, result: AnalysisResult, confidence: Int) -> String {
        let e = HTMLEscaping.escape
        var html = "<section class=\"segments\">\n<h2>\(e(segmentHeading(segments, result: result)))</h2>\n"
        html += "<p class=\"note\">Each segment is analysed as its own experiment. Segment read-outs are exploratory: "
        html += "compare segments with the heterogeneity test below, not by which intervals exclude zero.</p>\n"
        for (index, metric) in result.metrics.enumerated() {
            var plot = ForestPlot(
                metric: metric.name, axisLabel: "absolute effect vs \(result.control) (\(confidence)% interval)",
                tickFormat: { NumberFormatting.significant($0, digits: 2) })
            let treatments = metric.comparisons.map(\.variant)
            let bySegment = segments.results.map { index < $0.metrics.count ? $0.metrics[index].comparisonsByVariant : [:] }
            for variant in treatments {
                for (number, segment) in segments.results.enumerated() where index < segment.metrics.count {
                    guard let c = bySegment[number][variant] else { continue }
                    let estimate = NumberFormatting.estimate(c.absoluteEffect, c.absoluteCI)
                    plot.rows.append(.init(
                        label: "\(variant) · \(segmentLabel(segment.segment))", estimate: c.absoluteEffect,
                        lower: c.absoluteCI.lower, upper: c.absoluteCI.upper, significant: c.significant,
                        valueText: "\(estimate.value) \(estimate.interval)", key: "\(variant)|\(segment.segment)",
                        tone: Tone(c, direction: metric.direction)))
                }
            }
            let interval = ReadOutTable.intervalName(result, confidence: confidence)
            var table = HTMLTable([
                "segment", "variant", "units", "mean", "abs. effect [\(interval)]", "lift",
                result.method == "bayesian" ? "P(better)" : "adj. p", "result",
            ])
            table.tableClass = "readout"
            for segment in segments.results where index < segment.metrics.count {
                let m = segment.metrics[index]
                let comparisons = m.comparisonsByVariant
                for arm in m.arms {
                    let c = comparisons[arm.variant]
                    let tone = c.map { Tone($0, direction: metric.direction) } ?? .neutral
                    let estimate = c.map { NumberFormatting.estimate($0.absoluteEffect, $0.absoluteCI) }
                    let evidence: String = c.map { c in
                        result.method == "bayesian"
                            ? NumberFormatting.probability(c.probabilityToBeatControl.map { metric.direction == .decrease ? 1 - $0 : $0 } ?? .nan)
                            : NumberFormatting.pValueShort(c.adjustedPValue)
                    } ?? ""
                    let verdict = switch tone {
                    case .better: "<span class=\"tone better\">▲ better</span>"
                    case .worse: "<span class=\"tone worse\">▼ worse</span>"
                    case .neutral: c == nil ? "" : (c?.significant ?? false ? "✱ yes" : "—")
                    }
                    table.append(markup: [
                        e(segmentLabel(segment.segment)), e(arm.variant + (c == nil ? " (control)" : "")), e(NumberFormatting.count(arm.units)),
                        e(NumberFormatting.fixed(arm.mean, decimals: NumberFormatting.decimals(for: [arm.mean], significant: 4))),
                        estimate.map { HTMLTable.estimateCell($0.value, $0.interval) } ?? "",
                        e(c.map { NumberFormatting.lift($0.relativeEffect, $0.relativeCI).value } ?? ""),
                        e(evidence), verdict,
                    ], rowClass: ([c?.significant ?? false ? "significant" : nil, tone.cssClass].compactMap { $0 }.joined(separator: " ")).nilIfEmpty)
                }
            }
            html += "<h3>Metric “\(e(metric.name))” by \(e(segments.by))</h3>\n<figure>\n\(plot.svg())\n"
            html += "<figcaption>Absolute effect of each arm in each segment; ▲ (green) and ▼ (red) mark significant changes for the better and the worse, in the metric’s good direction\(result.method == "bayesian" ? "" : ", after correction over the segment family").</figcaption>\n</figure>\n"
            html += "<details><summary>Table</summary>\n" + table.render() + "\n</details>\n"
        }
        for segment in segments.results {
            if let srm = segment.srm, srm.mismatch {
                html += "<div class=\"banner bad\" role=\"alert\"><strong>Sample ratio mismatch in segment “\(e(segmentLabel(segment.segment)))”</strong> "
                html += "(\(e(srm.pValueText))\(e(srm.shortArmSentence.map { "; " + $0 } ?? ""))): check assignment and logging for these units.</div>\n"
            }
        }
        if !segments.heterogeneity.isEmpty {
            var table = HTMLTable(heterogeneityHeader)
            for test in segments.heterogeneity {
                table.append(heterogeneityCells(test), rowClass: test.pValue < result.alpha ? "significant" : nil)
            }
            html += "<h3>Does the effect differ between segments?</h3>\n"
            html += "<p class=\"note\">Cochran’s Q test on the segments’ absolute effects (χ² with segments − 1 df, uncorrected p); "
            html += "I² is the share of the spread between segments beyond sampling error.</p>\n" + table.render() + "\n"
        }
        return html + "</section>"
    }
}

import Foundation
import TouchstoneData
import TouchstoneExperiment
import TouchstoneStats

/// `GET /`: a server-rendered page of every experiment in the config — arms and weights,
/// exposure counts, the SRM check — with the latest read-out (the `analyze --format html`
/// report, charts included) for experiments with configured metrics. It refreshes itself every
/// 30 seconds; no script, no build step.
enum StatusPage {
    static func render(config: LiveConfig.Snapshot, configPath: String, storePath: String, statistics: (commits: Int, requests: Int)) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"/><meta http-equiv="refresh" content="30"/>
            <title>Touchstone</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;color:#222}
            table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums}.ok{color:#1a7f37}.bad{color:#b42318;font-weight:600}
            iframe{width:100%;height:36rem;border:1px solid #ccc}small{color:#666}
            </style></head><body>
            <h1>Touchstone</h1>
            <p><small>config \(escape(configPath)) loaded \(escape(ISO8601DateFormatter().string(from: config.loadedAt))) ·
            store \(escape(storePath)) · \(statistics.requests) batches in \(statistics.commits) commits since start</small></p>

            """
        let store = try? ExposureStore(path: storePath, readOnly: true)
        for experiment in config.config.experiments {
            html += "<h2>\(escape(experiment.key))</h2>\n"
            let summary = try? store?.summary(experiment: experiment.key, examples: 0)
            let counts = Dictionary((summary?.variants ?? []).map { ($0.variant, $0.units) }, uniquingKeysWith: +)
            html += "<table><tr><th>arm</th><th>weight</th><th>exposed units</th></tr>\n"
            for variant in experiment.variants {
                html += "<tr><td>\(escape(variant.name))</td><td class=\"n\">\(variant.weight)</td><td class=\"n\">\(counts[variant.name] ?? 0)</td></tr>\n"
            }
            html += "</table>\n"
            guard let summary, summary.units > 0 else {
                html += "<p>No exposures yet.</p>\n"
                continue
            }
            if summary.multiVariantUnits > 0 {
                html += "<p class=\"bad\">\(summary.multiVariantUnits) units were exposed to more than one arm (excluded from analysis).</p>\n"
            }
            if let check = try? summary.srm(weights: experiment.variants.map { ($0.name, $0.weight) }) {
                let p = String(format: "%.4g", check.result.pValue)
                html += check.result.mismatch
                    ? "<p class=\"bad\">Sample ratio mismatch: p = \(p). Check assignment and exposure logging before trusting any effect.</p>\n"
                    : "<p class=\"ok\">SRM check passed (p = \(p)).</p>\n"
            } else {
                html += "<p>SRM check: not enough arms exposed yet.</p>\n"
            }
            if experiment.metrics.isEmpty {
                html += "<p><small>No <code>metrics:</code> in the config: ask <code>/v1/experiments/\(escape(experiment.key))/results?metric=EVENT</code>.</small></p>\n"
            } else {
                let path = "/v1/experiments/\(percentEncode(experiment.key))/report"
                html += "<p>Latest read-out (<a href=\"\(path)\">open</a>):</p><iframe src=\"\(path)\" title=\"read-out of \(escape(experiment.key))\"></iframe>\n"
            }
        }
        return html + "</body></html>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

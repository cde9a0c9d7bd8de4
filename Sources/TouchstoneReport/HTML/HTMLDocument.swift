/// A self-contained HTML page: inline CSS, inline SVG, no scripts, no fonts or images from
/// the network.
///
/// The markup is also well-formed XML (every element closed, attributes quoted, text escaped),
/// so tests can check it with an XML parser. Inline `<svg>` needs no namespace declaration in
/// HTML, which keeps the page free of any `http` reference.
struct HTMLDocument {
    var title: String
    var subtitle: String?
    /// Pre-rendered body fragments, in order.
    var sections: [String] = []

    init(title: String, subtitle: String? = nil) {
        self.title = title
        self.subtitle = subtitle
    }

    mutating func append(_ fragment: String) { sections.append(fragment) }

    /// A heading and its content in a `<section>`.
    mutating func section(_ heading: String, id: String? = nil, _ body: String) {
        let idAttribute = id.map { " id=\"\(HTMLEscaping.escape($0))\"" } ?? ""
        sections.append("<section\(idAttribute)>\n<h2>\(HTMLEscaping.escape(heading))</h2>\n\(body)\n</section>")
    }

    func render() -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <meta name="generator" content="touchstone" />
            <title>\(HTMLEscaping.escape(title))</title>
            <style>
            \(Self.css)
            </style>
            </head>
            <body>
            <main>
            <h1>\(HTMLEscaping.escape(title))</h1>

            """
        if let subtitle { page += "<p class=\"subtitle\">\(HTMLEscaping.escape(subtitle))</p>\n" }
        page += sections.joined(separator: "\n")
        page += "\n</main>\n</body>\n</html>\n"
        return page
    }

    /// System fonts only; colours pass WCAG AA contrast on white, and every colour-coded mark
    /// also has a text or shape cue: a significant change for the better is green with ▲ (an
    /// upward triangle in charts), for the worse red with ▼, judged by the metric's good
    /// direction. The page is fluid (no fixed width) and tables wrap their headers and put each
    /// interval under its estimate, so no table overflows a 1,000 px viewport.
    static let css = """
        :root { color-scheme: light; }
        body { margin: 0; background: #f6f7f9; color: #1d232b;
               font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1280px; margin: 0 auto; padding: 24px clamp(12px, 3vw, 28px) 48px; background: #ffffff; box-sizing: border-box; }
        h1 { font-size: 1.6em; margin: 0.2em 0; }
        h2 { font-size: 1.25em; margin: 1.6em 0 0.4em; border-bottom: 1px solid #d5dae1; padding-bottom: 0.2em; }
        h3 { font-size: 1.05em; margin: 1.2em 0 0.3em; }
        .subtitle { color: #4a5562; margin-top: 0; }
        .banner { border-radius: 6px; padding: 10px 14px; margin: 14px 0; border: 2px solid; }
        .banner.bad { background: #fdecea; border-color: #b3261e; color: #7a1410; }
        .banner.ok { background: #eaf5ec; border-color: #2e7d32; color: #1b4d1e; }
        .banner.warn { background: #fff6e0; border-color: #9a6700; color: #5c3d00; }
        .banner strong { font-weight: 700; }
        table { border-collapse: collapse; margin: 8px 0 14px; font-size: 0.84em; width: 100%; }
        th, td { padding: 4px 7px; border-bottom: 1px solid #e3e7ec; text-align: right; vertical-align: top; overflow-wrap: break-word; }
        th { white-space: normal; }
        td:first-child { overflow-wrap: anywhere; }
        table.readout td:not(:first-child) { white-space: nowrap; }
        td { font-variant-numeric: tabular-nums; }
        td .interval { display: block; color: #4a5562; font-size: 0.92em; white-space: nowrap; }
        th:first-child, td:first-child { text-align: left; }
        th { background: #eef1f5; font-weight: 600; }
        tr.significant td { font-weight: 600; }
        tr.better td { background: #edf7ee; }
        tr.worse td { background: #fdecea; color: #7a1410; }
        .tone.better { color: #1b6e2a; font-weight: 700; }
        .tone.worse { color: #b3261e; font-weight: 700; }
        .summary { border: 2px solid #9aa4b1; border-radius: 8px; padding: 12px 16px; margin: 14px 0 18px; }
        .summary.ship { border-color: #2e7d32; background: #f1f8f2; }
        .summary.roll-back { border-color: #b3261e; background: #fdf1f0; }
        .summary.keep-running { border-color: #9a6700; background: #fffaf0; }
        .summary .verdict { font-size: 1.35em; font-weight: 700; margin: 0 0 6px; }
        .summary ul { margin: 4px 0 8px; padding-left: 1.3em; }
        .summary dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0 0; font-size: 0.92em; }
        .summary dt { font-weight: 600; color: #4a5562; }
        .summary dd { margin: 0; }
        .mark { color: #0b5cad; font-weight: 700; }
        figure { margin: 10px 0 18px; }
        figcaption { color: #4a5562; font-size: 0.9em; }
        svg { max-width: 100%; height: auto; font-family: inherit; }
        svg text { fill: #1d232b; font-size: 12px; }
        svg .axis line, svg .axis path { stroke: #9aa4b1; }
        svg .grid { stroke: #e3e7ec; }
        svg .zero { stroke: #4a5562; stroke-dasharray: 4 3; }
        svg .ci line { stroke: #6b7685; stroke-width: 2; }
        svg .ci.significant line { stroke: #0b5cad; stroke-width: 3; }
        svg .ci .point { fill: #ffffff; stroke: #6b7685; stroke-width: 2; }
        svg .ci.significant .point { fill: #0b5cad; stroke: #0b5cad; }
        svg .ci.better line { stroke: #1b6e2a; }
        svg .ci.better .point { fill: #1b6e2a; stroke: #1b6e2a; }
        svg .ci.worse line { stroke: #b3261e; }
        svg .ci.worse .point { fill: #b3261e; stroke: #b3261e; }
        svg .ci.worse text.label { fill: #b3261e; }
        svg .ci.significant text.label { font-weight: 700; }
        svg .muted { fill: #4a5562; }
        svg .band { fill: #6b7685; fill-opacity: 0.18; stroke: none; }
        svg .estimate { fill: none; stroke: #4a5562; stroke-width: 2; }
        svg .point circle { fill: #ffffff; stroke: #4a5562; stroke-width: 1.5; }
        svg .point.significant circle { fill: #4a5562; }
        svg text.caveat { font-weight: 700; fill: #5c3d00; }
        .note { color: #4a5562; font-size: 0.9em; }
        .legend span { display: inline-block; margin-right: 14px; font-size: 0.9em; }
        .swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; border: 1px solid #1d232b; }
        footer { margin-top: 32px; color: #4a5562; font-size: 0.85em; }
        """
}

import TouchstoneAttribution
import TouchstoneTestSupport

/// Touchpoint logs whose times carry microseconds, for `TIMESTAMP`/`TIMESTAMPTZ` tables: the
/// paths query must compare them as ``TouchpointReader`` does, to the microsecond.
extension TouchpointLog {
    /// Hand-made units, one channel name per role so each path is recognisable (lookbacks of
    /// 7 days for clicks, 1 day for views and 1 day + 0.5 s are the interesting ones).
    static var subSecondEdges: TouchpointLog {
        let t = t0, d = day
        func row(_ unit: String, _ seconds: Int64, _ micro: Int64, _ channel: String?, conversion: Double = 0, value: Double = 0,
                 type: String? = "click") -> Row {
            Row(unit: unit, time: seconds, microsecond: micro, channel: channel, conversion: conversion, value: value,
                type: channel == nil ? nil : type)
        }
        return TouchpointLog(rows: [
            // Exactly 7 days before the conversion (dropped at 7d) and one microsecond later (kept).
            row("micro", t, 0, "m_old"),
            row("micro", t, 1, "m_new"),
            row("micro", t + 7 * d, 0, nil, conversion: 1, value: 1),
            // Ages 7d + 0.4 s (dropped) and 7d − 0.4 s (kept); read as whole seconds both would be
            // 7d exactly and dropped, so truncating the fraction changes this path.
            row("trunc", t, 100_000, "tr_out"),
            row("trunc", t, 900_000, "tr_in"),
            row("trunc", t + 7 * d, 500_000, nil, conversion: 1, value: 2),
            // Ages 1d + 0.5 s exactly (dropped at the 1d + 0.5 s lookback) and one microsecond younger (kept).
            row("half", t, 500_000, "h_out"),
            row("half", t, 500_001, "h_in"),
            row("half", t + d + 1, 0, nil, conversion: 1, value: 3),
            // One microsecond apart: time orders them, not the channel bytes (`tb` before `ta`);
            // the conversion ties with `ta` and takes it; `tc` is a trailing null journey.
            row("tie", t, 123_456, "tb"),
            row("tie", t, 123_457, nil, conversion: 1, value: 4),
            row("tie", t, 123_457, "ta"),
            row("tie", t, 123_458, "tc"),
            // Views exactly 1 day old (dropped at 1d) and one microsecond younger (kept); an old click.
            row("view", t, 0, "v_click"),
            row("view", t, 750_000, "v_out", type: "view"),
            row("view", t, 750_001, "v_in", type: "view"),
            row("view", t + d, 750_000, nil, conversion: 1, value: 5),
            // Before 1970: 1969-12-31T23:59:59.5Z, negative epoch microseconds.
            row("old", -1, 500_000, "o_touch"),
            row("old", 0, 250_000, nil, conversion: 1, value: 6),
        ], hasType: true)
    }

    /// The same rows with a random fraction added to each distinct second, so rows tied in time
    /// stay tied and ages stop being whole seconds.
    func withFractions(seed: UInt64) -> TouchpointLog {
        var generator = SeededGenerator(seed: seed)
        var fractions: [Int64: Int64] = [:]
        var copy = self
        for k in copy.rows.indices {
            let second = copy.rows[k].time
            if fractions[second] == nil {
                // A quarter stay whole seconds: ages between whole and fractional times occur too.
                fractions[second] = generator.nextUniform() < 0.25 ? 0 : Int64(generator.nextInt(below: 1_000_000))
            }
            copy.rows[k].microsecond = fractions[second] ?? 0
        }
        return copy
    }
}

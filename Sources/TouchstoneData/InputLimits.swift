/// Bounds the readers put on their input, so that a hostile or broken file costs a clear error
/// rather than gigabytes of memory or minutes of work (listed in docs/reliability.md).
///
/// The bounds are far above anything a real log or table needs: a unit id, variant or event
/// name is a few dozen bytes, a wide table a few hundred columns.
public enum InputLimits {
    /// The longest field (CSV) or string (JSON Lines) accepted: 1 MiB.
    public static let maximumFieldBytes = 1 << 20
    /// The most columns a CSV header or record, or keys a JSON Lines input, may have: 10,000.
    public static let maximumColumns = 10_000
}

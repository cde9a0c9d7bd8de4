/// A pre-period balance check of one covariate between two arms: did the arms already differ
/// before the experiment began (a broken randomisation, a mis-specified exposure, a pre-period
/// window that overlaps the treatment)?
///
/// The standardised difference (Austin 2009, "Balance diagnostics for comparing the
/// distribution of baseline covariates between treatment groups", Stat. Med. 28, eq. 1) and
/// Welch's t test of the difference in means:
/// ```
/// d = (x̄_t − x̄_c) / √((s²_t + s²_c) / 2)
/// t = (x̄_t − x̄_c) / √(s²_t/n_t + s²_c/n_c),  ν Welch–Satterthwaite
/// ```
/// Under randomisation the covariate is independent of the arm, so p is uniform and d shrinks
/// like 1/√n; a small p says the arms differed before treatment, whatever the effect estimate.
public struct CovariateBalance: Sendable, Hashable {
    /// d; ±∞ when both arms are constant at different values, 0 at equal ones, NaN when an arm
    /// has fewer than 2 units.
    public var standardizedDifference: Double
    /// The two-sided Welch p-value; NaN when it is undefined (an arm with fewer than 2 units,
    /// both arms constant and equal), 0 when both arms are constant at different values.
    public var pValue: Double

    public init(control: SufficientStatistics, treatment: SufficientStatistics) {
        let difference = treatment.mean - control.mean
        let pooled = ((treatment.variance + control.variance) / 2).squareRoot()
        if pooled > 0 {
            standardizedDifference = difference / pooled
        } else if pooled == 0 {
            standardizedDifference = difference == 0 ? 0 : (difference > 0 ? .infinity : -.infinity)
        } else {
            standardizedDifference = .nan
        }
        let test = WelchTTest.compare(control: control, treatment: treatment)
        if test.standardError == 0, control.count > 1, treatment.count > 1 {
            pValue = difference == 0 ? 1 : 0
        } else {
            pValue = test.pValue
        }
    }
}

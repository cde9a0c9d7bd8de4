import ArgumentParser

/// `--pre-exposure-covariates [own|all]`: which pre-period values adjust each raw-log metric.
enum PreExposureCovariates: String, CaseIterable, ExpressibleByArgument {
    /// Each metric by its own pre-period value (the one-covariate CUPED).
    case own
    /// Every metric by the pre-period values of all requested metrics (CUPED with several covariates).
    case all
}

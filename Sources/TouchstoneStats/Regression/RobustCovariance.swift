/// Heteroscedasticity-consistent ("sandwich") covariance estimators of OLS coefficients
/// (White 1980; MacKinnon & White 1985), named as in statsmodels' `cov_type`:
/// ```
/// V = (X'X)⁻¹ (Σᵢ ωᵢ eᵢ² xᵢxᵢ') (X'X)⁻¹
/// HC0: ωᵢ = 1      HC1: ωᵢ = n / (n − p)      HC3: ωᵢ = 1 / (1 − hᵢ)²,  hᵢ = xᵢ'(X'X)⁻¹xᵢ
/// ```
/// HC3 is the default: it behaves best when cells are small or unbalanced (Long & Ervin, "Using
/// Heteroscedasticity Consistent Standard Errors in the Linear Regression Model", Am. Stat. 2000).
public enum RobustCovariance: String, Sendable, Hashable, Codable, CaseIterable {
    case hc0 = "HC0"
    case hc1 = "HC1"
    case hc3 = "HC3"

    /// Parses `hc1`, `HC3`, … (any letter case).
    public init?(argument: String) {
        self.init(rawValue: argument.uppercased())
    }
}

/// The design effect of randomising clusters of units (households, stores) instead of units.
///
/// With m units per cluster and intra-cluster correlation ρ, the variance of an arm's mean is
/// inflated by the design effect (Kish 1965, §5.4; Donner & Klar, "Design and Analysis of
/// Cluster Randomization Trials", 2000, eq. 5.1):
/// ```
/// DE = 1 + (m − 1) ρ
/// ```
/// so a cluster-randomised experiment needs DE times the units of an individually randomised
/// one for the same power (n_cluster = DE · n), in ⌈n_cluster / m⌉ clusters per arm; a given
/// sample of n units detects what n / DE independent units would.
public struct ClusterDesign: Sendable, Hashable, Codable {
    /// ρ, the intra-cluster correlation in [0, 1].
    public var intraclassCorrelation: Double
    /// m, the (average) number of units per cluster.
    public var clusterSize: Double
    /// DE = 1 + (m − 1) ρ.
    public var designEffect: Double
    /// Clusters per arm: ⌈samplePerArm / m⌉.
    public var clustersPerArm: Int

    /// Validates ρ ∈ [0, 1] and m ≥ 1.
    public init(intraclassCorrelation rho: Double, clusterSize m: Double) throws {
        guard rho >= 0, rho <= 1 else { throw StatsError("the intra-cluster correlation must lie in [0, 1] (got \(rho))") }
        guard m >= 1, m <= 1e9 else { throw StatsError("the cluster size must be at least 1 unit (got \(m))") }
        intraclassCorrelation = rho
        clusterSize = m
        designEffect = 1 + (m - 1) * rho
        clustersPerArm = 0
    }
}

extension ExperimentDesign {
    /// The sample a cluster-randomised experiment needs to detect `mde`: the individually
    /// randomised sample times the design effect.
    public static func forEffect(
        _ analysis: PowerAnalysis, mde: Double, dailyUnits: Double? = nil, cluster: ClusterDesign
    ) throws -> ExperimentDesign {
        let exact = try analysis.samplePerArm(effect: mde) * cluster.designEffect
        var design = try make(analysis, exact: exact, mde: mde, dailyUnits: dailyUnits)
        design.cluster = clustered(cluster, samplePerArm: design.samplePerArm)
        return design
    }

    /// The MDE of `samplePerArm` units per arm randomised in clusters: that of samplePerArm / DE
    /// independent units.
    public static func forSample(
        _ analysis: PowerAnalysis, samplePerArm: Int, dailyUnits: Double? = nil, cluster: ClusterDesign
    ) throws -> ExperimentDesign {
        guard samplePerArm > 0 else { throw StatsError("the sample per arm must be positive") }
        let mde = try analysis.minimumDetectableEffect(samplePerArm: Double(samplePerArm) / cluster.designEffect)
        var design = try make(analysis, exact: Double(samplePerArm), mde: mde, dailyUnits: dailyUnits)
        design.cluster = clustered(cluster, samplePerArm: design.samplePerArm)
        return design
    }

    private static func clustered(_ cluster: ClusterDesign, samplePerArm: Int) -> ClusterDesign {
        var result = cluster
        result.clustersPerArm = Int((Double(samplePerArm) / cluster.clusterSize).rounded(.up))
        return result
    }
}

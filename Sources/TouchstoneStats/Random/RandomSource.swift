import CGSL

/// A seeded pseudo-random source (GSL's MT19937, Matsumoto & Nishimura 1998).
///
/// The same seed gives the same stream on every machine, which makes simulations, bootstrap
/// intervals and generated data sets reproducible. The GSL generator is not thread-safe, so
/// this class is deliberately not `Sendable`: give each task its own source (for instance
/// seeded `seed &+ taskIndex`).
public final class RandomSource {
    private let generator: OpaquePointer

    /// Creates a generator seeded with `seed` (GSL maps seed 0 to its default seed 4357).
    public init(seed: UInt64) {
        GSL.ready()
        // gsl_rng_alloc only fails when out of memory, where no recovery is possible anyway.
        guard let handle = gsl_rng_alloc(cgsl_rng_mt19937()) else {
            preconditionFailure("GSL could not allocate a random number generator")
        }
        generator = OpaquePointer(handle)
        gsl_rng_set(handle, UInt(truncatingIfNeeded: seed))
    }

    deinit {
        gsl_rng_free(pointer)
    }

    private var pointer: UnsafeMutablePointer<gsl_rng> { UnsafeMutablePointer(generator) }

    /// Uniform on [0, 1).
    public func uniform() -> Double { gsl_rng_uniform(pointer) }

    /// Uniform integer in 0..<n (n ≥ 1).
    public func integer(below n: Int) -> Int {
        guard n > 1 else { return 0 }
        if n <= Int(UInt32.max) { return Int(gsl_rng_uniform_int(pointer, UInt(n))) }
        return min(n - 1, Int(uniform() * Double(n)))
    }

    /// Normal with the given mean and standard deviation.
    public func normal(mean: Double = 0, stdDev: Double = 1) -> Double {
        mean + gsl_ran_gaussian_ziggurat(pointer, stdDev)
    }

    /// Binomial(n, p) count.
    public func binomial(trials: Int, probability: Double) -> Int {
        guard trials > 0 else { return 0 }
        if trials <= Int(UInt32.max) {
            return Int(gsl_ran_binomial(pointer, probability, UInt32(trials)))
        }
        // Beyond 32-bit trial counts the normal approximation is exact to far below one count's share.
        let mean = Double(trials) * probability
        let sd = (mean * (1 - probability)).squareRoot()
        return max(0, min(trials, Int(normal(mean: mean, stdDev: sd).rounded())))
    }

    /// Bernoulli(p) outcome.
    public func bernoulli(_ probability: Double) -> Bool { uniform() < probability }

    /// Poisson(μ) count.
    public func poisson(mean: Double) -> Int { Int(gsl_ran_poisson(pointer, mean)) }

    /// Exponential with the given mean.
    public func exponential(mean: Double) -> Double { gsl_ran_exponential(pointer, mean) }

    /// Log-normal: exp(N(μ, σ)).
    public func logNormal(mu: Double, sigma: Double) -> Double { gsl_ran_lognormal(pointer, mu, sigma) }

    /// Beta(a, b).
    public func beta(_ a: Double, _ b: Double) -> Double { gsl_ran_beta(pointer, a, b) }

    /// Gamma with shape k and scale θ.
    public func gamma(shape: Double, scale: Double) -> Double { gsl_ran_gamma(pointer, shape, scale) }
}

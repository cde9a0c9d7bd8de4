// swift-tools-version: 6.1
// Benchmarks live in their own package so `swift build` / `swift test` of Touchstone never
// compile ordo-one/benchmark (docs/architecture.md). Run: cd Benchmarks && swift package benchmark
import PackageDescription

// A `.package(path: "..")` dependency is identified by its folder name, which differs between
// clones (a worktree, a CI checkout): derive it instead of hard-coding "touchstone".
let rootIdentity = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "touchstone"

let package = Package(
    name: "TouchstoneBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "AssignmentBenchmarks",
            dependencies: [
                .product(name: "TouchstoneExperiment", package: rootIdentity),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/AssignmentBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "IngestBenchmarks",
            dependencies: [
                .product(name: "TouchstoneData", package: rootIdentity),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/IngestBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "StatsBenchmarks",
            dependencies: [
                .product(name: "TouchstoneStats", package: rootIdentity),
                .product(name: "TouchstoneAnalysis", package: rootIdentity),
                .product(name: "TouchstoneData", package: rootIdentity),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/StatsBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "AttributionBenchmarks",
            dependencies: [
                .product(name: "TouchstoneAttribution", package: rootIdentity),
                .product(name: "TouchstoneData", package: rootIdentity),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/AttributionBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "TimelineBenchmarks",
            dependencies: [
                .product(name: "TouchstoneAnalysis", package: rootIdentity),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/TimelineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)

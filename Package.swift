// swift-tools-version: 6.1
import PackageDescription

// Swift 6 language mode everywhere; existentials spelled `any` as in swift-log.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Touchstone",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "touchstone", targets: ["touchstone"]),
        .library(name: "TouchstoneTime", targets: ["TouchstoneTime"]),
        .library(name: "TouchstoneStats", targets: ["TouchstoneStats"]),
        .library(name: "TouchstoneExperiment", targets: ["TouchstoneExperiment"]),
        .library(name: "TouchstoneData", targets: ["TouchstoneData"]),
        .library(name: "TouchstoneAnalysis", targets: ["TouchstoneAnalysis"]),
        .library(name: "TouchstoneAttribution", targets: ["TouchstoneAttribution"]),
        .library(name: "TouchstoneReport", targets: ["TouchstoneReport"]),
    ],
    dependencies: [
        // Command-line parsing for the thin `touchstone` executable.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Experiment configs: YAML, and JSON too (JSON is YAML flow syntax, so one parser gives both formats line:column errors; see ConfigNode).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // PostgreSQL wire protocol for `analyze --postgres` (push-down aggregation); only the
        // TouchstonePostgres target and the executable depend on it, so the libraries stay NIO-free.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: - C
        .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // The async-signal-safe handler that removes an unfinished `--output` temporary file.
        .target(name: "CSignalCleanup"),

        // MARK: - Libraries
        // Timestamps, durations, the calendar and the window rule: a leaf every reader shares.
        .target(name: "TouchstoneTime", swiftSettings: strictSettings),
        .target(name: "TouchstoneStats", dependencies: ["CGSL"], swiftSettings: strictSettings),
        .target(
            name: "TouchstoneExperiment",
            dependencies: ["TouchstoneTime", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "TouchstoneData",
            dependencies: ["CSQLite", "CSignalCleanup", "TouchstoneExperiment", "TouchstoneStats", "TouchstoneTime"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "TouchstoneAnalysis",
            dependencies: ["TouchstoneData", "TouchstoneExperiment", "TouchstoneStats", "TouchstoneTime"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "TouchstonePostgres",
            dependencies: ["TouchstoneData", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "TouchstoneAttribution",
            dependencies: ["TouchstoneStats", "TouchstoneData", "TouchstoneTime"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "TouchstoneReport",
            dependencies: ["TouchstoneAnalysis", "TouchstoneAttribution", "TouchstoneStats", "TouchstoneTime"],
            swiftSettings: strictSettings
        ),

        // MARK: - Executable
        .executableTarget(
            name: "touchstone",
            dependencies: [
                "TouchstoneTime", "TouchstoneStats", "TouchstoneExperiment", "TouchstoneData", "TouchstoneAnalysis",
                "TouchstoneAttribution", "TouchstoneReport", "TouchstonePostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: - Tests
        .target(name: "TouchstoneTestSupport", path: "Sources/TouchstoneTestSupport", swiftSettings: strictSettings),
        .testTarget(
            name: "TouchstoneTimeTests",
            dependencies: ["TouchstoneTime", "TouchstoneTestSupport"],
            exclude: ["Fixtures"],  // read by path (TimeStringTable), as the CLI tests share it
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TouchstoneStatsTests",
            dependencies: ["TouchstoneStats", "TouchstoneTestSupport", "CGSL"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TouchstoneExperimentTests",
            dependencies: ["TouchstoneExperiment", "TouchstoneTestSupport", "TouchstoneStats", "TouchstoneTime"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TouchstoneDataTests",
            dependencies: ["TouchstoneData", "TouchstoneTestSupport", "TouchstoneTime"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TouchstoneAnalysisTests",
            dependencies: ["TouchstoneAnalysis", "TouchstoneTestSupport", "TouchstoneTime"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TouchstoneAttributionTests",
            dependencies: ["TouchstoneAttribution", "TouchstoneStats", "TouchstoneTestSupport", "TouchstoneTime"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TouchstoneReportTests",
            dependencies: ["TouchstoneReport", "TouchstoneAnalysis", "TouchstoneAttribution", "TouchstoneTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TouchstonePushDownTests",
            dependencies: [
                "TouchstoneAnalysis", "TouchstoneData", "TouchstonePostgres", "TouchstoneTestSupport", "TouchstoneTime",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TouchstoneCLITests",
            dependencies: ["touchstone", "TouchstoneTestSupport"],
            exclude: ["Snapshots", "Fixtures"],
            swiftSettings: strictSettings
        ),
    ]
)

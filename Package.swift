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
        .library(name: "TouchstoneServer", targets: ["TouchstoneServer"]),
    ],
    dependencies: [
        // Command-line parsing for the thin `touchstone` executable.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Experiment configs: YAML, and JSON too (JSON is YAML flow syntax, so one parser gives both formats line:column errors; see ConfigNode).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // PostgreSQL wire protocol for `analyze --postgres` (push-down aggregation); only the
        // TouchstonePostgres target and the executable depend on it, so the libraries stay NIO-free.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // HTTP server for `touchstone serve`. It runs on swift-nio, which postgres-nio already
        // brings; its default traits (swift-configuration support, full Foundation) are left off
        // to keep the build light. swift-service-lifecycle and swift-log come with it; they are
        // named here because the server target uses them directly (graceful shutdown, logger).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Hummingbird's own HTTP part types, named because `FastAssignHandler` sits in its channel
        // pipeline; both come with Hummingbird (same versions, same traits: none).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0", traits: []),
    ],
    targets: [
        // MARK: - C
        .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // The async-signal-safe handler that removes an unfinished `--output` temporary file.
        .target(name: "CSignalCleanup"),
        // The cache prefetch hint the unit index uses when rows are known ahead.
        .target(name: "CPrefetch"),

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
            dependencies: ["CPrefetch", "CSQLite", "CSignalCleanup", "TouchstoneExperiment", "TouchstoneStats", "TouchstoneTime"],
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

        // The HTTP server of `touchstone serve`: routes over the same assignment, store and
        // analysis code as the command line; the only target (with the executable) that links Hummingbird.
        .target(
            name: "TouchstoneServer",
            dependencies: [
                "TouchstoneAnalysis", "TouchstoneData", "TouchstoneExperiment", "TouchstoneReport", "TouchstoneStats",
                "TouchstoneTime",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: - Executable
        .executableTarget(
            name: "touchstone",
            dependencies: [
                "TouchstoneTime", "TouchstoneStats", "TouchstoneExperiment", "TouchstoneData", "TouchstoneAnalysis",
                "TouchstoneAttribution", "TouchstoneReport", "TouchstonePostgres", "TouchstoneServer",
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
                "TouchstoneAnalysis", "TouchstoneAttribution", "TouchstoneData", "TouchstonePostgres", "TouchstoneTestSupport", "TouchstoneTime",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TouchstoneServerTests",
            dependencies: [
                "touchstone", "TouchstoneServer", "TouchstoneData", "TouchstoneExperiment", "TouchstoneReport",
                "TouchstoneTestSupport",
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

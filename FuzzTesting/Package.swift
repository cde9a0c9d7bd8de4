// swift-tools-version: 6.1
// libFuzzer targets for Touchstone's input readers. A separate package, so `swift build` /
// `swift test` of Touchstone never build it. Run: Scripts/fuzz.sh TARGET SECONDS
// (docs/reliability.md, "Fuzzing": release build with `--sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address`).
import PackageDescription

// A `.package(path: "..")` dependency is identified by its folder name, which differs between
// clones (a worktree, a CI checkout): derive it instead of hard-coding "touchstone".
let rootIdentity = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "touchstone"

let package = Package(
    name: "TouchstoneFuzzTesting",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [
        // Each target's file must be `main.swift` (another name fails to link) and define LLVMFuzzerTestOneInput.
        .executableTarget(
            name: "FuzzCSV",
            dependencies: [.product(name: "TouchstoneData", package: rootIdentity)]
        ),
        .executableTarget(
            name: "FuzzConfig",
            dependencies: [.product(name: "TouchstoneExperiment", package: rootIdentity)]
        ),
        .executableTarget(
            name: "FuzzTargeting",
            dependencies: [.product(name: "TouchstoneExperiment", package: rootIdentity)]
        ),
        .executableTarget(
            name: "FuzzPaths",
            dependencies: [
                .product(name: "TouchstoneAttribution", package: rootIdentity),
                .product(name: "TouchstoneTime", package: rootIdentity),
            ]
        ),
        .executableTarget(
            name: "FuzzJSONLines",
            dependencies: [.product(name: "TouchstoneData", package: rootIdentity)]
        ),
        .executableTarget(
            name: "FuzzPowerSums",
            dependencies: [
                .product(name: "TouchstoneData", package: rootIdentity),
                .product(name: "TouchstoneAnalysis", package: rootIdentity),
            ]
        ),
        .executableTarget(
            name: "FuzzStore",
            dependencies: [.product(name: "TouchstoneData", package: rootIdentity)]
        ),
        .executableTarget(
            name: "FuzzReport",
            dependencies: [.product(name: "TouchstoneReport", package: rootIdentity)]
        ),
    ]
)

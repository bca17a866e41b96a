// swift-tools-version: 6.1
// Dysta: scheduling sparse multi-DNN workloads on shared accelerators.

import PackageDescription

let package = Package(
    name: "Dysta",
    platforms: [.macOS(.v13)],
    products: [
        .library(
            name: "Dysta",
            targets: [
                "DystaCore", "DystaParsing", "DystaAccelerators", "DystaTraces", "DystaScheduling",
                "DystaSimulation", "DystaReports", "DystaBenchmark", "DystaSweeps", "DystaExperiments", "DystaHardware",
                "DystaRegistries",
            ]),
        .library(name: "DystaCLI", targets: ["DystaCLI"]),
        .executable(name: "dysta", targets: ["dysta"]),
        // The engine as a C library for the Python package (docs/python.md).
        .library(name: "DystaFFI", type: .dynamic, targets: ["DystaFFI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Domain: workloads, traces, look-up tables, requests, errors, seeded random streams.
        .target(name: "DystaCore"),
        // Generic text parsing: CSV tables, exact decimal numbers, name=value option lists.
        .target(name: "DystaParsing", dependencies: ["DystaCore"]),
        // Accelerator latency models (Sanger, Eyeriss-V2, table) behind one protocol.
        .target(name: "DystaAccelerators", dependencies: ["DystaCore"]),
        // File formats: artifact CSV traces, native traces, request tables.
        .target(name: "DystaTraces", dependencies: ["DystaCore", "DystaParsing"]),
        // Sparsity predictors and scheduling policies.
        .target(name: "DystaScheduling", dependencies: ["DystaCore", "DystaParsing"]),
        // The hardware level: a bit-accurate model of Dysta's dynamic scheduler (policy `dysta-hw`).
        .target(name: "DystaHardware", dependencies: ["DystaCore", "DystaParsing", "DystaScheduling"]),
        // The plug-in point: the registries of policies, predictors and latency models.
        .target(name: "DystaRegistries", dependencies: ["DystaCore", "DystaAccelerators", "DystaScheduling", "DystaHardware"]),
        // Request generation, the layer-granularity engine and metrics.
        .target(
            name: "DystaSimulation",
            dependencies: ["DystaCore", "DystaScheduling"]),
        // Tables, CSV and JSON output.
        .target(name: "DystaReports", dependencies: ["DystaCore", "DystaSimulation"]),
        // The benchmark traces measured on real models, shipped as package resources.
        .target(
            name: "DystaBenchmark",
            dependencies: ["DystaCore", "DystaTraces"],
            resources: [.copy("workloads")]),
        // Parameter sweeps: grids and experiment files, run descriptions, scenarios, the
        // crash-safe store, tidy outputs and plots — everything a user of sweeps needs.
        .target(
            name: "DystaSweeps",
            dependencies: [
                "DystaCore", "DystaParsing", "DystaAccelerators", "DystaTraces", "DystaScheduling", "DystaSimulation",
                "DystaReports", "DystaBenchmark", "DystaHardware", "DystaRegistries",
                .product(name: "Yams", package: "Yams"),
            ]),
        // The paper's experiments (reproduce), the studies beyond it and the results report.
        .target(
            name: "DystaExperiments",
            dependencies: [
                "DystaCore", "DystaParsing", "DystaAccelerators", "DystaScheduling", "DystaSimulation",
                "DystaReports", "DystaBenchmark", "DystaHardware", "DystaSweeps",
            ]),
        // The `dysta` command line as a library (DystaCommandLine.main(registries:)).
        .target(
            name: "DystaCLI",
            dependencies: [
                "DystaCore", "DystaAccelerators", "DystaTraces", "DystaScheduling",
                "DystaSimulation", "DystaReports", "DystaBenchmark", "DystaSweeps", "DystaExperiments", "DystaHardware",
                "DystaRegistries", "DystaParsing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // The C interface the Python package loads (ctypes): commands in process, policies written in Python.
        .target(
            name: "DystaFFI",
            dependencies: ["DystaCLI", "DystaCore", "DystaRegistries", "DystaScheduling", "DystaBenchmark"]),
        // The `dysta` executable.
        .executableTarget(name: "dysta", dependencies: ["DystaCLI"]),
        // The example package's program (Examples/custom-policy), compiled here so the tests run it.
        .executableTarget(
            name: "my-dysta",
            dependencies: ["DystaCLI", "DystaRegistries", "DystaScheduling"],
            path: "Examples/custom-policy/Sources/my-dysta"),
        .target(
            name: "DystaTestSupport",
            dependencies: ["DystaCore", "DystaParsing", "DystaTraces", "DystaAccelerators"],
            path: "Tests/DystaTestSupport",
            resources: [.copy("Fixtures")]),
        .testTarget(name: "DystaCoreTests", dependencies: ["DystaCore", "DystaTestSupport"]),
        .testTarget(name: "DystaParsingTests", dependencies: ["DystaParsing", "DystaCore", "DystaTestSupport"]),
        .testTarget(
            name: "DystaAcceleratorsTests", dependencies: ["DystaAccelerators", "DystaTestSupport"]),
        .testTarget(
            name: "DystaTracesTests",
            dependencies: ["DystaTraces", "DystaSimulation", "DystaTestSupport", "DystaBenchmark"]),
        .testTarget(
            name: "DystaSchedulingTests",
            dependencies: ["DystaScheduling", "DystaSimulation", "DystaTestSupport"]),
        .testTarget(
            name: "DystaSimulationTests",
            dependencies: ["DystaSimulation", "DystaScheduling", "DystaTestSupport", "DystaAccelerators", "DystaBenchmark"]),
        .testTarget(
            name: "DystaHardwareTests",
            dependencies: ["DystaHardware", "DystaSimulation", "DystaTestSupport", "DystaBenchmark", "DystaAccelerators"]),
        .testTarget(
            name: "DystaExperimentsTests", dependencies: ["DystaExperiments", "DystaSweeps", "DystaParsing", "DystaTestSupport"]),
        .testTarget(
            name: "DystaCLITests",
            dependencies: ["DystaCLI", "dysta", "my-dysta", "DystaTestSupport"],
            // Read through #filePath, not bundled.
            exclude: ["Golden"]),
    ]
)

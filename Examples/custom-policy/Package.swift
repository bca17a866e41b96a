// swift-tools-version: 6.1
// An example of bringing your own policy (and predictor) to the whole `dysta` command without
// editing Dysta: depend on the Dysta package, register your additions, call DystaCommandLine.main.
// Build and run from this directory:  swift run my-dysta simulate --workload cnn --schedulers llf,dysta
import PackageDescription

let package = Package(
    name: "custom-policy",
    platforms: [.macOS(.v13)],
    dependencies: [
        // In your own package (Dysta has no release tags yet, so no `from:` version):
        //   .package(url: "<Dysta's git URL>", branch: "main")  or  revision: "<commit hash>" to pin one,
        // and `package: "<the URL's last component without .git>"` in the products below.
        // docs/extending.md, "Depending on Dysta".
        .package(name: "Dysta", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "my-dysta",
            dependencies: [
                .product(name: "Dysta", package: "Dysta"),
                .product(name: "DystaCLI", package: "Dysta"),
            ]),
    ]
)

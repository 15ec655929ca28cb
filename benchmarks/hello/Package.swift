// swift-tools-version:6.0
// A bare Hummingbird server, the baseline for benchmarks/contacts_benchmark.py: the same framework as the
// gateway with nothing behind it. Build: swift build -c release --package-path benchmarks/hello --scratch-path /tmp/hello-build
import PackageDescription

let package = Package(
    name: "hello",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1")
    ],
    targets: [
        .executableTarget(
            name: "hello",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        )
    ]
)

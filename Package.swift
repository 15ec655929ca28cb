// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "jmap-gateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "jmap-gateway", targets: ["jmap-gateway"]),
        .library(name: "JSON", targets: ["JSON"]),
        .library(name: "ContentLine", targets: ["ContentLine"]),
        .library(name: "JSContact", targets: ["JSContact"]),
        .library(name: "JSCalendar", targets: ["JSCalendar"]),
        .library(name: "JMAPCore", targets: ["JMAPCore"]),
        .library(name: "DAV", targets: ["DAV"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "GatewayServer", targets: ["GatewayServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // The JSON value model and the one encoder configuration, shared by the protocol and the formats.
        .target(name: "JSON", swiftSettings: swiftSettings),
        // The content-line syntax iCalendar and vCard share: unfolding, folding, parameters, TEXT escaping.
        .target(name: "ContentLine", swiftSettings: swiftSettings),
        // vCard 2.1/3.0/4.0 parsing and writing; lossless vCard <-> JSContact (RFC 9553/9555). No JMAP, no DAV.
        .target(name: "JSContact", dependencies: ["JSON", "ContentLine"], swiftSettings: swiftSettings),
        // iCalendar parsing and writing, time zones, recurrence expansion; lossless iCalendar <-> JSCalendar. No JMAP, no DAV.
        .target(name: "JSCalendar", dependencies: ["JSON", "ContentLine"], swiftSettings: swiftSettings),
        // The JMAP protocol (RFC 8620): requests, responses, errors, standard methods. No I/O, no DAV.
        .target(name: "JMAPCore", dependencies: ["JSON"], swiftSettings: swiftSettings),
        // A WebDAV/CardDAV/CalDAV client. Knows nothing of JMAP.
        .target(
            name: "DAV",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The gateway's storage: the DAV cache (hrefs, ETags, sync tokens, change log) and uploaded blobs.
        .target(
            name: "Store",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Accounts, authentication and data types: where JMAP meets DAV.
        .target(
            name: "Gateway",
            dependencies: [
                "JMAPCore", "DAV", "Store", "JSON", "JSContact", "JSCalendar",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP face: session, API, upload/download, configuration.
        .target(
            name: "GatewayServer",
            dependencies: [
                "JMAPCore", "Gateway", "DAV", "Store",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "jmap-gateway",
            dependencies: [
                "GatewayServer", "Gateway", "DAV",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Parse/convert throughput and expansion speed of JSCalendar (swift run -c release JSCalendarBenchmark).
        .executableTarget(
            name: "JSCalendarBenchmark", dependencies: ["JSCalendar", "JSON"], path: "Benchmarks/JSCalendarBenchmark",
            swiftSettings: swiftSettings),
        // Finds the real DAV test servers started by scripts/backends.sh. Test-only.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "JMAPCoreTests", dependencies: ["JMAPCore"], swiftSettings: swiftSettings),
        .testTarget(name: "ContentLineTests", dependencies: ["ContentLine"], swiftSettings: swiftSettings),
        .testTarget(
            name: "JSContactTests", dependencies: ["JSContact", "JSON", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "JSCalendarTests", dependencies: ["JSCalendar", "JSON", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "StoreTests", dependencies: ["Store"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Store", "DAV", "JMAPCore", "TestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DAVTests",
            dependencies: ["DAV", "TestSupport"],
            resources: [.copy("Recorded")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayServerTests",
            dependencies: [
                "GatewayServer", "Gateway", "DAV", "JMAPCore", "Store", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

import Foundation
import Testing

@testable import GatewayServer

/// config.example.toml and the rules of configuration: durations with units, sizes in bytes,
/// unknown keys and bad values stop start-up naming the key.
@Suite struct ConfigurationTests {
    @Test func exampleConfigurationLoads() throws {
        let path = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "config.example.toml").path
        let configuration = try GatewayConfiguration.load(path: path)
        #expect(configuration.server.host == "127.0.0.1")
        #expect(configuration.server.port == 8080)
        #expect(configuration.backend.timeout == .seconds(30))
        #expect(configuration.backend.authCacheTTL == .seconds(300))
        #expect(configuration.backend.syncOptions.bulkFetchThreshold == 200)
        #expect(configuration.limits.maxSizeUpload == 50_000_000)
        #expect(configuration.cache.driver == .sqlite)
        #expect(configuration.server.metricsPath == "/metrics")
        #expect(configuration.push.allowPrivateAddresses == false && configuration.push.allowInsecureURLs == false)
        #expect(configuration.push.maxLifetime == .seconds(7 * 86_400))
    }

    @Test func valuesAreParsed() throws {
        let configuration = try GatewayConfiguration.parse(
            toml: """
                [server]
                listen = "[::1]:9000"
                public_url = "https://jmap.example.com/"
                metrics_path = ""
                [backend]
                url = "https://dav.example.com/"
                caldav_url = "https://dav.example.com/cal/"
                timeout = "1500ms"
                poll_interval = "5m"
                tls_verify = false
                bulk_fetch_threshold = 0
                [limits]
                max_calls_in_request = 3
                [log]
                level = "debug"
                format = "json"
                [push]
                allow_private_addresses = true
                max_lifetime = "2d"
                delivery_timeout = "250ms"
                """)
        #expect(configuration.server.metricsPath == nil)
        #expect(configuration.push.allowPrivateAddresses)
        #expect(configuration.push.maxLifetime == .seconds(2 * 86_400))
        #expect(configuration.push.deliveryTimeout == .milliseconds(250))
        #expect(configuration.server.host == "::1")
        #expect(configuration.server.port == 9000)
        #expect(configuration.backend.timeout == .milliseconds(1500))
        #expect(configuration.backend.pollInterval == .seconds(300))
        #expect(configuration.backend.tlsVerify == false)
        #expect(configuration.backend.syncOptions.bulkFetchThreshold == 0)
        #expect(configuration.backend.endpoint.contextURLs[.caldav]?.path() == "/cal/")
        #expect(configuration.limits.maxCallsInRequest == 3)
        #expect(configuration.log.level == .debug)
        #expect(configuration.log.format == .json)
    }

    @Test(arguments: [
        ("[backend]\nurl = \"http://x/\"\ntimout = \"3s\"", "backend.timout"),
        ("[backend]\nurl = \"http://x/\"\n[limitz]\n", "limitz"),
        ("[backend]\nurl = \"http://x/\"\ntimeout = \"30\"", "backend.timeout"),
        ("[backend]\nurl = \"http://x/\"\ntimeout = 30", "backend.timeout"),
        ("[backend]\nurl = \"ftp://x/\"", "backend.url"),
        ("[server]\nlisten = \"localhost\"\n[backend]\nurl = \"http://x/\"", "server.listen"),
        ("[backend]\nurl = \"http://x/\"\n[limits]\nmax_size_upload = -1", "limits.max_size_upload"),
        ("[backend]\nurl = \"http://x/\"\nbulk_fetch_threshold = -1", "backend.bulk_fetch_threshold"),
        ("[backend]\nurl = \"http://x/\"\n[cache]\ndriver = \"mysql\"", "cache.driver"),
        ("[backend]\nurl = \"http://x/\"\n[log]\nlevel = \"loud\"", "log.level"),
        ("[server]\nlisten = \"127.0.0.1:1\"", "backend.url"),
        ("[server]\nmetrics_path = \"metrics\"\n[backend]\nurl = \"http://x/\"", "server.metrics_path"),
        ("[backend]\nurl = \"http://x/\"\n[push]\nmax_lifetime = \"7 days\"", "push.max_lifetime"),
        ("[backend]\nurl = \"http://x/\"\n[push]\nallow_private = true", "push.allow_private"),
    ])
    func badConfigurationNamesTheKey(toml: String, key: String) {
        #expect {
            try GatewayConfiguration.parse(toml: toml)
        } throws: { error in
            "\(error)".contains(key)
        }
    }

    @Test func durations() {
        #expect(DurationParser.parse("500ms") == .milliseconds(500))
        #expect(DurationParser.parse("30s") == .seconds(30))
        #expect(DurationParser.parse("5m") == .seconds(300))
        #expect(DurationParser.parse("1h") == .seconds(3600))
        #expect(DurationParser.parse("5") == nil)
        #expect(DurationParser.parse("-5s") == nil)
        #expect(DurationParser.parse("s") == nil)
        #expect(DurationParser.parse("5 s") == nil)
    }
}

/// The per-user limits of maxConcurrentRequests / maxConcurrentUpload.
@Suite struct ConcurrencyLimiterTests {
    @Test func limitIsPerUserAndReleased() async throws {
        let limiter = ConcurrencyLimiter(limit: 1)
        let (entered, enteredContinuation) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await limiter.run(for: "alice") { () async -> Int in
                enteredContinuation.yield()
                for await _ in release { break }
                return 1
            }
        }
        for await _ in entered { break }
        #expect(try await limiter.run(for: "alice") { 2 } == nil)
        #expect(try await limiter.run(for: "bob") { 3 } == 3)
        releaseContinuation.yield()
        #expect(try await holder.value == 1)
        #expect(try await limiter.run(for: "alice") { 4 } == 4)
    }
}

import ArgumentParser
import DAV
import Foundation
import Gateway
import GatewayServer
import Hummingbird
import Logging
import ServiceLifecycle

@main
struct JMAPGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jmap-gateway",
        abstract: "A JMAP server in front of CardDAV/CalDAV servers.",
        subcommands: [Serve.self, Check.self, Sync.self, Version.self],
        defaultSubcommand: Serve.self
    )
}

/// `--config FILE`, or the `JMAP_GATEWAY_CONFIG` environment variable.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Path to the TOML configuration (default: $JMAP_GATEWAY_CONFIG).")
    var config: String?

    func load() throws -> GatewayConfiguration {
        guard let path = config ?? ProcessInfo.processInfo.environment["JMAP_GATEWAY_CONFIG"] else {
            throw ValidationError("No configuration: pass --config FILE or set JMAP_GATEWAY_CONFIG.")
        }
        do {
            return try GatewayConfiguration.load(path: path)
        } catch {
            throw ValidationError("\(path): \(error)")
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway until SIGTERM or SIGINT.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load()
        configuration.log.bootstrap()
        let logger = Logger(label: "jmap-gateway")
        let app = try GatewayApplication.build(configuration: configuration, logger: logger)
        let services = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info(
            "starting",
            metadata: [
                "listen": "\(configuration.server.host):\(configuration.server.port)",
                "backend": "\(configuration.backend.url.absoluteString)",
            ])
        try await services.run()
    }
}

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the configuration and run discovery against the DAV server.")

    @OptionGroup var options: ConfigOption

    @Option(help: "A user to run discovery as.")
    var user: String?

    @Flag(help: "Read the user's password from standard input (it is never taken as an argument).")
    var passwordStdin = false

    func run() async throws {
        let configuration = try options.load()
        print("configuration: ok")
        print("  listen:  \(configuration.server.host):\(configuration.server.port)")
        print("  backend: \(configuration.backend.url.absoluteString)")
        print("  cache:   \(configuration.cache.driver.rawValue) at \(configuration.cache.path)")
        guard let user else {
            print("discovery: skipped (pass --user U --password-stdin to run it)")
            return
        }
        guard passwordStdin else { throw ValidationError("--user needs --password-stdin.") }
        let password = (readLine(strippingNewline: true) ?? "")
        let report = try await DiscoveryReport.run(
            configuration: configuration, credentials: .basic(username: user, password: password))
        print(report)
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")

    func run() {
        print("jmap-gateway \(GatewayVersion.current)")
    }
}

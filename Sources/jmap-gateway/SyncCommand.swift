import ArgumentParser
import DAV
import Foundation
import Gateway
import GatewayServer
import Logging
import Store

/// `jmap-gateway sync`: prewarms an account's cache, with a progress bar, and prints a summary.
struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sync one account's cache from the DAV server now.")

    @OptionGroup var options: ConfigOption

    @Option(help: "The user whose account to sync.")
    var user: String

    @Flag(help: "Read the user's password from standard input.")
    var passwordStdin = false

    @Flag(help: "Print the summary as JSON (for scripts and the benchmark).")
    var json = false

    func run() async throws {
        guard passwordStdin else { throw ValidationError("Pass --password-stdin and the password on standard input.") }
        let configuration = try options.load()
        configuration.log.bootstrap()
        let password = readLine(strippingNewline: true) ?? ""
        let credentials = DAVCredentials.basic(username: user, password: password)
        let logger = Logger(label: "jmap-gateway.sync")

        let showProgress = !json
        let progress: @Sendable (SyncProgress) -> Void = { if showProgress { ProgressBar.render($0) } }
        let report = try await HTTPClientHandle.run(configuration: configuration.backend.davClientConfiguration) {
            try await SyncRunner.run(
                configuration: configuration, credentials: credentials, httpClient: $0, logger: logger,
                progress: progress)
        }
        if !json { ProgressBar.finish() }
        print(json ? report.json : report.summary)
    }
}

/// A one-line progress bar on standard error.
enum ProgressBar {
    private static let started = ContinuousClock.now

    @Sendable static func render(_ progress: SyncProgress) {
        let width = 30
        let fraction = progress.total == 0 ? 1 : Double(progress.fetched) / Double(progress.total)
        let filled = Int(fraction * Double(width))
        let seconds = Double((ContinuousClock.now - started).components.seconds) + 0.001
        let rate = Int(Double(progress.fetched) / seconds)
        let line =
            "\r[\(progress.collectionIndex + 1)/\(progress.collectionCount)] \(progress.collection.prefix(24)) "
            + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            + " \(progress.fetched)/\(progress.total) (\(rate)/s)   "
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func finish() {
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

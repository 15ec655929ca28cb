import Foundation
import TestSupport
import Testing

@testable import GatewayServer

/// `jmap-gateway check` against the running Radicale prints the discovered homes and collections.
@Suite struct CheckCommandTests {
    @Test func checkPrintsHomesAndCollections() async throws {
        let backends = try TestBackends.load()
        let radicale = try backends.url(.radicale)
        let directory = FileManager.default.temporaryDirectory.appending(path: "check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appending(path: "config.toml")
        try "[backend]\nurl = \"\(radicale.absoluteString)\"\n[cache]\npath = \"\(directory.path)\"\n"
            .write(to: config, atomically: true, encoding: .utf8)

        // The built executable sits next to the test bundle (scripts/test.sh builds it first).
        let executable = URL(filePath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appending(path: "jmap-gateway")
        let fallback = Bundle.main.bundleURL.appending(path: "jmap-gateway")
        let binary = FileManager.default.isExecutableFile(atPath: executable.path) ? executable : fallback
        #expect(FileManager.default.isExecutableFile(atPath: binary.path), "build the executable first")

        let process = Process()
        process.executableURL = binary
        process.arguments = ["check", "--config", config.path, "--user", "alice", "--password-stdin"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data("alice-pw\n".utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationStatus == 0)
        #expect(text.contains("principal: \(radicale.absoluteString)alice/"))
        #expect(text.contains("addressbook-home-set: \(radicale.absoluteString)alice/"))
        #expect(text.contains("address book \(radicale.absoluteString)alice/contacts/"))
        #expect(text.contains("calendar \(radicale.absoluteString)alice/calendar/"))
        #expect(text.contains("sync-collection: supported"))
        #expect(!text.contains("alice-pw"))
    }

    @Test func checkRefusesAWrongPassword() async throws {
        let backends = try TestBackends.load()
        var configuration = GatewayConfiguration(backendURL: try backends.url(.radicale))
        configuration.backend.timeout = .seconds(10)
        await #expect(throws: (any Error).self) {
            _ = try await DiscoveryReport.run(
                configuration: configuration, credentials: .basic(username: "alice", password: "x"))
        }
    }
}

import Foundation

/// The real DAV servers `scripts/backends.sh` started, read from the env file it writes
/// (`$JMAP_GATEWAY_BACKENDS_ENV`, default `.backends/backends.env` in the package).
/// Integration tests fail, never skip, when the servers are not there.
public struct TestBackends: Sendable {
    public enum Server: String, Sendable, CaseIterable {
        case radicale = "RADICALE"
        case xandikos = "XANDIKOS"
    }

    public struct User: Sendable {
        public var name: String
        public var password: String

        public init(name: String, password: String) {
            self.name = name
            self.password = password
        }
    }

    public static let alice = User(name: "alice", password: "alice-pw")
    public static let bob = User(name: "bob", password: "bob-pw")

    public let values: [String: String]

    public static func load() throws -> TestBackends {
        let path =
            ProcessInfo.processInfo.environment["JMAP_GATEWAY_BACKENDS_ENV"]
            ?? packageRoot.appending(path: ".backends/backends.env").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw TestBackendsError("No \(path): start the test backends with `scripts/backends.sh start`.")
        }
        var values: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return TestBackends(values: values)
    }

    public func url(_ server: Server) throws -> URL {
        try url("\(server.rawValue)_URL")
    }

    /// A user's address book (`AB`) or calendar (`CAL`) collection URL.
    public func collection(_ server: Server, _ kind: String, user: User) throws -> URL {
        try url("\(server.rawValue)_\(kind)_\(user.name.uppercased())")
    }

    private func url(_ key: String) throws -> URL {
        guard let text = values[key], let url = URL(string: text) else {
            throw TestBackendsError("\(key) missing from the backends env file: is that server running?")
        }
        return url
    }

    /// The package's root directory, found from this source file's path.
    public static let packageRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}

public struct TestBackendsError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

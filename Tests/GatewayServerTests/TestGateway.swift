import DAV
import Foundation
import GatewayServer
import Hummingbird
import HummingbirdTesting
import JMAPCore
import Logging
import Synchronization
import TestSupport
import Testing

/// A gateway in front of a real test backend, on a free port, with its own cache directory.
struct TestGateway {
    var configuration: GatewayConfiguration

    init(server: TestBackends.Server = .radicale, adjust: (inout GatewayConfiguration) -> Void = { _ in }) throws {
        let backends = try TestBackends.load()
        var configuration = GatewayConfiguration(backendURL: try backends.url(server))
        configuration.server.port = 0
        configuration.cache.path =
            FileManager.default.temporaryDirectory
            .appending(path: "jmap-gateway-tests-\(UUID().uuidString)").path
        configuration.backend.timeout = .seconds(10)
        adjust(&configuration)
        self.configuration = configuration
    }

    /// Runs `body` against the gateway on a real socket.
    func run<Value>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        var logger = Logger(label: "jmap-gateway-tests")
        logger.logLevel = .warning
        let app = try GatewayApplication.build(configuration: configuration, logger: logger)
        defer { try? FileManager.default.removeItem(atPath: configuration.cache.path) }
        return try await app.test(.live, body)
    }
}

/// Values gathered by concurrent tasks of a test.
final class Collected<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])
    var items: [Element] { storage.withLock { $0 } }
    func append(_ item: Element) { storage.withLock { $0.append(item) } }
}

/// Whether `body` finished within `limit`; when it did not, it is cancelled (so a test that would hang
/// fails instead).
func finishes(within limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            try await body()
            return true
        }
        group.addTask {
            try await Task.sleep(for: limit)
            return false
        }
        let first = try await group.next() ?? false
        group.cancelAll()
        return first
    }
}

/// One connection pool for the tests' own direct DAV writes, alive until the test process exits.
let directDAVPool = HTTPClientHandle(configuration: DAVClientConfiguration(timeout: .seconds(10)))

extension TestBackends.User {
    /// A DAV client acting as this user: for writes made behind the gateway's back.
    var davClient: DAVClient {
        DAVClient(
            httpClient: directDAVPool.client, configuration: DAVClientConfiguration(),
            credentials: .basic(username: name, password: password))
    }

    var authorization: HTTPFields {
        [.authorization: "Basic " + Data("\(name):\(password)".utf8).base64EncodedString()]
    }
}

extension TestClientProtocol {
    /// One sample of the Prometheus text at /metrics, nil when absent.
    func metric(_ name: String, labels: String) async throws -> Double? {
        try await execute(uri: "/metrics", method: .get) { response in
            let line = String(buffer: response.body).split(separator: "\n").first {
                $0.hasPrefix("\(name){\(labels)} ")
            }
            return line.flatMap { Double($0.split(separator: " ").last ?? "") }
        }
    }

    /// POSTs a JMAP request and returns the status and the decoded body.
    func jmap(
        _ body: String, as user: TestBackends.User = TestBackends.alice
    ) async throws -> (HTTPResponse.Status, JSONObject) {
        var headers = user.authorization
        headers[.contentType] = "application/json"
        return try await execute(uri: "/jmap/api", method: .post, headers: headers, body: ByteBuffer(string: body)) {
            response in
            (response.status, try JSONCoding.decode(JSONObject.self, from: Data(buffer: response.body)))
        }
    }

    /// Sends `calls` (method calls, comma-separated JSON) with the core and contacts capabilities as
    /// `user`, expects 200 and returns the method responses.
    func contactsCalls(
        _ calls: String, as user: TestBackends.User
    ) async throws -> [(name: String, arguments: JSONObject, id: String)] {
        let using = #"["urn:ietf:params:jmap:core","urn:ietf:params:jmap:contacts"]"#
        let (status, body) = try await jmap(#"{"using":\#(using),"methodCalls":[\#(calls)]}"#, as: user)
        #expect(status == .ok)
        return body.methodResponses
    }

    func session(as user: TestBackends.User) async throws -> JSONObject {
        try await execute(uri: "/jmap/session", method: .get, headers: user.authorization) { response in
            try JSONCoding.decode(JSONObject.self, from: Data(buffer: response.body))
        }
    }

    func accountId(of user: TestBackends.User) async throws -> String {
        let session = try await session(as: user)
        guard let accounts = session["accounts"]?.objectValue, accounts.count == 1, let id = accounts.keys.first else {
            throw TestBackendsError("expected exactly one account in \(user.name)'s session")
        }
        return id
    }
}

extension JSONObject {
    /// The method responses of a JMAP response body.
    var methodResponses: [(name: String, arguments: JSONObject, id: String)] {
        (self["methodResponses"]?.arrayValue ?? []).compactMap { item in
            guard let parts = item.arrayValue, parts.count == 3, let name = parts[0].stringValue,
                let arguments = parts[1].objectValue, let id = parts[2].stringValue
            else { return nil }
            return (name, arguments, id)
        }
    }
}

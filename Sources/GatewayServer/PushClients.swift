import AsyncHTTPClient
import Synchronization

/// The HTTP clients push deliveries go out on: one per host and pinned address (AsyncHTTPClient's
/// `dnsOverride`: the connection goes to the address `PushURLPolicy` checked, while TLS still names the
/// host), none following redirects, kept for reuse. Beyond `limit` the least recently used is shut down.
final class PushClients: Sendable {
    private struct Pool {
        var clients: [String: HTTPClient] = [:]
        var recent: [String] = []
    }

    private let pool = Mutex(Pool())
    private let limit: Int

    init(limit: Int = 32) {
        self.limit = limit
    }

    func client(host: String, address: String?) -> HTTPClient {
        let key = host + "\u{0}" + (address ?? "")
        let (client, evicted) = pool.withLock { pool -> (HTTPClient, HTTPClient?) in
            pool.recent.removeAll { $0 == key }
            pool.recent.append(key)
            if let client = pool.clients[key] { return (client, nil) }
            var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
            if let address { configuration.dnsOverride = [host: address] }
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            pool.clients[key] = client
            guard pool.recent.count > limit else { return (client, nil) }
            let oldest = pool.recent.removeFirst()
            return (client, pool.clients.removeValue(forKey: oldest))
        }
        if let evicted { Task { try? await evicted.shutdown() } }
        return client
    }

    func shutdown() async {
        let clients = pool.withLock { pool in
            defer { pool = Pool() }
            return Array(pool.clients.values)
        }
        for client in clients { try? await client.shutdown() }
    }
}

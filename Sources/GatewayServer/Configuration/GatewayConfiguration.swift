import DAV
import Foundation
import Gateway
import JMAPCore
import Logging

/// Everything the gateway is configured with (see config.example.toml, which documents every key).
public struct GatewayConfiguration: Sendable {
    public struct Server: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// The URL clients reach the gateway at (behind a proxy it differs from `listen`). Nil: derived
        /// from the request's Host header.
        public var publicURL: URL?
        /// Origins allowed to call the API from a browser; empty disables CORS.
        public var corsAllowedOrigins: [String] = ["*"]
        /// Where the Prometheus metrics are served, without authentication; nil serves none.
        public var metricsPath: String? = "/metrics"
    }

    public struct Backend: Sendable {
        public var url: URL
        public var carddavURL: URL?
        public var caldavURL: URL?
        public var timeout: Duration = .seconds(30)
        public var tlsVerify = true
        public var pollInterval: Duration = .seconds(30)
        /// A request syncs the account first when its last sync is older than this.
        public var minSyncAge: Duration = .seconds(2)
        /// Use RFC 6578 sync-collection where offered; off forces ctag probes and ETag diffs.
        public var syncCollection = true
        /// Hrefs per multiget REPORT.
        public var multigetBatchSize = 250
        /// Multiget REPORTs in flight at once for one collection.
        public var multigetConcurrency = 2
        /// Collections of one account synced at once.
        public var collectionConcurrency = 4
        /// Fetch with one query REPORT instead of multigets from this many resources (0: never).
        public var bulkFetchThreshold = 200
        public var maxConnections = 8
        /// How long a successful login is remembered before the DAV server is asked again.
        public var authCacheTTL: Duration = .seconds(300)

        public var endpoint: BackendEndpoint {
            var contexts: [DAVDiscovery.Service: URL] = [:]
            contexts[.carddav] = carddavURL
            contexts[.caldav] = caldavURL
            return BackendEndpoint(baseURL: url, contextURLs: contexts)
        }

        public var syncOptions: SyncOptions {
            SyncOptions(
                useSyncCollection: syncCollection, multigetBatchSize: multigetBatchSize,
                multigetConcurrency: multigetConcurrency, bulkFetchThreshold: bulkFetchThreshold,
                collectionConcurrency: collectionConcurrency, minSyncAge: minSyncAge,
                collectionListingInterval: pollInterval)
        }

        public var davClientConfiguration: DAVClientConfiguration {
            DAVClientConfiguration(timeout: timeout, tlsVerify: tlsVerify, maxConnectionsPerHost: maxConnections)
        }
    }

    public struct Cache: Sendable {
        public enum Driver: String, Sendable, CaseIterable {
            case sqlite
        }

        public var driver = Driver.sqlite
        /// Directory holding the cache database and uploaded blobs.
        public var path = "./cache"

        /// Changes kept per account and data type for `/changes`; older states get `cannotCalculateChanges`.
        public var changeLogSize = 10_000

        public var databasePath: String { URL(filePath: path).appending(path: "gateway.sqlite").path }
        public var blobDirectory: URL { URL(filePath: path).appending(path: "blobs") }
    }

    public struct Log: Sendable {
        public enum Format: String, Sendable, CaseIterable {
            case text
            case json
        }

        public var level = Logger.Level.info
        public var format = Format.text
    }

    /// PushSubscription (RFC 8620 §7.2): where the gateway may POST, so it cannot be made to reach
    /// internal hosts (§8.6).
    public struct Push: Sendable {
        /// Allow `http://` push URLs (the RFC requires https://); for tests and closed networks only.
        public var allowInsecureURLs = false
        /// Allow push URLs that resolve to loopback, private or link-local addresses.
        public var allowPrivateAddresses = false
        /// The longest lifetime of a subscription; one asking for more, or none, gets this (§7.2: at
        /// least 48 hours, should be 7 days).
        public var maxLifetime: Duration = .seconds(7 * 86_400)
        /// How long one delivery attempt may take.
        public var deliveryTimeout: Duration = .seconds(10)
    }

    public var server = Server()
    public var backend: Backend
    public var push = Push()
    public var cache = Cache()
    public var limits = CoreLimits()
    public var log = Log()

    public init(backendURL: URL) {
        self.backend = Backend(url: backendURL)
    }
}

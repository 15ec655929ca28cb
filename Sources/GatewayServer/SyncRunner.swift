import DAV
import Foundation
import Gateway
import JMAPCore
import Logging
import Store

/// Runs one account sync outside the server (the `sync` command), timing only the sync itself.
public enum SyncRunner {
    public struct Result: Sendable {
        public var accountId: String
        public var report: SyncReport
        /// Login and principal discovery before the sync.
        public var discovery: Duration

        public var summary: String {
            var lines = ["account \(accountId)"]
            for collection in report.collections {
                lines.append(
                    "  \(collection.displayName ?? collection.href): \(collection.method.rawValue)"
                        + "\(collection.tokenRefused ? " (token refused)" : ""), listed \(collection.listed),"
                        + " fetched \(collection.fetched), removed \(collection.removed)")
            }
            if report.collectionsRemoved > 0 { lines.append("  collections removed: \(report.collectionsRemoved)") }
            let seconds =
                Double(report.duration.components.seconds) + Double(report.duration.components.attoseconds) / 1e18
            let rate = seconds > 0 ? Int(Double(report.fetched) / seconds) : 0
            lines.append("synced \(report.fetched) resources in \(report.duration.formatted()) (\(rate)/s)")
            return lines.joined(separator: "\n")
        }

        public var json: String {
            let collections: [JSONValue] = report.collections.map { collection in
                [
                    "href": .string(collection.href), "method": .string(collection.method.rawValue),
                    "listed": .int(collection.listed), "fetched": .int(collection.fetched),
                    "fetchedByQuery": .int(collection.fetchedByQuery),
                    "removed": .int(collection.removed), "tokenRefused": .bool(collection.tokenRefused),
                ]
            }
            let object: JSONValue = [
                "accountId": .string(accountId), "collections": .array(collections),
                "fetched": .int(report.fetched), "syncMilliseconds": .double(report.duration.milliseconds),
                "discoveryMilliseconds": .double(discovery.milliseconds),
            ]
            return String(decoding: (try? JSONCoding.encode(object)) ?? Data(), as: UTF8.self)
        }
    }

    public static func run(
        configuration: GatewayConfiguration, credentials: DAVCredentials, httpClient: HTTPClientHandle, logger: Logger,
        progress: @escaping @Sendable (SyncProgress) -> Void
    ) async throws -> Result {
        let started = ContinuousClock.now
        let authenticator = Authenticator(
            endpoint: configuration.backend.endpoint, httpClient: httpClient,
            davConfiguration: configuration.backend.davClientConfiguration, ttl: .seconds(1), logger: logger)
        let user = try await authenticator.authenticate(credentials)
        let store = try SQLiteStore(path: configuration.cache.databasePath)
        let coordinator = SyncCoordinator(
            store: store, httpClient: httpClient, davConfiguration: configuration.backend.davClientConfiguration,
            options: configuration.backend.syncOptions, logger: logger)
        let synchronizer = try await coordinator.synchronizer(for: user)
        let discovery = ContinuousClock.now - started
        let report = try await synchronizer.sync(progress: progress)
        return Result(accountId: user.accountId, report: report, discovery: discovery)
    }
}

import DAV
import Foundation
import Logging

/// What `jmap-gateway check` prints: the principal, its homes and the collections in them.
public struct DiscoveryReport: Sendable, CustomStringConvertible {
    public var principal: DAVPrincipal
    public var collections: [DAVCollection]

    public static func run(
        configuration: GatewayConfiguration, credentials: DAVCredentials
    ) async throws -> DiscoveryReport {
        try await HTTPClientHandle.run(configuration: configuration.backend.davClientConfiguration) { handle in
            try await run(configuration: configuration, credentials: credentials, httpClient: handle)
        }
    }

    static func run(
        configuration: GatewayConfiguration, credentials: DAVCredentials, httpClient: HTTPClientHandle
    ) async throws -> DiscoveryReport {
        let client = DAVClient(
            httpClient: httpClient.client, configuration: configuration.backend.davClientConfiguration,
            credentials: credentials)
        let endpoint = configuration.backend.endpoint
        let discovery = DAVDiscovery(client: client, baseURL: endpoint.baseURL, contextURLs: endpoint.contextURLs)
        let principal = try await discovery.principal(at: discovery.currentUserPrincipal())
        var collections: [DAVCollection] = []
        for home in Set(principal.addressbookHomes + principal.calendarHomes).sorted(by: {
            $0.absoluteString < $1.absoluteString
        }) {
            collections += try await discovery.collections(inHome: home)
        }
        return DiscoveryReport(principal: principal, collections: collections)
    }

    public var description: String {
        var lines = ["discovery: ok", "  principal: \(principal.url.absoluteString)"]
        if let name = principal.displayName, !name.isEmpty { lines.append("  display name: \(name)") }
        lines.append("  addressbook-home-set: " + list(principal.addressbookHomes.map(\.absoluteString)))
        lines.append("  calendar-home-set: " + list(principal.calendarHomes.map(\.absoluteString)))
        lines.append("  calendar-user-address-set: " + list(principal.calendarUserAddresses))
        lines.append("  collections: \(collections.count)")
        for collection in collections {
            let kind = collection.kind == .addressBook ? "address book" : "calendar"
            lines.append("    - \(kind) \(collection.url.absoluteString)")
            lines.append("      displayname: \(collection.displayName ?? "(none)")")
            lines.append("      sync-collection: \(collection.supportsSyncCollection ? "supported" : "not supported")")
            lines.append("      sync-token: \(collection.syncToken ?? "(none)"), ctag: \(collection.ctag ?? "(none)")")
            lines.append("      privileges: \(list(collection.privileges.sorted()))")
        }
        return lines.joined(separator: "\n")
    }

    private func list(_ items: [String]) -> String { items.isEmpty ? "(none)" : items.joined(separator: ", ") }
}

import Foundation

/// What discovery found for one user.
public struct DAVPrincipal: Sendable, Hashable {
    public var url: URL
    public var displayName: String?
    public var addressbookHomes: [URL]
    public var calendarHomes: [URL]
    public var calendarUserAddresses: [String]
}

/// Service discovery (RFC 6764 §6, RFC 5397): well-known URI, then current-user-principal, then
/// the home sets (RFC 6352 §7.1.1, RFC 4791 §6.2.1), then the collections in each home.
public struct DAVDiscovery: Sendable {
    public enum Service: String, Sendable {
        case carddav
        case caldav
    }

    public let client: DAVClient
    /// The server root from configuration.
    public let baseURL: URL
    /// Explicit context paths from configuration, used instead of the well-known URIs.
    public let contextURLs: [Service: URL]

    public init(client: DAVClient, baseURL: URL, contextURLs: [Service: URL] = [:]) {
        self.client = client
        self.baseURL = baseURL
        self.contextURLs = contextURLs
    }

    /// The principal URL of the user whose credentials the client carries. A wrong password
    /// surfaces as `DAVError.unauthorized`.
    public func currentUserPrincipal() async throws(DAVError) -> URL {
        var lastError: DAVError?
        for service in [Service.carddav, .caldav] {
            let candidates = contextURLs[service].map { [$0] } ?? [wellKnownURL(service), baseURL]
            for start in candidates {
                do {
                    if let principal = try await principal(startingAt: start) { return principal }
                } catch {
                    switch error {
                    case .unauthorized, .connectionFailed, .timeout:
                        // Another path on the same server will not fix a wrong password or a dead host.
                        throw error
                    default:
                        lastError = error
                    }
                }
            }
        }
        throw lastError ?? .malformedResponse(url: baseURL.absoluteString, reason: "no DAV:current-user-principal")
    }

    /// The principal's home sets and calendar user addresses.
    public func principal(at url: URL) async throws(DAVError) -> DAVPrincipal {
        let multistatus = try await client.propfind(
            url, depth: 0,
            properties: [.displayName, .addressbookHomeSet, .calendarHomeSet, .calendarUserAddressSet]
        )
        let response = multistatus.responses.first
        func urls(_ name: XMLName) -> [URL] {
            response?.property(name)?.hrefs.compactMap { URL(string: $0, relativeTo: url)?.absoluteURL } ?? []
        }
        return DAVPrincipal(
            url: url,
            displayName: response?.property(.displayName)?.trimmedText,
            addressbookHomes: urls(.addressbookHomeSet),
            calendarHomes: urls(.calendarHomeSet),
            calendarUserAddresses: response?.property(.calendarUserAddressSet)?.hrefs.map {
                Self.absoluteAddress($0, relativeTo: url)
            } ?? []
        )
    }

    /// A calendar user address (RFC 6638 §2.4.1) as a URI: `mailto:` and other absolute ones as they are,
    /// a path (Radicale lists the principal's own, `/alice/`) resolved against the principal URL.
    static func absoluteAddress(_ href: String, relativeTo url: URL) -> String {
        guard URL(string: href)?.scheme == nil, let resolved = URL(string: href, relativeTo: url)?.absoluteString else {
            return href
        }
        return resolved
    }

    /// What the user may do in a collection such as a home (RFC 3744 §5.4): `bind` there means new
    /// collections may be made in it. Empty when the server does not say.
    public func privileges(of url: URL) async throws(DAVError) -> Set<String> {
        let multistatus = try await client.propfind(url, depth: 0, properties: [.currentUserPrivilegeSet])
        return multistatus.responses.first.map(DAVCollection.privileges) ?? []
    }

    /// The address books and calendars directly inside a home collection.
    public func collections(
        inHome home: URL, properties: [XMLName] = DAVCollection.properties
    ) async throws(DAVError) -> [DAVCollection] {
        let multistatus = try await client.propfind(home, depth: 1, properties: properties)
        return multistatus.responses.compactMap { DAVCollection(response: $0, baseURL: home) }
    }

    private func wellKnownURL(_ service: Service) -> URL {
        baseURL.appending(path: ".well-known/\(service.rawValue)")
    }

    /// PROPFIND current-user-principal, following redirects by hand so the body is re-sent
    /// (a 301 must not turn the PROPFIND into an allprop).
    private func principal(startingAt start: URL) async throws(DAVError) -> URL? {
        var url = start
        for _ in 0..<5 {
            let response = try await client.send(
                "PROPFIND", url, headers: [("Depth", "0")], body: DAVRequestBody.propfind([.currentUserPrincipal])
            )
            switch response.status {
            case 301, 302, 303, 307, 308:
                guard let location = response.location, let next = URL(string: location, relativeTo: url)?.absoluteURL
                else {
                    throw .malformedResponse(url: url.absoluteString, reason: "redirect without a usable Location")
                }
                url = next
            case 207:
                let multistatus = try client.multistatus(from: response)
                let href = multistatus.responses.lazy.compactMap { $0.property(.currentUserPrincipal)?.hrefs.first }
                    .first
                return href.flatMap { URL(string: $0, relativeTo: url)?.absoluteURL }
            default:
                throw DAVError.from(status: response.status, url: url.absoluteString)
            }
        }
        throw .tooManyRedirects(url: start.absoluteString)
    }
}

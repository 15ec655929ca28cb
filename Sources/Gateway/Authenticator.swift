import Crypto
import DAV
import Foundation
import JMAPCore
import Logging

/// Why a login failed.
public enum AuthenticationError: Error, Sendable, Equatable {
    /// The DAV server refused the credentials.
    case invalidCredentials
    /// This kind of credential is not supported (yet): bearer tokens.
    case unsupportedScheme
    /// The DAV server could not be asked.
    case backendUnavailable(String)
}

/// Where users are checked: the DAV server itself.
public struct BackendEndpoint: Sendable {
    public var baseURL: URL
    public var contextURLs: [DAVDiscovery.Service: URL]

    public init(baseURL: URL, contextURLs: [DAVDiscovery.Service: URL] = [:]) {
        self.baseURL = baseURL
        self.contextURLs = contextURLs
    }
}

/// Verifies credentials against the DAV server (PROPFIND current-user-principal with them) and
/// remembers a success for a short time. The cache key is an HMAC of the credentials under a
/// key that exists only in this process, so neither the password nor a reusable hash of it is
/// ever stored; nothing is written to disk.
public actor Authenticator {
    private struct Entry {
        var user: GatewayUser
        var expires: ContinuousClock.Instant
    }

    private let endpoint: BackendEndpoint
    private let httpClient: HTTPClientHandle
    private let davConfiguration: DAVClientConfiguration
    private let ttl: Duration
    private let accountCapabilities: @Sendable (HomePrivileges) -> [String: JSONObject]
    private let cacheKey = SymmetricKey(size: .bits256)
    private var cache: [Data: Entry] = [:]
    private let logger: Logger

    public init(
        endpoint: BackendEndpoint, httpClient: HTTPClientHandle, davConfiguration: DAVClientConfiguration,
        ttl: Duration, logger: Logger,
        accountCapabilities: @escaping @Sendable (HomePrivileges) -> [String: JSONObject] = { _ in [:] }
    ) {
        self.endpoint = endpoint
        self.httpClient = httpClient
        self.davConfiguration = davConfiguration
        self.ttl = ttl
        self.logger = logger
        self.accountCapabilities = accountCapabilities
    }

    public func authenticate(_ credentials: DAVCredentials) async throws(AuthenticationError) -> GatewayUser {
        guard case .basic(let username, _) = credentials else { throw .unsupportedScheme }
        let key = Data(
            HMAC<SHA256>.authenticationCode(for: Data(credentials.authorizationHeader.utf8), using: cacheKey))
        let now = ContinuousClock.now
        if let entry = cache[key], entry.expires > now { return entry.user }

        let client = DAVClient(
            httpClient: httpClient.client, configuration: davConfiguration, credentials: credentials, logger: logger)
        let discovery = DAVDiscovery(client: client, baseURL: endpoint.baseURL, contextURLs: endpoint.contextURLs)
        let principal: URL
        do {
            principal = try await discovery.currentUserPrincipal()
        } catch .unauthorized {
            logger.info("login refused by the DAV server", metadata: ["user": .string(username)])
            throw .invalidCredentials
        } catch {
            logger.warning("cannot verify login", metadata: ["user": .string(username), "error": "\(error)"])
            throw .backendUnavailable(error.description)
        }
        let privileges = await HomePrivileges.read(discovery, principal: principal)
        let user = GatewayUser(
            username: username, principalURL: principal, credentials: credentials,
            accountCapabilities: accountCapabilities(privileges))
        evictExpired(now: now)
        cache[key] = Entry(user: user, expires: now + ttl)
        return user
    }

    private func evictExpired(now: ContinuousClock.Instant) {
        guard cache.count > 1024 else { return }
        cache = cache.filter { $0.value.expires > now }
    }
}

import Crypto
import DAV
import Foundation
import JMAPCore
import Logging
import Synchronization

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
/// remembers a success for a short time. The cache key is an HMAC of the Authorization header under
/// a key that exists only in this process, so neither the password nor a reusable hash of it is
/// ever stored; nothing is written to disk. A remembered login is found without a hop or a parse:
/// every request asks.
public final class Authenticator: Sendable {
    private struct Entry {
        var user: GatewayUser
        var expires: ContinuousClock.Instant
    }

    private let endpoint: BackendEndpoint
    private let httpClient: HTTPClientHandle
    private let davConfiguration: DAVClientConfiguration
    private let ttl: Duration
    private let accountCapabilities: @Sendable (HomePrivileges) -> [String: JSONObject]
    /// Keyed with a key that exists only in this process; copied for each use (keying costs more than
    /// hashing a header).
    private let keyedHMAC = HMAC<SHA256>(key: SymmetricKey(size: .bits256))
    private let cache = Mutex<[Data: Entry]>([:])
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

    /// The user of a login verified within the TTL with exactly this Authorization header value.
    public func cachedUser(authorization: String) -> GatewayUser? {
        let key = cacheKey(authorization)
        let now = ContinuousClock.now
        return cache.withLock { cache in cache[key].flatMap { $0.expires > now ? $0.user : nil } }
    }

    /// Verifies `credentials` with the DAV server, unless a login with them is remembered. `authorization`
    /// is the header they came in, when they came in one: what `cachedUser` will be asked with.
    public func authenticate(_ credentials: DAVCredentials, authorization: String? = nil)
        async throws(AuthenticationError) -> GatewayUser
    {
        guard case .basic(let username, _) = credentials else { throw .unsupportedScheme }
        let header = authorization ?? credentials.authorizationHeader
        if let user = cachedUser(authorization: header) { return user }

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
        let key = cacheKey(header)
        let now = ContinuousClock.now
        cache.withLock { cache in
            if cache.count > 1024 { cache = cache.filter { $0.value.expires > now } }
            cache[key] = Entry(user: user, expires: now + ttl)
        }
        return user
    }

    private func cacheKey(_ authorization: String) -> Data {
        var hmac = keyedHMAC
        hmac.update(data: Data(authorization.utf8))
        return Data(hmac.finalize())
    }
}

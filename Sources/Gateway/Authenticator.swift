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
    /// The account capabilities of a user, from what their homes allow and their principal URL (whose
    /// Principal id some capabilities name).
    private let accountCapabilities: @Sendable (HomePrivileges, URL) -> [String: JSONObject]
    /// Keyed with a key that exists only in this process; copied for each use (keying costs more than
    /// hashing a header).
    private let keyedHMAC = HMAC<SHA256>(key: SymmetricKey(size: .bits256))
    private let cache = Mutex<[Data: Entry]>([:])
    private let logger: Logger

    public init(
        endpoint: BackendEndpoint, httpClient: HTTPClientHandle, davConfiguration: DAVClientConfiguration,
        ttl: Duration, logger: Logger,
        accountCapabilities: @escaping @Sendable (HomePrivileges, URL) -> [String: JSONObject] = { _, _ in [:] }
    ) {
        self.endpoint = endpoint
        self.httpClient = httpClient
        self.davConfiguration = davConfiguration
        self.ttl = ttl
        self.logger = logger
        self.accountCapabilities = accountCapabilities
    }

    /// The user of an Authorization header value: remembered when a login with exactly this value
    /// succeeded within the TTL (no parse, no hop), else verified with the DAV server. A value that
    /// holds no credentials is `invalidCredentials`.
    public func authenticate(authorization header: String) async throws(AuthenticationError) -> GatewayUser {
        let key = cacheKey(header)
        let now = ContinuousClock.now
        if let user = cache.withLock({ cache in cache[key].flatMap { $0.expires > now ? $0.user : nil } }) {
            return user
        }
        guard let credentials = DAVCredentials(authorization: header) else { throw .invalidCredentials }
        let user = try await verify(credentials)
        let verified = ContinuousClock.now
        cache.withLock { cache in
            if cache.count > 1024 { cache = cache.filter { $0.value.expires > verified } }
            cache[key] = Entry(user: user, expires: verified + ttl)
        }
        return user
    }

    /// The user of `credentials`, remembered like the header they make.
    public func authenticate(_ credentials: DAVCredentials) async throws(AuthenticationError) -> GatewayUser {
        try await authenticate(authorization: credentials.authorizationHeader)
    }

    private func verify(_ credentials: DAVCredentials) async throws(AuthenticationError) -> GatewayUser {
        guard case .basic(let username, _) = credentials else { throw .unsupportedScheme }
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
        return GatewayUser(
            username: username, principalURL: principal, credentials: credentials,
            accountCapabilities: accountCapabilities(privileges, principal))
    }

    private func cacheKey(_ authorization: String) -> Data {
        var hmac = keyedHMAC
        hmac.update(data: Data(authorization.utf8))
        return Data(hmac.finalize())
    }
}

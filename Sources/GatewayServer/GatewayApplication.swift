import DAV
import Foundation
import Gateway
import Hummingbird
import HummingbirdWebSocket
import JMAPCore
import Logging
import ServiceLifecycle
import Store

/// Builds the gateway's HTTP application from a configuration. A library function, so tests run
/// the same server in-process or on a real socket.
public enum GatewayApplication {
    public static func build(
        configuration: GatewayConfiguration, logger: Logger
    ) throws -> some ApplicationProtocol {
        let httpClient = HTTPClientHandle(configuration: configuration.backend.davClientConfiguration)
        let blobs = BlobStore(directory: configuration.cache.blobDirectory)
        let store = try SQLiteStore(path: configuration.cache.databasePath)
        let coordinator = SyncCoordinator(
            store: store, httpClient: httpClient, davConfiguration: configuration.backend.davClientConfiguration,
            options: configuration.backend.syncOptions, logger: logger)
        let poller = SyncPoller(
            coordinator: coordinator, interval: configuration.backend.pollInterval,
            changeLogSize: configuration.cache.changeLogSize, logger: logger)
        let metrics = GatewayMetrics()
        let push = PushHub(store: store, metrics: metrics)
        let methods = GatewayMethods(
            limits: configuration.limits, blobs: blobs, store: store, coordinator: coordinator)
        let authenticator = Authenticator(
            endpoint: configuration.backend.endpoint, httpClient: httpClient,
            davConfiguration: configuration.backend.davClientConfiguration,
            ttl: configuration.backend.authCacheTTL, logger: logger,
            accountCapabilities: methods.accountCapabilities)

        let router = Router(context: GatewayRequestContext.self)
        // Only where its lines would be written: every middleware is a few async frames of every request,
        // and a connection's task keeps the memory of its deepest call chain (see docs in README: push).
        if logger.logLevel <= .debug { router.add(middleware: LogRequestsMiddleware(.debug)) }
        if !configuration.server.corsAllowedOrigins.isEmpty {
            router.add(middleware: CORSPolicyMiddleware(allowedOrigins: configuration.server.corsAllowedOrigins))
        }
        HealthRoutes(backendURL: configuration.backend.url, httpClient: httpClient).register(on: router)
        if let metricsPath = configuration.server.metricsPath { metrics.register(on: router, path: metricsPath) }
        // PushSubscription (RFC 8620 §7.2) is core, but delivered by the HTTP side: registered here.
        var registry = methods.registry
        let subscriptions = PushSubscriptions(
            hub: push, coordinator: coordinator,
            policy: PushURLPolicy(
                allowInsecureURLs: configuration.push.allowInsecureURLs,
                allowPrivateAddresses: configuration.push.allowPrivateAddresses),
            maxLifetime: configuration.push.maxLifetime, deliveryTimeout: configuration.push.deliveryTimeout,
            metrics: metrics, logger: logger)
        subscriptions.register(in: &registry)
        JMAPRoutes(
            configuration: configuration, registry: registry, blobs: blobs, coordinator: coordinator,
            push: push
        ).register(on: router, authentication: AuthenticationMiddleware(authenticator: authenticator))

        return Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: router,
                configuration: .init(
                    http1: .init(additionalChannelHandlers: [ClientDisconnectHandler()]),
                    // A request may come as one frame of up to maxSizeRequest (the default 16 KB would
                    // refuse an ordinary /set); a client that does not answer the close frame of a
                    // shutdown delays it at most closeTimeout.
                    ws: .init(maxFrameSize: configuration.limits.maxSizeRequest, closeTimeout: .seconds(5)))),
            configuration: .init(
                address: .hostname(configuration.server.host, port: configuration.server.port),
                serverName: "jmap-gateway"
            ),
            services: [poller, push, subscriptions, HTTPClientService(handle: httpClient)],
            logger: logger
        )
    }
}

/// Shuts the DAV connection pool down when the application stops.
struct HTTPClientService: Service {
    let handle: HTTPClientHandle

    func run() async throws {
        try? await gracefulShutdown()
        try await handle.shutdown()
    }
}

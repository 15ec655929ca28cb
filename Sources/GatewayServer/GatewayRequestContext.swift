import Gateway
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// Per-request context: Hummingbird's core storage plus the authenticated user, set by
/// `AuthenticationMiddleware` on the routes that need one.
public struct GatewayRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var user: GatewayUser?
    /// Set when the request upgrades to JMAP over WebSocket (RFC 8887).
    public let webSocket: WebSocketHandlerReference<Self>
    /// The connection, for responses that must notice their client leaving (`ClientDisconnectHandler`).
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.user = nil
        self.webSocket = .init()
        self.channel = source.channel
    }

    /// The user, which the authentication middleware guarantees on protected routes.
    func requireUser() throws -> GatewayUser {
        guard let user else { throw ProblemError.unauthorized }
        return user
    }
}

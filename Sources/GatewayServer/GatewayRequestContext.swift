import Gateway
import Hummingbird

/// Per-request context: Hummingbird's core storage plus the authenticated user, set by
/// `AuthenticationMiddleware` on the routes that need one.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var user: GatewayUser?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.user = nil
    }

    /// The user, which the authentication middleware guarantees on protected routes.
    func requireUser() throws -> GatewayUser {
        guard let user else { throw ProblemError.unauthorized }
        return user
    }
}

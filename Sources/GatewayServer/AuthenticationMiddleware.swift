import DAV
import Foundation
import Gateway
import Hummingbird

/// Lets a request through only with credentials the DAV server accepts (HTTP Basic; bearer
/// tokens are parsed but refused until a bearer-capable backend exists).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let authenticator: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization] else { throw ProblemError.unauthorized }
        var context = context
        do {
            context.user = try await authenticator.authenticate(authorization: header)
        } catch .invalidCredentials, .unsupportedScheme {
            throw ProblemError.unauthorized
        } catch .backendUnavailable(let reason) {
            throw ProblemError(
                status: .serviceUnavailable, type: "urn:ietf:params:jmap:error:serverUnavailable",
                detail: "The DAV server could not verify the credentials: \(reason)")
        }
        return try await next(request, context)
    }
}

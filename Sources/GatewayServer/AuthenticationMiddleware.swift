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
        if let user = authenticator.cachedUser(authorization: header) {
            context.user = user
            return try await next(request, context)
        }
        guard let credentials = Self.credentials(from: header) else { throw ProblemError.unauthorized }
        do {
            context.user = try await authenticator.authenticate(credentials, authorization: header)
        } catch .invalidCredentials, .unsupportedScheme {
            throw ProblemError.unauthorized
        } catch .backendUnavailable(let reason) {
            throw ProblemError(
                status: .serviceUnavailable, type: "urn:ietf:params:jmap:error:serverUnavailable",
                detail: "The DAV server could not verify the credentials: \(reason)")
        }
        return try await next(request, context)
    }

    static func credentials(from header: String?) -> DAVCredentials? {
        guard let header, let space = header.firstIndex(of: " ") else { return nil }
        let scheme = header[..<space].lowercased()
        let value = header[header.index(after: space)...].trimmingCharacters(in: .whitespaces)
        switch scheme {
        case "basic":
            guard let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8),
                let colon = text.firstIndex(of: ":")
            else { return nil }
            let username = String(text[..<colon])
            guard !username.isEmpty else { return nil }
            return .basic(username: username, password: String(text[text.index(after: colon)...]))
        case "bearer":
            return value.isEmpty ? nil : .bearer(token: value)
        default:
            return nil
        }
    }
}

import Foundation

/// How the gateway proves itself to the DAV server: with the user's own credentials, held in
/// memory only. `description` never shows the secret, so logging a value is safe.
public enum DAVCredentials: Sendable, Hashable, CustomStringConvertible {
    case basic(username: String, password: String)
    /// For OAuth-protected DAV servers; accepted by the client, not yet offered by the gateway.
    case bearer(token: String)

    public var authorizationHeader: String {
        switch self {
        case .basic(let username, let password):
            "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        case .bearer(let token):
            "Bearer " + token
        }
    }

    public var description: String {
        switch self {
        case .basic(let username, _): "basic(\(username), <redacted>)"
        case .bearer: "bearer(<redacted>)"
        }
    }
}

import Foundation

/// How the gateway proves itself to the DAV server: with the user's own credentials, held in
/// memory only. `description` never shows the secret, so logging a value is safe.
public enum DAVCredentials: Sendable, Hashable, CustomStringConvertible {
    case basic(username: String, password: String)
    /// For OAuth-protected DAV servers; accepted by the client, not yet offered by the gateway.
    case bearer(token: String)

    /// The credentials of an HTTP Authorization header value (Basic or Bearer, RFC 9110 §11.6.2);
    /// nil for another scheme or a malformed value.
    public init?(authorization header: String) {
        guard let space = header.firstIndex(of: " ") else { return nil }
        let scheme = header[..<space].lowercased()
        let value = header[header.index(after: space)...].trimmingCharacters(in: .whitespaces)
        switch scheme {
        case "basic":
            guard let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8),
                let colon = text.firstIndex(of: ":")
            else { return nil }
            let username = String(text[..<colon])
            guard !username.isEmpty else { return nil }
            self = .basic(username: username, password: String(text[text.index(after: colon)...]))
        case "bearer":
            guard !value.isEmpty else { return nil }
            self = .bearer(token: value)
        default:
            return nil
        }
    }

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

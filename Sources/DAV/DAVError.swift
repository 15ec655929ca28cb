/// What can go wrong talking to a DAV server, typed so callers can map each case to the right
/// JMAP answer (e.g. 412 to a retry, 401 to an HTTP 401).
public enum DAVError: Error, Sendable, Hashable, CustomStringConvertible {
    case unauthorized(url: String)
    case forbidden(url: String)
    case notFound(url: String)
    /// 412: an If-Match / If-None-Match precondition failed (someone else changed the resource).
    case preconditionFailed(url: String)
    /// 409 (and 403 with a DAV precondition body some servers use for conflicts).
    case conflict(url: String, detail: String?)
    case insufficientStorage(url: String)
    case serverError(status: Int, url: String)
    case unexpectedStatus(status: Int, url: String)
    case timeout(url: String)
    case connectionFailed(url: String, reason: String)
    case malformedResponse(url: String, reason: String)
    case responseTooLarge(url: String, limit: Int)
    case tooManyRedirects(url: String)
    case invalidURL(String)

    public var description: String {
        switch self {
        case .unauthorized(let url): "401 Unauthorized from \(url)"
        case .forbidden(let url): "403 Forbidden from \(url)"
        case .notFound(let url): "404 Not Found: \(url)"
        case .preconditionFailed(let url): "412 Precondition Failed: \(url)"
        case .conflict(let url, let detail): "409 Conflict: \(url)\(detail.map { " (\($0))" } ?? "")"
        case .insufficientStorage(let url): "507 Insufficient Storage: \(url)"
        case .serverError(let status, let url): "server error \(status) from \(url)"
        case .unexpectedStatus(let status, let url): "unexpected status \(status) from \(url)"
        case .timeout(let url): "timed out waiting for \(url)"
        case .connectionFailed(let url, let reason): "cannot reach \(url): \(reason)"
        case .malformedResponse(let url, let reason): "malformed response from \(url): \(reason)"
        case .responseTooLarge(let url, let limit): "response from \(url) exceeds \(limit) bytes"
        case .tooManyRedirects(let url): "too many redirects from \(url)"
        case .invalidURL(let url): "invalid URL \(url)"
        }
    }

    /// Maps an HTTP status that is not a success to the matching error.
    static func from(status: Int, url: String) -> DAVError {
        switch status {
        case 401: .unauthorized(url: url)
        case 403: .forbidden(url: url)
        case 404, 410: .notFound(url: url)
        case 409: .conflict(url: url, detail: nil)
        case 412: .preconditionFailed(url: url)
        case 507: .insufficientStorage(url: url)
        case 500...599: .serverError(status: status, url: url)
        default: .unexpectedStatus(status: status, url: url)
        }
    }
}

import Foundation

/// What can go wrong talking to a DAV server, typed so callers can map each case to the right
/// JMAP answer (e.g. 412 to a retry, 401 to an HTTP 401).
public enum DAVError: Error, Sendable, Hashable, CustomStringConvertible {
    case unauthorized(url: String)
    case forbidden(url: String)
    case notFound(url: String)
    /// 412: an If-Match / If-None-Match precondition failed (someone else changed the resource).
    case preconditionFailed(url: String)
    /// 409, with the preconditions its `DAV:error` body names (e.g. CardDAV `no-uid-conflict`).
    case conflict(url: String, detail: String?)
    /// The server no longer accepts the sync-token (RFC 6578 §3.2 `DAV:valid-sync-token`, answered
    /// as 403 by Radicale, 412 by Xandikos, 409 by others): start again with an initial sync.
    case invalidSyncToken(url: String)
    /// A PROPPATCH, MKCOL or MKCALENDAR was answered, but some properties were not set: each
    /// rejected property (`{namespace}name`) with its status.
    case propertiesRejected(url: String, statuses: [String: Int])
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
        case .invalidSyncToken(let url): "sync-token no longer valid for \(url)"
        case .propertiesRejected(let url, let statuses):
            "properties not set on \(url): "
                + statuses.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
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

    /// A multistatus that could not be read, as the error of the request that returned it.
    init(_ error: MultistatusError, url: URL, limit: Int) {
        switch error {
        case .tooLarge: self = .responseTooLarge(url: url.absoluteString, limit: limit)
        case .malformed(let reason): self = .malformedResponse(url: url.absoluteString, reason: reason)
        }
    }

    /// Maps a response that is not a success to the matching error, reading the precondition a
    /// `DAV:error` body names (RFC 4918 §16) where the status alone is ambiguous.
    static func from(_ response: DAVResponse) -> DAVError {
        let url = response.url.absoluteString
        guard [403, 409, 412].contains(response.status) else { return from(status: response.status, url: url) }
        let conditions = preconditions(in: response.body)
        if conditions.contains(.dav("valid-sync-token")) { return .invalidSyncToken(url: url) }
        if response.status == 409 {
            return .conflict(
                url: url, detail: conditions.isEmpty ? nil : conditions.map(\.description).joined(separator: ", "))
        }
        return from(status: response.status, url: url)
    }

    /// The element names inside a `DAV:error` body; none when the body is anything else.
    static func preconditions(in body: Data) -> [XMLName] {
        guard let root = try? XMLTreeParser.parse(body, maxSize: 1 << 20), root.name == .error else { return [] }
        return root.children.map(\.name)
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

import Foundation

/// The condition a write is made under (RFC 9110 §13.1), so that a change made meanwhile by another
/// client is never overwritten: a failed condition is `DAVError.preconditionFailed`.
public enum DAVWritePrecondition: Sendable, Hashable {
    /// Unconditional.
    case none
    /// Only if nothing exists at the URL yet (`If-None-Match: *`).
    case create
    /// Only if the resource still has this ETag (`If-Match`).
    case ifMatch(String)

    var headers: [(String, String)] {
        switch self {
        case .none: []
        case .create: [("If-None-Match", "*")]
        case .ifMatch(let etag): [("If-Match", etag)]
        }
    }
}

/// Reading and writing single resources: GET, PUT and DELETE.
extension DAVClient {
    /// The resource's body and ETag. Also the way to learn the ETag after a PUT that returned none
    /// (DAViCal vCards), or the stored form of a body the server rewrote (Radicale, Cyrus).
    public func get(_ url: URL) async throws(DAVError) -> DAVResource {
        let response = try await send("GET", url, expecting: [200])
        return DAVResource(
            href: DAVHref.normalize(url.absoluteString, relativeTo: url), etag: response.etag, body: response.body)
    }

    /// Stores `body` at `url`. Returns the new ETag when the server sent one; nil means it must be
    /// read back with `get` (a server that changed the body may also send none, RFC 4791 §5.3.4).
    @discardableResult
    public func put(
        _ url: URL, body: Data, contentType: String, precondition: DAVWritePrecondition = .none
    ) async throws(DAVError) -> String? {
        let response = try await send(
            "PUT", url, headers: [("Content-Type", contentType)] + precondition.headers, body: body,
            expecting: [200, 201, 204])
        return response.etag
    }

    /// Deletes a resource or a whole collection, if it still has `etag` when one is given. Radicale
    /// answers 200 with a multistatus body; a 207 (RFC 4918 §9.6.1) fails if any member could not
    /// be deleted.
    public func delete(_ url: URL, ifMatch etag: String? = nil) async throws(DAVError) {
        let headers = etag.map { DAVWritePrecondition.ifMatch($0).headers } ?? []
        let response = try await send("DELETE", url, headers: headers, expecting: [200, 204, 207])
        guard response.status == 207 else { return }
        var failure: DAVError?
        try forEachResponse(in: response) { response in
            if let status = response.failureStatus {
                failure =
                    failure ?? DAVError.from(status: status, url: DAVHref.normalize(response.href, relativeTo: url))
            }
        }
        if let failure { throw failure }
    }
}

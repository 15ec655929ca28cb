import Foundation

/// Reading one collection with PROPFIND (RFC 4918 §9.1): its members' ETags for a full comparison
/// with the cache, and its own state (ctag, sync-token, names) for a cheap "anything changed?".
extension DAVClient {
    /// The collection's members with their ETags and content types (PROPFIND Depth 1). The
    /// collection itself and any sub-collection are left out.
    public func listMembers(_ url: URL) async throws(DAVError) -> [DAVMember] {
        let response = try await send(
            "PROPFIND", url, headers: [("Depth", "1")],
            body: DAVRequestBody.propfind([.getETag, .getContentType, .resourceType]), expecting: [207])
        return try members(in: response, collection: url)
    }

    /// The collection's own properties (PROPFIND Depth 0): kind, names, ctag, sync-token,
    /// privileges, or only `properties` (e.g. `DAVCollection.listingProperties`, which spares Radicale
    /// computing ctag and sync-token). A collection that is neither address book nor calendar is a
    /// malformed answer.
    public func collectionState(
        _ url: URL, properties: [XMLName] = DAVCollection.properties
    ) async throws(DAVError) -> DAVCollection {
        let response = try await send(
            "PROPFIND", url, headers: [("Depth", "0")], body: DAVRequestBody.propfind(properties), expecting: [207])
        return try collection(in: response, url: url)
    }

    /// The members a Depth 1 answer (PROPFIND or a query REPORT) lists, with every 2xx property.
    func members(in response: DAVResponse, collection url: URL) throws(DAVError) -> [DAVMember] {
        let own = DAVHref.normalize(url.absoluteString, relativeTo: url)
        var members: [DAVMember] = []
        try forEachResponse(in: response) { response in
            let href = DAVHref.normalize(response.href, relativeTo: url)
            guard !DAVHref.sameResource(href, own), let member = DAVMember(response, href: href) else { return }
            members.append(member)
        }
        return members
    }

    /// The collection described by a Depth 0 answer.
    func collection(in response: DAVResponse, url: URL) throws(DAVError) -> DAVCollection {
        let own = DAVHref.normalize(url.absoluteString, relativeTo: url)
        var found: Multistatus.Response?
        try forEachResponse(in: response) { response in
            if found == nil || DAVHref.sameResource(DAVHref.normalize(response.href, relativeTo: url), own) {
                found = response
            }
        }
        guard let found else {
            throw .malformedResponse(url: url.absoluteString, reason: "no DAV:response for the collection")
        }
        // Xandikos answers a PROPFIND on a missing path with a 207 whose one response is a 404.
        if let status = found.failureStatus {
            throw DAVError.from(status: status, url: url.absoluteString)
        }
        guard let collection = DAVCollection(response: found, baseURL: url) else {
            throw .malformedResponse(url: url.absoluteString, reason: "neither an address book nor a calendar")
        }
        return collection
    }
}

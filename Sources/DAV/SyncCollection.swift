import Foundation

/// What changed in a collection since a sync-token (RFC 6578), merged over every page the server
/// needed.
public struct SyncCollectionResult: Sendable, Hashable {
    /// New or changed members with their current ETags. Never the collection itself.
    public var members: [DAVMember]
    /// Hrefs the server reported as removed (404). Radicale's initial sync also lists members deleted
    /// long ago, so a caller ignores removed hrefs it does not know.
    public var removed: [String]
    /// The token to sync from next time. RFC 6578 requires one; nil only if the server sent none.
    public var syncToken: String?
    /// Whether the server still holds back changes: its last page was truncated (507) and the request
    /// bound was reached or the token stopped advancing. Syncing again from `syncToken` gets the rest.
    public var truncated: Bool
    /// How many REPORTs it took.
    public var requests: Int

    public init(members: [DAVMember], removed: [String], syncToken: String?, truncated: Bool, requests: Int) {
        self.members = members
        self.removed = removed
        self.syncToken = syncToken
        self.truncated = truncated
        self.requests = requests
    }
}

/// One sync-collection answer, reduced to the changes it reports.
struct SyncPage: Sendable {
    enum Change: Sendable {
        case changed(DAVMember)
        case removed(String)

        var href: String {
            switch self {
            case .changed(let member): member.href
            case .removed(let href): href
            }
        }
    }

    var changes: [Change] = []
    var syncToken: String?
    /// The server answered 507 for the request URI (RFC 6578 §3.6): more changes follow.
    var truncated = false
}

extension DAVClient {
    /// Changes to the collection since `syncToken`, or all members when it is nil (RFC 6578 §3.2,
    /// sync-level 1). A truncated answer (507 on the request URI, §3.6) is continued from the token it
    /// returned, up to `maxRequests` REPORTs. `DAV:limit` is never sent: Xandikos truncates silently
    /// when given one and hands back its current token, which would lose changes.
    ///
    /// A token the server no longer accepts throws `DAVError.invalidSyncToken`.
    public func syncCollection(
        _ url: URL, syncToken: String?, properties: [XMLName] = [.getETag], maxRequests: Int = 100
    ) async throws(DAVError) -> SyncCollectionResult {
        try await SyncCollectionResult.collect(from: syncToken, maxRequests: maxRequests) { token throws(DAVError) in
            let response = try await send(
                "REPORT", url, headers: [("Depth", "0")],
                body: DAVRequestBody.syncCollection(token: token, properties: properties), expecting: [207])
            return try syncPage(response, collection: url)
        }
    }

    /// Reads one 207 answer to sync-collection.
    func syncPage(_ response: DAVResponse, collection url: URL) throws(DAVError) -> SyncPage {
        let own = DAVHref.normalize(url.absoluteString, relativeTo: url)
        var page = SyncPage()
        var collectionMissing = false
        page.syncToken = try forEachResponse(in: response) { response in
            if response.status == 507 {
                page.truncated = true
                return
            }
            for raw in response.hrefs {
                let href = DAVHref.normalize(raw, relativeTo: url)
                // Xandikos answers a deleted collection with a 207 whose only response is a 404 for it.
                if DAVHref.sameResource(href, own), response.status == 404 { collectionMissing = true }
                // Neither the collection nor a sub-collection is an address or calendar object.
                guard !DAVHref.sameResource(href, own), !href.hasSuffix("/") else { continue }
                if response.status == 404 || response.status == 410 {
                    page.changes.append(.removed(href))
                } else if let member = DAVMember(response, href: href) {
                    page.changes.append(.changed(member))
                }
            }
        }
        if collectionMissing { throw .notFound(url: url.absoluteString) }
        if let token = page.syncToken, token.isEmpty { page.syncToken = nil }
        if page.truncated && page.syncToken == nil {
            throw .malformedResponse(url: url.absoluteString, reason: "a truncated sync answer without a sync-token")
        }
        return page
    }
}

extension SyncCollectionResult {
    /// Requests pages until one is complete, each from the token the previous one returned, and merges
    /// them: a later page's report on an href replaces an earlier one's.
    static func collect(
        from syncToken: String?, maxRequests: Int, page fetch: (String?) async throws(DAVError) -> SyncPage
    ) async throws(DAVError) -> SyncCollectionResult {
        var order: [String] = []
        var latest: [String: SyncPage.Change] = [:]
        var token = syncToken
        var requests = 0
        var truncated = false
        repeat {
            let page = try await fetch(token)
            requests += 1
            for change in page.changes {
                if latest.updateValue(change, forKey: change.href) == nil { order.append(change.href) }
            }
            truncated = page.truncated
            guard truncated else {
                token = page.syncToken ?? token
                break
            }
            // A server repeating the token would make every further page the same one.
            guard let next = page.syncToken, next != token else { break }
            token = next
        } while requests < maxRequests
        var members: [DAVMember] = []
        var removed: [String] = []
        for href in order {
            switch latest[href] {
            case .changed(let member): members.append(member)
            case .removed(let href): removed.append(href)
            case nil: break
            }
        }
        return SyncCollectionResult(
            members: members, removed: removed, syncToken: token, truncated: truncated, requests: requests)
    }
}

extension DAVRequestBody {
    /// `DAV:sync-collection` (RFC 6578 §6.1) at sync-level 1, with no `DAV:limit`.
    static func syncCollection(token: String?, properties: [XMLName]) -> Data {
        document(
            Element(
                .dav("sync-collection"),
                children: [
                    Element(.syncToken, text: token ?? ""), Element(.dav("sync-level"), text: "1"), prop(properties),
                ]))
    }
}

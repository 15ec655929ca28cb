import DAV
import Foundation
import JMAPCore
import Store

/// The DAV side of ContactCard/set and CalendarEvent/set: every write is conditional (RFC 9110 §13.1),
/// so a change made on the DAV side meanwhile is never overwritten, and goes into the cache as soon as
/// the server took it. The data types decide what to write; this decides how.
struct ResourceWriter: Sendable {
    let store: any Store
    let client: DAVClient
    let accountId: String
    /// The collections of the data type: where resources are created and moved to.
    let collections: [StoredCollection]
    /// `text/vcard; charset=utf-8` or `text/calendar; charset=utf-8`.
    let contentType: String
    /// `vcf` or `ics`, for the names of new resources.
    let fileExtension: String

    /// How often an update or destroy re-reads a resource another client changed meanwhile and tries again.
    static let maxAttempts = 3

    /// The cached resource and its collection, or `notFound`.
    func current(_ id: String) async throws(SetError) -> (StoredObject, StoredCollection) {
        do {
            guard let object = try await store.objects(accountId: accountId, ids: [id]).first,
                let collection = try await store.collections(accountId: accountId).first(where: {
                    $0.id == object.collectionId
                })
            else { throw SetError.notFound() }
            return (object, collection)
        } catch let error as SetError {
            throw error
        } catch {
            throw .serverFail(error)
        }
    }

    /// The collection of `id`, or `invalidProperties` on `property` naming what is wrong.
    func collection(_ id: String, property: String) throws(SetError) -> StoredCollection {
        guard let found = collections.first(where: { $0.id == id }) else {
            throw .invalidProperties([property], "No collection \(id).")
        }
        return found
    }

    /// Creates a new resource named after `uid` (PUT with If-None-Match: *) and returns its id.
    func create(_ body: Data, uid: String, in collection: StoredCollection) async throws(SetError) -> String {
        guard let url = URL(string: collection.href + resourceName(uid: uid)) else {
            throw .invalidProperties(["uid"], "The uid does not make a usable resource name.")
        }
        let etag: String?
        do {
            etag = try await client.put(url, body: body, contentType: contentType, precondition: .create)
        } catch .preconditionFailed {
            throw SetError("alreadyExists", description: "A resource with uid \(uid) already exists.")
        } catch {
            throw SetError(dav: error)
        }
        return try await record(url, in: collection, body: body, etag: etag, uid: uid)
    }

    /// Replaces `object` with `body` if the server still holds the version the cache has (If-Match).
    /// False when it changed meanwhile: the new version is then in the cache, for the caller to apply
    /// its change to again.
    func replace(_ object: StoredObject, in collection: StoredCollection, with body: Data) async throws(SetError)
        -> Bool
    {
        guard let url = URL(string: object.href) else { throw .notFound() }
        let etag: String?
        do {
            etag = try await client.put(
                url, body: body, contentType: contentType, precondition: object.etag.map { .ifMatch($0) } ?? .none)
        } catch .preconditionFailed {
            try await refresh(object, in: collection)
            return false
        } catch {
            throw SetError(dav: error)
        }
        _ = try await record(url, in: collection, body: body, etag: etag, uid: object.uid)
        return true
    }

    /// Moves a resource to another collection: PUT in the new one first, then DELETE the old one. Should
    /// the DELETE fail, the new copy is deleted again, so neither copy is lost and no duplicate stays.
    /// False when the old copy changed on the server meanwhile (it is re-read; the caller tries again).
    func move(_ object: StoredObject, from collection: StoredCollection, to target: StoredCollection, body: Data)
        async throws(SetError) -> Bool
    {
        let uid = object.uid ?? ResourceUID.extract(from: body) ?? UUID().uuidString.lowercased()
        guard let oldURL = URL(string: object.href), let newURL = URL(string: target.href + resourceName(uid: uid))
        else { throw .notFound() }
        let newETag: String?
        do {
            newETag = try await client.put(newURL, body: body, contentType: contentType, precondition: .create)
        } catch .preconditionFailed {
            throw SetError("alreadyExists", description: "The target already holds a resource with uid \(uid).")
        } catch {
            throw SetError(dav: error)
        }
        do {
            try await client.delete(oldURL, ifMatch: object.etag)
        } catch .notFound {
            // Deleted on the server meanwhile: the resource now lives only where it was moved to.
        } catch {
            // Undo the PUT; on 412 the change is applied again to the old copy's new version.
            do { try await client.delete(newURL, ifMatch: newETag) } catch {
                throw SetError(
                    "serverFail", description: "The resource is in both collections now; the DAV server said \(error).")
            }
            guard case .preconditionFailed = error else { throw SetError(dav: error) }
            try await refresh(object, in: collection)
            return false
        }
        let resource = try await serverCopy(at: newURL, sent: body, etag: newETag)
        let moved = FetchedObject(href: resource.href, etag: resource.etag, uid: uid, body: resource.body)
        try await SetError.failingServer {
            try await store.moveObject(id: object.id, to: target, as: moved, accountId: accountId)
        }
        return true
    }

    /// Deletes the resource of `id` (If-Match), re-reading it when it changed meanwhile.
    func destroy(_ id: String) async throws(SetError) {
        for _ in 0..<Self.maxAttempts {
            let (object, collection) = try await current(id)
            guard let url = URL(string: object.href) else { throw .notFound() }
            do {
                try await client.delete(url, ifMatch: object.etag)
            } catch .preconditionFailed {
                try await refresh(object, in: collection)
                continue
            } catch .notFound {
                // Already gone on the server: the cache follows.
            } catch {
                throw SetError(dav: error)
            }
            try await storeApply(CollectionUpdate(collection: collection, removed: [object.href]))
            return
        }
        throw SetError("stateMismatch", description: "The resource kept changing on the server; try again.")
    }

    /// What the server holds at `url` after a PUT of `body` that answered `etag`. A server that sent no
    /// ETag is asked for both; so is one sent inline binary data, which servers have been seen to rewrite
    /// while still answering with an ETag, so the cache never shows what the server lacks.
    private func serverCopy(at url: URL, sent body: Data, etag: String?) async throws(SetError) -> DAVResource {
        let inline = body.range(of: Data("data:".utf8)) != nil || body.range(of: Data("ENCODING=".utf8)) != nil
        guard etag == nil || inline else {
            return DAVResource(href: DAVHref.normalize(url.absoluteString, relativeTo: url), etag: etag, body: body)
        }
        do { return try await client.get(url) } catch { throw SetError(dav: error) }
    }

    /// Puts what the server now holds at `url` into the cache and returns the resource's id.
    private func record(_ url: URL, in collection: StoredCollection, body: Data, etag: String?, uid: String?)
        async throws(SetError) -> String
    {
        let resource = try await serverCopy(at: url, sent: body, etag: etag)
        try await storeApply(
            CollectionUpdate(
                collection: collection,
                upserted: [
                    FetchedObject(
                        href: resource.href, etag: resource.etag, uid: ResourceUID.extract(from: resource.body) ?? uid,
                        body: resource.body)
                ]))
        do {
            let versions = try await store.objectVersions(
                accountId: accountId, collectionId: collection.id, hrefs: [resource.href])
            guard let id = versions.first?.id else { throw SetError("serverFail", description: "not cached") }
            return id
        } catch let error as SetError {
            throw error
        } catch {
            throw .serverFail(error)
        }
    }

    /// Re-reads a resource another client changed, into the cache; `notFound` if it was deleted.
    func refresh(_ object: StoredObject, in collection: StoredCollection) async throws(SetError) {
        guard let url = URL(string: object.href) else { throw .notFound() }
        let resource: DAVResource
        do {
            resource = try await client.get(url)
        } catch .notFound {
            try await storeApply(CollectionUpdate(collection: collection, removed: [object.href]))
            throw .notFound()
        } catch {
            throw SetError(dav: error)
        }
        try await storeApply(
            CollectionUpdate(
                collection: collection,
                upserted: [
                    FetchedObject(
                        href: object.href, etag: resource.etag, uid: ResourceUID.extract(from: resource.body),
                        body: resource.body)
                ]))
    }

    private func storeApply(_ update: CollectionUpdate) async throws(SetError) {
        try await SetError.failingServer { try await store.apply(update, accountId: accountId) }
    }

    /// A resource name from the uid: URL-safe characters only, so every server stores it as sent.
    func resourceName(uid: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        var name = String(uid.map { allowed.contains($0) ? $0 : "-" }.prefix(100))
        if name.isEmpty || name.allSatisfy({ $0 == "-" || $0 == "." }) { name = UUID().uuidString.lowercased() }
        return name + "." + fileExtension
    }

    /// The one collection a `…Ids` set names (`maxAddressBooksPerCard`, `maxCalendarsPerEvent` are 1).
    static func singleCollection(_ value: JSONValue, property: String) throws(SetError) -> String {
        guard case .object(let ids) = value, ids.count == 1, let (id, flag) = ids.first, flag == .bool(true) else {
            throw .invalidProperties([property], "A DAV resource is in exactly one collection.")
        }
        return id
    }
}

extension SetError {
    /// A DAV server's refusal as the SetError a client can act on.
    init(dav error: DAVError) {
        switch error {
        case .forbidden, .unauthorized: self = .forbidden("The DAV server refused the write: \(error)")
        case .insufficientStorage: self = .overQuota("\(error)")
        case .notFound: self = .notFound()
        default: self = .serverFail(error)
        }
    }
}

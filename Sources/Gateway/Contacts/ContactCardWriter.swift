import DAV
import Foundation
import JMAPCore
import JSContact
import Store

/// ContactCard/set (RFC 9610 §3.5) against the CardDAV server: every write is conditional (RFC 9110
/// §13.1), so a change made on the DAV side meanwhile is never overwritten, and goes into the cache
/// as soon as the server took it. A card the client did not change is never rewritten.
struct ContactCardWriter: Sendable {
    let store: any Store
    let client: DAVClient
    let accountId: String
    /// The account's address books, where cards are created and moved to.
    let books: [StoredCollection]
    /// Turns the client's `blobId`s into the `data:` URIs the vCard holds.
    let media: CardMedia

    /// How often an update or destroy re-reads a card another client changed meanwhile and tries again.
    static let maxAttempts = 3
    /// Properties JMAP sets or a client may not change: `uid` names the DAV resource (RFC 6352 §5.1).
    static let immutable: Set<String> = ["id", "uid"]

    // MARK: create

    func create(_ object: JSONObject, defaultBook: String?) async throws(SetError)
        -> CreatedRecord
    {
        var card = object
        var serverSet: JSONObject = [:]
        if card["id"] != nil { throw .invalidProperties(["id"], "`id` is set by the server.") }
        let bookId: String
        if let value = card.removeValue(forKey: "addressBookIds") {
            bookId = try Self.singleBook(value)
        } else if let defaultBook {
            bookId = defaultBook
            serverSet["addressBookIds"] = .object([defaultBook: .bool(true)])
        } else {
            throw .invalidProperties(["addressBookIds"], "There is no address book to put the card in.")
        }
        guard let book = books.first(where: { $0.id == bookId }) else {
            throw .invalidProperties(["addressBookIds"], "No address book \(bookId).")
        }
        if card["@type"] == nil { card["@type"] = "Card" }
        if card["version"] == nil { card["version"] = "1.0" }
        if card["uid"] == nil {
            let uid = "urn:uuid:\(UUID().uuidString.lowercased())"
            card["uid"] = .string(uid)
            serverSet["uid"] = .string(uid)
        }
        card = try media.internalized(card)
        let invalid = JSContactValidation.validate(card)
        guard invalid.isEmpty else { throw .invalidProperties(invalid) }
        guard case .string(let uid)? = card["uid"] else { throw .invalidProperties(["uid"]) }

        // vCard 4.0, except for a card with an inline picture: 3.0's ENCODING=b is the form every CardDAV
        // server keeps (Radicale cuts a 4.0 `data:` URI at its comma).
        let version: VCardVersion = CardMedia.hasInlineData(card) ? .v3_0 : .v4_0
        let body = Data(VCardWriter.serialize(JSContactConverter.vCard(from: card, version: version)).utf8)
        guard let url = URL(string: book.href + Self.resourceName(uid: uid)) else {
            throw .invalidProperties(["uid"], "The uid does not make a usable resource name.")
        }
        let etag: String?
        do {
            etag = try await client.put(url, body: body, contentType: Self.contentType, precondition: .create)
        } catch .preconditionFailed {
            throw SetError("alreadyExists", description: "A card with uid \(uid) already exists.")
        } catch {
            throw Self.setError(error)
        }
        let id = try await record(url, in: book, body: body, etag: etag, uid: uid)
        return CreatedRecord(id: id, properties: serverSet)
    }

    // MARK: update

    /// Applies `patch` to the card as the server now holds it. A new `addressBookIds` moves the card.
    func update(_ id: String, patch: PatchObject) async throws(SetError) -> JSONObject {
        for _ in 0..<Self.maxAttempts {
            let (object, book) = try await current(id)
            // From the body, not the cached JSON: the patch applies to exactly what is on the server.
            let storedCard = ContactCards.convert(object.body)
            let card = ContactCards.withJMAPProperties(media.externalized(storedCard), of: object)
            var updated = try patch.apply(to: card, immutable: Self.immutable)
            var target = book
            if let value = updated.removeValue(forKey: "addressBookIds"), value != card["addressBookIds"] {
                let bookId = try Self.singleBook(value)
                guard let found = books.first(where: { $0.id == bookId }) else {
                    throw .invalidProperties(["addressBookIds"], "No address book \(bookId).")
                }
                target = found
            }
            updated["id"] = nil
            updated = try media.internalized(updated, original: storedCard)
            let invalid = JSContactValidation.validate(updated)
            guard invalid.isEmpty else { throw .invalidProperties(invalid) }
            guard let stored = VCardParser.parse(String(decoding: object.body, as: UTF8.self)).cards.first else {
                throw .forbidden("The stored resource holds no vCard.")
            }
            let rewritten = JSContactConverter.updatedVCard(stored: stored, newCard: updated)
            // Nothing the vCard can express changed: the server's copy stays as it is, byte for byte.
            let body = rewritten == stored ? object.body : Data(VCardWriter.serialize(rewritten).utf8)
            if target.id != book.id {
                if try await move(object, from: book, to: target, body: body) { return [:] }
                continue
            }
            if rewritten == stored { return [:] }
            guard let url = URL(string: object.href) else { throw .notFound() }
            let etag: String?
            do {
                etag = try await client.put(
                    url, body: body, contentType: Self.contentType,
                    precondition: object.etag.map { .ifMatch($0) } ?? .none)
            } catch .preconditionFailed {
                // Changed on the server since we read it: take that version and apply the patch to it.
                try await refresh(object, in: book)
                continue
            } catch {
                throw Self.setError(error)
            }
            _ = try await record(url, in: book, body: body, etag: etag, uid: object.uid)
            return [:]
        }
        throw SetError("stateMismatch", description: "The card kept changing on the server; try again.")
    }

    /// Moves a card to another address book: PUT in the new one first, then DELETE the old one. Should
    /// the DELETE fail, the new copy is deleted again, so neither copy is lost and no duplicate stays.
    /// False when the old copy changed on the server meanwhile (it is re-read; the caller tries again).
    private func move(_ object: StoredObject, from book: StoredCollection, to target: StoredCollection, body: Data)
        async throws(SetError) -> Bool
    {
        let uid = object.uid ?? ResourceUID.extract(from: body) ?? UUID().uuidString.lowercased()
        guard let oldURL = URL(string: object.href), let newURL = URL(string: target.href + Self.resourceName(uid: uid))
        else { throw .notFound() }
        let newETag: String?
        do {
            newETag = try await client.put(newURL, body: body, contentType: Self.contentType, precondition: .create)
        } catch .preconditionFailed {
            throw SetError("alreadyExists", description: "The address book already holds a card with uid \(uid).")
        } catch {
            throw Self.setError(error)
        }
        do {
            try await client.delete(oldURL, ifMatch: object.etag)
        } catch .notFound {
            // Deleted on the server meanwhile: the card now lives only where it was moved to.
        } catch {
            // Undo the PUT; on 412 the patch is applied again to the old copy's new version.
            do { try await client.delete(newURL, ifMatch: newETag) } catch {
                throw SetError(
                    "serverFail", description: "The card is in both address books now; the DAV server said \(error).")
            }
            guard case .preconditionFailed = error else { throw Self.setError(error) }
            try await refresh(object, in: book)
            return false
        }
        let resource = try await serverCopy(at: newURL, sent: body, etag: newETag)
        let moved = FetchedObject(href: resource.href, etag: resource.etag, uid: uid, body: resource.body)
        try await SetError.failingServer {
            try await store.moveObject(id: object.id, to: target, as: moved, accountId: accountId)
        }
        return true
    }

    // MARK: destroy

    func destroy(_ id: String) async throws(SetError) {
        for _ in 0..<Self.maxAttempts {
            let (object, book) = try await current(id)
            guard let url = URL(string: object.href) else { throw .notFound() }
            do {
                try await client.delete(url, ifMatch: object.etag)
            } catch .preconditionFailed {
                try await refresh(object, in: book)
                continue
            } catch .notFound {
                // Already gone on the server: the cache follows.
            } catch {
                throw Self.setError(error)
            }
            try await storeApply(CollectionUpdate(collection: book, removed: [object.href]))
            return
        }
        throw SetError("stateMismatch", description: "The card kept changing on the server; try again.")
    }

    // MARK: support

    static let contentType = "text/vcard; charset=utf-8"

    /// The cached card and its address book, or `notFound`.
    private func current(_ id: String) async throws(SetError) -> (StoredObject, StoredCollection) {
        do {
            guard let object = try await store.objects(accountId: accountId, ids: [id]).first,
                let book = try await store.collections(accountId: accountId).first(where: {
                    $0.id == object.collectionId
                })
            else { throw SetError.notFound() }
            return (object, book)
        } catch let error as SetError {
            throw error
        } catch {
            throw .serverFail(error)
        }
    }

    /// What the server holds at `url` after a PUT of `body` that answered `etag`. A server that sent no
    /// ETag is asked for both; so is one sent a picture inline, which servers have been seen to rewrite
    /// while still answering with an ETag, so the cache never shows what the server lacks.
    private func serverCopy(at url: URL, sent body: Data, etag: String?) async throws(SetError) -> DAVResource {
        let inline = body.range(of: Data("data:".utf8)) != nil || body.range(of: Data("ENCODING=".utf8)) != nil
        guard etag == nil || inline else {
            return DAVResource(href: DAVHref.normalize(url.absoluteString, relativeTo: url), etag: etag, body: body)
        }
        do { return try await client.get(url) } catch { throw Self.setError(error) }
    }

    /// Puts what the server now holds at `url` into the cache and returns the card's id.
    private func record(_ url: URL, in book: StoredCollection, body: Data, etag: String?, uid: String?)
        async throws(SetError) -> String
    {
        let resource = try await serverCopy(at: url, sent: body, etag: etag)
        try await storeApply(
            CollectionUpdate(
                collection: book,
                upserted: [
                    FetchedObject(
                        href: resource.href, etag: resource.etag, uid: ResourceUID.extract(from: resource.body) ?? uid,
                        body: resource.body)
                ]))
        do {
            let versions = try await store.objectVersions(
                accountId: accountId, collectionId: book.id, hrefs: [resource.href])
            guard let id = versions.first?.id else { throw SetError("serverFail", description: "not cached") }
            return id
        } catch let error as SetError {
            throw error
        } catch {
            throw .serverFail(error)
        }
    }

    /// Re-reads a card another client changed, into the cache; `notFound` if it was deleted.
    private func refresh(_ object: StoredObject, in book: StoredCollection) async throws(SetError) {
        guard let url = URL(string: object.href) else { throw .notFound() }
        let resource: DAVResource
        do {
            resource = try await client.get(url)
        } catch .notFound {
            try await storeApply(CollectionUpdate(collection: book, removed: [object.href]))
            throw .notFound()
        } catch {
            throw Self.setError(error)
        }
        try await storeApply(
            CollectionUpdate(
                collection: book,
                upserted: [
                    FetchedObject(
                        href: object.href, etag: resource.etag, uid: ResourceUID.extract(from: resource.body),
                        body: resource.body)
                ]))
    }

    private func storeApply(_ update: CollectionUpdate) async throws(SetError) {
        try await SetError.failingServer { try await store.apply(update, accountId: accountId) }
    }

    /// `addressBookIds` must name exactly one book (`maxAddressBooksPerCard` is 1).
    private static func singleBook(_ value: JSONValue) throws(SetError) -> String {
        guard case .object(let books) = value, books.count == 1, let (id, flag) = books.first, flag == .bool(true)
        else {
            throw .invalidProperties(["addressBookIds"], "A card is in exactly one address book.")
        }
        return id
    }

    /// A resource name from the uid: URL-safe characters only, so every server stores it as sent.
    static func resourceName(uid: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        var name = String(uid.map { allowed.contains($0) ? $0 : "-" }.prefix(100))
        if name.isEmpty || name.allSatisfy({ $0 == "-" || $0 == "." }) { name = UUID().uuidString.lowercased() }
        return name + ".vcf"
    }

    static func setError(_ error: DAVError) -> SetError {
        switch error {
        case .forbidden, .unauthorized: .forbidden("The DAV server refused the write: \(error)")
        case .insufficientStorage: .overQuota("\(error)")
        case .notFound: .notFound()
        default: .serverFail(error)
        }
    }
}

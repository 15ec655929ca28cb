import DAV
import Foundation
import JMAPCore
import Store

/// AddressBook/set (RFC 9610 §2.3) against the CardDAV server. `name` and `description` live on the
/// server (displayname, addressbook-description); `sortOrder` and `isSubscribed` are the user's own and
/// live in the cache, as does the choice of default. Every change goes into the cache as soon as the
/// server took it, so the response's new state already shows it.
struct AddressBookWriter: Sendable {
    /// The cached collections, deletion and the default, shared with the other collection type.
    let collections: CollectionWriter

    var store: any Store { collections.store }
    var client: DAVClient { collections.client }
    var synchronizer: AccountSynchronizer { collections.synchronizer }
    var accountId: String { collections.accountId }

    /// Properties a client may not set; server-set ones may be repeated with their current value (§5.3).
    static let immutable: Set<String> = ["id", "isDefault", "myRights"]

    // MARK: create

    func create(_ object: JSONObject) async throws(SetError) -> CreatedRecord {
        for key in object.keys where Self.immutable.contains(key) {
            throw .invalidProperties([key], "`\(key)` is set by the server.")
        }
        let properties = try Self.validated(object, defaults: true)
        let url = try await collections.newCollectionURL()
        do {
            try await client.makeAddressBook(url, displayName: properties.name, description: properties.description)
        } catch {
            throw SetError(dav: error)
        }
        await synchronizer.collectionsChanged()
        let href = DAVHref.normalize(url.absoluteString, relativeTo: url)
        var collection = StoredCollection(
            id: "", href: href, kind: .addressBook, displayName: properties.name, description: properties.description)
        try await SetError.failingServer {
            try await store.apply(CollectionUpdate(collection: collection), accountId: accountId)
        }
        guard let created = try await collections.cached(href: href) else {
            throw SetError("serverFail", description: "The new address book is not in the cache.")
        }
        collection = created
        let settings = CollectionSettings(
            sortOrder: properties.sortOrder ?? 0, isSubscribed: properties.isSubscribed ?? true, isDefault: false)
        if settings != collection.settings {
            try await SetError.failingServer {
                try await store.updateSettings(settings, collectionId: collection.id, accountId: accountId)
            }
        }
        var serverSet: JSONObject = [
            "isDefault": false, "shareWith": .null, "myRights": .object(AddressBookMethods.rights([])),
        ]
        if object["description"] == nil { serverSet["description"] = .null }
        if object["sortOrder"] == nil { serverSet["sortOrder"] = .int(settings.sortOrder) }
        if object["isSubscribed"] == nil { serverSet["isSubscribed"] = .bool(settings.isSubscribed) }
        return CreatedRecord(id: collection.id, properties: serverSet)
    }

    // MARK: update

    func update(_ id: String, patch: PatchObject, isDefault: Bool) async throws(SetError) -> JSONObject {
        guard var book = try await collections.cached(id: id) else { throw .notFound() }
        let current = AddressBookMethods.json(for: book, isDefault: isDefault)
        let updated = try patch.apply(to: current, immutable: Self.immutable)
        let properties = try Self.validated(updated, defaults: false)
        guard let url = URL(string: book.href) else { throw .notFound() }

        var set: [(XMLName, String)] = []
        if updated["name"] != current["name"], let name = properties.name { set.append((.displayName, name)) }
        if updated["description"] != current["description"] {
            // Cleared by setting it empty: Xandikos answers 500 to removing it.
            set.append((.addressbookDescription, properties.description ?? ""))
        }
        if !set.isEmpty {
            do {
                try await client.proppatch(url, set: set)
            } catch {
                throw SetError(dav: error)
            }
            // The listing the synchronizer keeps still has the old names.
            await synchronizer.collectionsChanged()
            book.displayName = properties.name ?? book.displayName
            book.description = properties.description
            let written = book
            try await SetError.failingServer {
                try await store.apply(CollectionUpdate(collection: written), accountId: accountId)
            }
        }
        var settings = book.settings
        settings.sortOrder = properties.sortOrder ?? settings.sortOrder
        settings.isSubscribed = properties.isSubscribed ?? settings.isSubscribed
        if settings != book.settings {
            try await SetError.failingServer {
                try await store.updateSettings(settings, collectionId: id, accountId: accountId)
            }
        }
        return [:]
    }

    // MARK: support

    /// The writable properties, checked (RFC 9610 §2). `defaults` fills what a create may leave out.
    private struct Properties {
        var name: String?
        var description: String?
        var sortOrder: Int?
        var isSubscribed: Bool?
    }

    private static func validated(_ object: JSONObject, defaults: Bool) throws(SetError) -> Properties {
        var properties = Properties()
        var invalid: [String] = []
        for (key, value) in object {
            switch (key, value) {
            case ("name", .string(let name)) where !name.isEmpty && name.utf8.count <= 255:
                properties.name = name
            case ("description", .string(let description)): properties.description = description
            case ("description", .null): properties.description = nil
            case ("sortOrder", .int(let order)) where (0..<(1 << 31)).contains(order): properties.sortOrder = order
            case ("isSubscribed", .bool(let flag)): properties.isSubscribed = flag
            case ("shareWith", .null): break
            case ("shareWith", _): throw .forbidden("Sharing is not supported: mayShare is false.")
            case ("id", _), ("isDefault", _), ("myRights", _): break
            default: invalid.append(key)
            }
        }
        if defaults && properties.name == nil && object["name"] == nil { invalid.append("name") }
        guard invalid.isEmpty else {
            throw .invalidProperties(invalid.sorted(), "name is 1 to 255 octets; sortOrder 0 to 2^31-1.")
        }
        return properties
    }

}

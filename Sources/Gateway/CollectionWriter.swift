import DAV
import Foundation
import JMAPCore
import Store

/// What AddressBook/set (RFC 9610 §2.3) and Calendar/set (draft-ietf-jmap-calendars-27 §4.3) share: the
/// cached collections of one kind, deleting one on the server, and the user's choice of default, which
/// the DAV server has no place for and so lives in the cache.
struct CollectionWriter: Sendable {
    let store: any Store
    let client: DAVClient
    let synchronizer: AccountSynchronizer
    let accountId: String
    let kind: StoredCollection.Kind
    /// Which cached collections the client may see (Calendar/get hides free-busy-only calendars, §4.1).
    let isVisible: @Sendable (StoredCollection) -> Bool

    func cached(id: String) async throws(SetError) -> StoredCollection? {
        try await cached { $0.id == id && isVisible($0) }
    }

    func cached(href: String) async throws(SetError) -> StoredCollection? {
        try await cached { $0.href == href }
    }

    private func cached(where predicate: (StoredCollection) -> Bool) async throws(SetError) -> StoredCollection? {
        try await SetError.failingServer {
            try await store.collections(accountId: accountId).first { $0.kind == kind && predicate($0) }
        }
    }

    /// A URL for a new collection of this kind in the user's home: a fresh name, so it is never taken.
    func newCollectionURL() async throws(SetError) -> URL {
        let home: URL
        do {
            let principal = try await synchronizer.discoveredPrincipal()
            let homes = kind == .addressBook ? principal.addressbookHomes : principal.calendarHomes
            guard let first = homes.first else {
                throw SetError.forbidden(
                    "The DAV server names no \(kind == .addressBook ? "address book" : "calendar") home for this user.")
            }
            home = first
        } catch let error as SetError {
            throw error
        } catch let error as DAVError {
            throw SetError(dav: error)
        } catch {
            throw .serverFail(error)
        }
        guard let url = URL(string: UUID().uuidString.lowercased() + "/", relativeTo: home)?.absoluteURL else {
            throw SetError("serverFail", description: "No URL for a new collection under \(home).")
        }
        return url
    }

    /// Deletes the collection `id` on the server, which deletes its members too: refused with `nonEmpty`
    /// while it has members, unless the client allowed that (`onDestroyRemoveContents`,
    /// `onDestroyRemoveEvents`). A member lives in one collection only, so each goes with it.
    func destroy(_ id: String, removingMembers: Bool, nonEmpty: SetError) async throws(SetError) {
        guard let collection = try await cached(id: id) else { throw .notFound() }
        let hasMembers = try await SetError.failingServer {
            try await !store.objectVersions(accountId: accountId, collectionId: id).isEmpty
        }
        if hasMembers && !removingMembers { throw nonEmpty }
        guard let url = URL(string: collection.href) else { throw .notFound() }
        do {
            try await client.delete(url)
        } catch .notFound {
            // Already gone on the server: the cache follows.
        } catch {
            throw SetError(dav: error)
        }
        await synchronizer.collectionsChanged()
        try await SetError.failingServer { try await store.removeCollection(id: id, accountId: accountId) }
    }

    /// Makes `id` the default (`onSuccessSetIsDefault`). Returns the changed collections' `isDefault`, for
    /// the response; an unknown id is ignored, as both specs ask.
    func makeDefault(_ id: String, previous: String?) async throws(SetError) -> [String: JSONObject] {
        guard id != previous, var settings = try await cached(id: id)?.settings else { return [:] }
        settings.isDefault = true
        try await SetError.failingServer {
            try await store.updateSettings(settings, collectionId: id, accountId: accountId)
        }
        var changed: [String: JSONObject] = [id: ["isDefault": true]]
        if let previous { changed[previous] = ["isDefault": false] }
        return changed
    }

    /// `onSuccessSetIsDefault`: applied only when every change of the call succeeded, ignored when it
    /// cannot be done (the call itself succeeded); the collections whose `isDefault` changed are reported
    /// in `created` or `updated`, with the new state.
    func applyDefault(
        _ newDefault: String?, to response: inout SetResponse, context: MethodContext<GatewayUser>,
        state: () async throws(MethodError) -> String
    ) async throws(MethodError) {
        let allSucceeded = response.notCreated.isEmpty && response.notUpdated.isEmpty && response.notDestroyed.isEmpty
        guard let newDefault, allSucceeded, let id = context.resolve(id: newDefault) else { return }
        let previous = StoredCollection.defaultId(try await store.collections(accountId: accountId, kind: kind))
        let changed = (try? await makeDefault(id, previous: previous)) ?? [:]
        for (changedId, properties) in changed {
            if let creationId = response.created.first(where: { $0.value["id"] == .string(changedId) })?.key {
                response.created[creationId]?.merge(properties) { _, new in new }
            } else {
                response.updated[changedId, default: [:]].merge(properties) { _, new in new }
            }
        }
        response.newState = try await state()
    }
}

extension Store {
    /// The account's address books or calendars, with a store failure as a method error.
    func collections(accountId: String, kind: StoredCollection.Kind) async throws(MethodError) -> [StoredCollection] {
        do {
            return try await collections(accountId: accountId).filter { $0.kind == kind }
        } catch {
            throw MethodError(error)
        }
    }
}

extension StoredCollection {
    /// Exactly one default (RFC 9610 §2, calendars §4): the one the user chose, else the first by href, so
    /// every client picks the same collection for a new card or event.
    static func defaultId(_ collections: [StoredCollection]) -> String? {
        (collections.first { $0.settings.isDefault } ?? collections.min { $0.href < $1.href })?.id
    }
}

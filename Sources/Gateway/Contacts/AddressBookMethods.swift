import Foundation
import JMAPCore
import Store

/// AddressBook/get, /changes and /set (RFC 9610 §2): the account's CardDAV address books as the cache
/// knows them, with the user's own settings (sortOrder, isSubscribed, isDefault) from the cache.
struct AddressBookMethods: Sendable {
    let store: any Store
    let coordinator: SyncCoordinator

    static let properties: Set<String> = [
        "name", "description", "sortOrder", "isDefault", "isSubscribed", "shareWith", "myRights",
    ]

    func register(in registry: inout MethodRegistry<GatewayUser>) {
        registry.register(
            Method("AddressBook/get", capability: ContactsCapability.uri) { context, arguments in
                try await get(context, arguments)
            })
        registry.register(
            Method("AddressBook/changes", capability: ContactsCapability.uri) { context, arguments in
                try await store.changesMethod(
                    context, arguments, dataType: .addressBook, capability: ContactsCapability.uri)
            })
        registry.register(
            Method("AddressBook/set", capability: ContactsCapability.uri) { context, arguments in
                try await set(&context, arguments)
            })
    }

    func get(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try GetRequest(&arguments, context: context, knownProperties: Self.properties)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: ContactsCapability.uri)
        let state = try await store.currentState(accountId: request.accountId, dataType: .addressBook)
        let books = try await store.collections(accountId: request.accountId, kind: .addressBook)
        let wanted = request.ids.map(Set.init)
        let defaultId = StoredCollection.defaultId(books)
        let records = books.filter { wanted?.contains($0.id) ?? true }.map {
            Self.json(for: $0, isDefault: $0.id == defaultId)
        }
        return try request.response(state: state, records: records).arguments
    }

    /// Creates (MKCOL), renames (PROPPATCH) and deletes address books, and keeps the user's settings
    /// (RFC 9610 §2.3). `onSuccessSetIsDefault` applies only when every change succeeded.
    func set(_ context: inout MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try SetRequest(&arguments, context: context)
        let removeContents = try arguments.bool("onDestroyRemoveContents", default: false)
        let newDefault = try arguments.string("onSuccessSetIsDefault")
        try arguments.finish()
        let accountId = request.accountId
        _ = try context.writableAccount(accountId, capability: ContactsCapability.uri)
        let writer = AddressBookWriter(
            collections: CollectionWriter(
                store: store, client: coordinator.client(for: context.caller),
                synchronizer: try await coordinator.synchronizer(for: context.caller), accountId: accountId,
                kind: .addressBook, isVisible: { _ in true }))
        let defaultBefore = StoredCollection.defaultId(
            try await store.collections(accountId: accountId, kind: .addressBook))
        let store = self.store
        let state = { () async throws(MethodError) -> String in
            try await store.currentState(accountId: accountId, dataType: .addressBook)
        }
        var response = try await request.perform(
            context: &context, state: state,
            create: { object, _ async throws(SetError) -> CreatedRecord in try await writer.create(object) },
            update: { id, patch, _ async throws(SetError) -> JSONObject in
                try await writer.update(id, patch: patch, isDefault: id == defaultBefore)
            },
            destroy: { id, _ async throws(SetError) in
                try await writer.collections.destroy(
                    id, removingMembers: removeContents,
                    nonEmpty: SetError(
                        "addressBookHasContents",
                        description: "The address book holds cards; see onDestroyRemoveContents."))
            })
        try await writer.collections.applyDefault(newDefault, to: &response, context: context, state: state)
        return response.arguments
    }

    static func json(for book: StoredCollection, isDefault: Bool) -> JSONObject {
        [
            "id": .string(book.id),
            "name": .string(book.displayName ?? Self.lastPathComponent(of: book.href)),
            // An empty description is no description (AddressBook/set clears it that way).
            "description": JSONValue(book.description.flatMap { $0.isEmpty ? nil : $0 }, JSONValue.string),
            "sortOrder": .int(book.settings.sortOrder),
            "isDefault": .bool(isDefault),
            "isSubscribed": .bool(book.settings.isSubscribed),
            "shareWith": .null,
            "myRights": .object(Self.rights(book.privileges)),
        ]
    }

    /// AddressBookRights from the DAV current-user-privilege-set (RFC 3744 §3). A server that reports
    /// none is the owner's own collection as far as we can tell: full rights but sharing.
    static func rights(_ privileges: [String]) -> JSONObject {
        let set = Set(privileges)
        let all = set.isEmpty || set.contains("all")
        let mayWrite = all || set.contains("write") || set.contains("write-content")
        return [
            "mayRead": .bool(all || set.contains("read")),
            "mayWrite": .bool(mayWrite),
            "mayShare": .bool(false),
            "mayDelete": .bool(all || set.contains("write") || set.contains("unbind")),
        ]
    }

    private static func lastPathComponent(of href: String) -> String {
        URL(string: href)?.lastPathComponent.removingPercentEncoding ?? href
    }
}

import Foundation
import JMAPCore
import Store

/// AddressBook/get and AddressBook/changes (RFC 9610 §2): the account's CardDAV address books as the
/// cache knows them, with the user's own settings (sortOrder, isSubscribed, isDefault) from the cache.
struct AddressBookMethods: Sendable {
    let store: any Store

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
                try await changes(context, arguments)
            })
    }

    func get(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try GetRequest(&arguments, context: context, knownProperties: Self.properties)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: ContactsCapability.uri)
        let state = try await store.currentState(accountId: request.accountId, dataType: .addressBook)
        let books = try await addressBooks(accountId: request.accountId)
        let wanted = request.ids.map(Set.init)
        let defaultId = defaultId(books)
        let records = books.filter { wanted?.contains($0.id) ?? true }.map {
            Self.json(for: $0, isDefault: $0.id == defaultId)
        }
        return try request.response(state: state, records: records).arguments
    }

    func changes(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try ChangesRequest(&arguments)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: ContactsCapability.uri)
        return try await store.changesResponse(request, dataType: .addressBook).arguments
    }

    func addressBooks(accountId: String) async throws(MethodError) -> [StoredCollection] {
        do {
            return try await store.collections(accountId: accountId).filter { $0.kind == .addressBook }
        } catch {
            throw MethodError(error)
        }
    }

    /// RFC 9610 §2: exactly one default. The one the user chose, else the first by href, so every
    /// client picks the same book for a new card.
    func defaultId(_ books: [StoredCollection]) -> String? {
        (books.first { $0.settings.isDefault } ?? books.min { $0.href < $1.href })?.id
    }

    static func json(for book: StoredCollection, isDefault: Bool) -> JSONObject {
        [
            "id": .string(book.id),
            "name": .string(book.displayName ?? Self.lastPathComponent(of: book.href)),
            "description": JSONValue(book.description, JSONValue.string),
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

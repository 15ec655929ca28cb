import Foundation
import JMAPCore
import Store

/// ContactCard/get and ContactCard/changes (RFC 9610 §3.1, §3.2), answered from the cache.
struct ContactCardMethods: Sendable {
    let store: any Store
    let coordinator: SyncCoordinator

    func register(in registry: inout MethodRegistry<GatewayUser>) {
        registry.register(
            Method("ContactCard/get", capability: ContactsCapability.uri) { context, arguments in
                try await get(context, arguments)
            })
        registry.register(
            Method("ContactCard/changes", capability: ContactsCapability.uri) { context, arguments in
                try await changes(context, arguments)
            })
        registry.register(
            Method("ContactCard/query", capability: ContactsCapability.uri) { context, arguments in
                try await query(context, arguments)
            })
        registry.register(
            Method("ContactCard/set", capability: ContactsCapability.uri) { context, arguments in
                try await set(&context, arguments)
            })
    }

    /// Any JSContact property may be asked for (RFC 9553 allows vendor properties), plus the JMAP ones.
    func get(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try GetRequest(&arguments, context: context, knownProperties: nil)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: ContactsCapability.uri)
        let cards = ContactCards(store: store, accountId: request.accountId)
        do {
            let state = try await store.state(accountId: request.accountId, dataType: .contactCard)
            let ids: [String]
            if let requested = request.ids { ids = requested } else { ids = try await cards.allIds() }
            if request.ids == nil, ids.count > context.limits.maxObjectsInGet {
                throw MethodError.requestTooLarge(
                    "There are more than \(context.limits.maxObjectsInGet) cards; ask for them by id.")
            }
            return try request.response(state: state, records: try await cards.cards(ids: ids)).arguments
        } catch let error as StoreError {
            throw MethodError(error)
        }
    }

    func changes(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try ChangesRequest(&arguments)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: ContactsCapability.uri)
        return try await store.changesResponse(request, dataType: .contactCard).arguments
    }

    /// Filters and sorts every card of the account (RFC 9610 §3.3), evaluated on the cache. The query
    /// state is the ContactCard state: any change may change the results. /queryChanges is not offered
    /// yet, hence `canCalculateChanges: false`.
    func query(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try QueryRequest(
            &arguments, sortable: ContactCardQuery.sortable, condition: ContactCardFilterCondition.parse)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: ContactsCapability.uri)
        let cards = ContactCards(store: store, accountId: request.accountId)
        do {
            let state = try await store.state(accountId: request.accountId, dataType: .contactCard)
            let all = try await cards.cards(ids: try await cards.allIds())
            let ids = ContactCardQuery.ids(all, filter: request.filter, sort: request.sort)
            return try request.response(queryState: state, canCalculateChanges: false, ids: ids).arguments
        } catch let error as StoreError {
            throw MethodError(error)
        }
    }

    /// Creates, updates and destroys cards on the CardDAV server (RFC 9610 §3.5, RFC 8620 §5.3).
    func set(_ context: inout MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try SetRequest(&arguments, context: context)
        try arguments.finish()
        _ = try context.writableAccount(request.accountId, capability: ContactsCapability.uri)
        let writer = ContactCardWriter(
            store: store, client: coordinator.client(for: context.caller), accountId: request.accountId)
        let bookMethods = AddressBookMethods(store: store)
        let books = try await bookMethods.addressBooks(accountId: request.accountId)
        let defaultBook = bookMethods.defaultId(books)
        let store = self.store
        let accountId = request.accountId
        let response = try await request.perform(
            context: &context,
            state: { () async throws(MethodError) -> String in
                try await store.currentState(accountId: accountId, dataType: .contactCard)
            },
            create: { object, _ async throws(SetError) -> CreatedRecord in
                try await writer.create(object, books: books, defaultBook: defaultBook)
            },
            update: { id, patch, _ async throws(SetError) -> JSONObject in
                try await writer.update(id, patch: patch)
            },
            destroy: { id, _ async throws(SetError) in
                try await writer.destroy(id)
            })
        return response.arguments
    }
}

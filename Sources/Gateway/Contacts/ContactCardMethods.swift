import Foundation
import JMAPCore
import Store

/// ContactCard/get, /changes, /query, /queryChanges (answered from the cache) and /set (RFC 9610 §3).
struct ContactCardMethods: Sendable {
    let store: any Store
    let blobs: BlobStore
    let coordinator: SyncCoordinator

    func register(in registry: inout MethodRegistry<GatewayUser>) {
        registry.register(
            Method("ContactCard/get", capability: ContactsCapability.uri) { context, arguments in
                try await get(context, arguments)
            })
        registry.register(
            Method("ContactCard/changes", capability: ContactsCapability.uri) { context, arguments in
                try await store.changesMethod(
                    context, arguments, dataType: .contactCard, capability: ContactsCapability.uri)
            })
        registry.register(
            Method("ContactCard/query", capability: ContactsCapability.uri) { context, arguments in
                try await query(context, arguments)
            })
        registry.register(
            Method("ContactCard/queryChanges", capability: ContactsCapability.uri) { context, arguments in
                try await queryChanges(context, arguments)
            })
        registry.register(
            Method("ContactCard/set", capability: ContactsCapability.uri) { context, arguments in
                try await set(&context, arguments)
            })
        registry.register(
            Method(name: "ContactCard/copy", capability: ContactsCapability.uri) { context, arguments in
                try await copy(&context, arguments)
            })
    }

    /// Any JSContact property may be asked for (RFC 9553 allows vendor properties), plus the JMAP ones.
    func get(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try GetRequest(&arguments, context: context, knownProperties: nil)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: ContactsCapability.uri)
        let cards = ContactCards(store: store, blobs: blobs, accountId: request.accountId)
        do {
            // The state of the cards read, from the same snapshot. When every card is asked for, the list
            // of ids is read apart from them, so the state must be read before it: a card created in
            // between is then newer than the state, and the client's next /changes brings it.
            let ids: [String]
            var listedState: String?
            if let requested = request.ids {
                ids = requested
            } else {
                listedState = try await store.state(accountId: request.accountId, dataType: .contactCard)
                ids = try await cards.allIds()
                if ids.count > context.limits.maxObjectsInGet {
                    throw MethodError.requestTooLarge(
                        "There are more than \(context.limits.maxObjectsInGet) cards; ask for them by id.")
                }
            }
            // The cached JSON goes into the response unread: whole, or cut down to the properties asked for.
            let (state, encoded) = try await cards.encodedCards(ids: ids)
            return try request.response(state: listedState ?? state, encoded: encoded).arguments
        } catch let error as StoreError {
            throw MethodError(error)
        }
    }

    /// Filters and sorts every card of the account (RFC 9610 §3.3), evaluated on the cache. The query
    /// state is the ContactCard state: any change may change the results.
    func query(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try QueryRequest(
            &arguments, sortable: ContactCardQuery.sortable, condition: ContactCardFilterCondition.parse)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: ContactsCapability.uri)
        let state = try await store.currentState(accountId: request.accountId, dataType: .contactCard)
        let ids = try await queryIds(accountId: request.accountId, filter: request.filter, sort: request.sort)
        return try request.response(queryState: state, canCalculateChanges: true, ids: ids).arguments
    }

    /// ContactCard/queryChanges (RFC 9610 §3.4) by the simple approach RFC 8620 §5.6 allows: every card
    /// changed since `sinceQueryState` is removed, and added back at its index if it matches now.
    func queryChanges(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try QueryChangesRequest(
            &arguments, sortable: ContactCardQuery.sortable, condition: ContactCardFilterCondition.parse)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: ContactsCapability.uri)
        let (stored, changes) = try await store.changeSet(
            accountId: request.accountId, dataType: .contactCard, sinceState: request.sinceQueryState, maxChanges: nil)
        let ids = try await queryIds(accountId: request.accountId, filter: request.filter, sort: request.sort)
        return try request.response(newQueryState: stored.newState, changes: changes, ids: ids).arguments
    }

    private func queryIds(
        accountId: String, filter: Filter<ContactCardFilterCondition>?, sort: [JMAPCore.Comparator]
    ) async throws(MethodError) -> [String] {
        let cards = ContactCards(store: store, blobs: blobs, accountId: accountId)
        do {
            // No filter and no sort: every card in id order (the sort's own tie-break), no card read.
            if filter == nil, sort.isEmpty { return try await cards.allIds() }
            let all = try await cards.cards(ids: try await cards.allIds()).cards
            return ContactCardQuery.ids(all, filter: filter, sort: sort)
        } catch {
            throw MethodError(error)
        }
    }

    /// Creates, updates and destroys cards on the CardDAV server (RFC 9610 §3.5, RFC 8620 §5.3).
    func set(_ context: inout MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try SetRequest(&arguments, context: context)
        try arguments.finish()
        return try await perform(request, context: &context).arguments
    }

    private func perform(_ request: SetRequest, context: inout MethodContext<GatewayUser>) async throws(MethodError)
        -> SetResponse
    {
        _ = try context.writableAccount(request.accountId, capability: ContactsCapability.uri)
        let (writer, defaultBook) = try await writer(accountId: request.accountId, caller: context.caller)
        return try await request.perform(
            with: writer, defaultCollection: defaultBook, dataType: .contactCard, store: store, context: &context)
    }

    /// ContactCard/copy (RFC 8620 §5.4, RFC 9610 §3.6): the card of another account the user may use is
    /// created anew in this one, a new resource in the chosen (or default) address book. Accounts are
    /// checked first, so a user naming someone else's account learns nothing of it.
    func copy(_ context: inout MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> [MethodResponse] {
        var arguments = Arguments(raw)
        let request = try CopyRequest(&arguments, context: context)
        try arguments.finish()
        try request.checkAccounts(in: context, capability: ContactsCapability.uri)
        let (writer, defaultBook) = try await writer(accountId: request.accountId, caller: context.caller)
        let originals = ContactCards(store: store, blobs: blobs, accountId: request.fromAccountId)
        let media = CardMedia(blobs: blobs, accountId: request.fromAccountId)
        return try await request.perform(
            with: writer, defaultCollection: defaultBook, dataType: .contactCard, store: store, context: &context,
            original: { fromId async throws(SetError) -> JSONObject? in
                let found: JSONObject?
                do { found = try await originals.cards(ids: [fromId]).cards.first } catch {
                    throw .serverFail(error)
                }
                // The original's pictures are blobs of its own account: inline them again.
                guard let found else { return nil }
                var card = try media.internalized(found)
                card["id"] = nil
                card["addressBookIds"] = nil
                return card
            },
            destroyOriginals: { setRequest, context async throws(MethodError) -> SetResponse in
                try await perform(setRequest, context: &context)
            })
    }

    /// A writer for the account's cards, and the address book new cards go to by default.
    private func writer(accountId: String, caller: GatewayUser) async throws(MethodError)
        -> (ContactCardWriter, String?)
    {
        let books = try await store.collections(accountId: accountId, kind: .addressBook)
        let writer = ContactCardWriter(
            resources: ResourceWriter(
                store: store, client: coordinator.client(for: caller), accountId: accountId, collections: books,
                contentType: ContactCardWriter.contentType, fileExtension: "vcf"),
            media: CardMedia(blobs: blobs, accountId: accountId))
        return (writer, StoredCollection.defaultId(books))
    }
}

import Foundation
import JMAPCore
import Store

/// ContactCard/get and ContactCard/changes (RFC 9610 §3.1, §3.2), answered from the cache.
struct ContactCardMethods: Sendable {
    let store: any Store

    func register(in registry: inout MethodRegistry<GatewayUser>) {
        registry.register(
            Method("ContactCard/get", capability: ContactsCapability.uri) { context, arguments in
                try await get(context, arguments)
            })
        registry.register(
            Method("ContactCard/changes", capability: ContactsCapability.uri) { context, arguments in
                try await changes(context, arguments)
            })
    }

    /// Any JSContact property may be asked for (RFC 9553 allows vendor properties), plus the JMAP ones.
    func get(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let properties = (raw["properties"]?.arrayValue ?? []).compactMap(\.stringValue)
        let request = try GetRequest(&arguments, context: context, knownProperties: Set(properties))
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
}

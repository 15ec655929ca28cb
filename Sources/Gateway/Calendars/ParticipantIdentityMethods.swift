import DAV
import Foundation
import JMAPCore

/// ParticipantIdentity/get, /changes and /set (draft-ietf-jmap-calendars-27 §3): one identity for each
/// calendar user address of the user's DAV principal (RFC 6638 §2.4.1 calendar-user-address-set), the
/// addresses by which the server recognises the user in an event's attendees. A CalDAV server has no place
/// to store other identities, and the gateway does not invent addresses the server would not recognise, so
/// /set refuses every change with `forbidden`, which §3.3 allows ("The server MAY restrict the URI values
/// the user may claim"); `onSuccessSetIsDefault` then never applies.
struct ParticipantIdentityMethods: Sendable {
    let coordinator: SyncCoordinator

    static let properties: Set<String> = ["name", "calendarAddress", "isDefault"]

    func register(in registry: inout MethodRegistry<GatewayUser>) {
        registry.register(
            Method("ParticipantIdentity/get", capability: CalendarsCapability.uri) { context, arguments in
                try await get(context, arguments)
            })
        registry.register(
            Method("ParticipantIdentity/changes", capability: CalendarsCapability.uri) { context, arguments in
                try await changes(context, arguments)
            })
        registry.register(
            Method("ParticipantIdentity/set", capability: CalendarsCapability.uri) { context, arguments in
                try await set(&context, arguments)
            })
    }

    func get(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try GetRequest(&arguments, context: context, knownProperties: Self.properties)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: CalendarsCapability.uri)
        let identities = try await identities(context)
        let wanted = request.ids.map(Set.init)
        let records = identities.filter { wanted?.contains($0["id"]?.stringValue ?? "") ?? true }
        return try request.response(state: DerivedState.of(identities), records: records).arguments
    }

    /// The identities follow the principal's addresses, which are not logged (see `DerivedState`).
    func changes(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try ChangesRequest(&arguments)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: CalendarsCapability.uri)
        return try DerivedState.changes(request, current: DerivedState.of(try await identities(context))).arguments
    }

    /// §3.3: every create, update and destroy is `forbidden` (an unknown id `notFound`), and
    /// `onSuccessSetIsDefault` is read but, with nothing succeeding, ignored as §3.3 asks of a change the
    /// server does not permit.
    func set(_ context: inout MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try SetRequest(&arguments, context: context)
        _ = try arguments.string("onSuccessSetIsDefault")
        try arguments.finish()
        _ = try context.writableAccount(request.accountId, capability: CalendarsCapability.uri)
        let identities = try await identities(context)
        let ids = Set(identities.compactMap { $0["id"]?.stringValue })
        let state = DerivedState.of(identities)
        let refusal = "The DAV server keeps the user's calendar addresses; identities cannot be changed here."
        return try await request.perform(
            context: &context, state: { () async throws(MethodError) -> String in state },
            create: { _, _ async throws(SetError) -> CreatedRecord in throw .forbidden(refusal) },
            update: { id, _, _ async throws(SetError) -> JSONObject in
                throw ids.contains(id) ? .forbidden(refusal) : .notFound()
            },
            destroy: { id, _ async throws(SetError) in throw ids.contains(id) ? .forbidden(refusal) : .notFound() }
        ).arguments
    }

    private func identities(_ context: MethodContext<GatewayUser>) async throws(MethodError) -> [JSONObject] {
        Self.identities(of: context.caller, principal: try await PrincipalMethods.principal(of: context, coordinator))
    }

    /// The identities of the principal's calendar user addresses, `mailto:` ones first (they are what
    /// invitations are sent to), each address once; the first is the default (§3: exactly one should
    /// be). Ids are derived from the account and the address, so they are stable.
    static func identities(of user: GatewayUser, principal: DAVPrincipal) -> [JSONObject] {
        var seen = Set<String>()
        let addresses = principal.calendarUserAddresses.filter { seen.insert($0).inserted }
        let ordered = addresses.filter(isMailto) + addresses.filter { !isMailto($0) }
        let name = PrincipalMethods.name(of: user, principal: principal)
        return ordered.enumerated().map { index, address in
            [
                "id": .string("i" + OpaqueId.make(user.accountId + " " + address, length: 12)),
                "name": .string(name),
                "calendarAddress": .string(address),
                "isDefault": .bool(index == 0),
            ]
        }
    }

    private static func isMailto(_ address: String) -> Bool {
        address.lowercased().hasPrefix("mailto:")
    }
}

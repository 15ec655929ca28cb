import DAV
import Foundation
import JMAPCore

/// Principal/get and /changes (RFC 9670 §2) for the user's own principal, the only one the gateway can
/// describe: a CalDAV server tells a user about their own principal (RFC 5397), not a directory of others.
/// Its id is derived from the principal URL like the account id; its name, email and calendar address come
/// from the DAV principal (displayname, RFC 6638 calendar-user-address-set). Principal/getAvailability
/// (draft-ietf-jmap-calendars-27 §2.2) lives with the calendar events.
struct PrincipalMethods: Sendable {
    let coordinator: SyncCoordinator

    static let properties: Set<String> = [
        "type", "name", "description", "email", "timeZone", "capabilities", "accounts",
    ]

    func register(in registry: inout MethodRegistry<GatewayUser>) {
        registry.register(
            Method("Principal/get", capability: CalendarsCapability.principals) { context, arguments in
                try await get(context, arguments)
            })
        registry.register(
            Method("Principal/changes", capability: CalendarsCapability.principals) { context, arguments in
                try await changes(context, arguments)
            })
    }

    func get(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try GetRequest(&arguments, context: context, knownProperties: Self.properties)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: CalendarsCapability.principals)
        let record = Self.json(for: context.caller, principal: try await Self.principal(of: context, coordinator))
        let wanted = request.ids.map(Set.init)
        let records = wanted?.contains(context.caller.principalId) == false ? [] : [record]
        return try request.response(state: DerivedState.of([record]), records: records).arguments
    }

    /// RFC 9670 §2.2: the principal is read from the DAV server, not logged, so only "no change" can be
    /// told (see `DerivedState`).
    func changes(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try ChangesRequest(&arguments)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: CalendarsCapability.principals)
        let record = Self.json(for: context.caller, principal: try await Self.principal(of: context, coordinator))
        return try DerivedState.changes(request, current: DerivedState.of([record])).arguments
    }

    /// The Principal object (RFC 9670 §2) of `user`, with the calendars capability of
    /// draft-ietf-jmap-calendars-27 §2.1: the user may ask their own availability, and may share with
    /// nobody, since the gateway offers no sharing.
    static func json(for user: GatewayUser, principal: DAVPrincipal) -> JSONObject {
        var calendars: JSONObject = [
            "accountId": .string(user.accountId), "mayGetAvailability": true, "mayShareWith": false,
        ]
        let identities = ParticipantIdentityMethods.identities(of: user, principal: principal)
        if let address = identities.first?["calendarAddress"] { calendars["calendarAddress"] = address }
        return [
            "id": .string(user.principalId),
            "type": "individual",
            "name": .string(name(of: user, principal: principal)),
            "description": .null,
            "email": JSONValue(email(principal.calendarUserAddresses), JSONValue.string),
            "timeZone": .null,
            "capabilities": [CalendarsCapability.uri: .object(calendars)],
            "accounts": .object(user.accounts.mapValues(\.json)),
        ]
    }

    /// The principal's displayname, or the username when it has none (Radicale's principals have none).
    static func name(of user: GatewayUser, principal: DAVPrincipal) -> String {
        let name = principal.displayName?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return name.isEmpty ? user.username : name
    }

    /// The address of the first `mailto:` calendar user address (RFC 6638 §2.4.1), as an RFC 5322
    /// addr-spec: without the scheme, any `?` header fields, and percent-encoding (RFC 6068 §2).
    static func email(_ addresses: [String]) -> String? {
        for address in addresses where address.lowercased().hasPrefix("mailto:") {
            let target = address.dropFirst("mailto:".count).prefix { $0 != "?" }
            guard let decoded = String(target).removingPercentEncoding, decoded.contains("@"),
                !decoded.contains(","), !decoded.contains(where: \.isWhitespace)
            else { continue }
            return decoded
        }
        return nil
    }

    /// The user's DAV principal, discovered by the account's first sync and kept by its synchronizer.
    static func principal(
        of context: MethodContext<GatewayUser>, _ coordinator: SyncCoordinator
    ) async throws(MethodError) -> DAVPrincipal {
        do {
            return try await coordinator.synchronizer(for: context.caller).discoveredPrincipal()
        } catch {
            throw .serverUnavailable("The DAV server did not describe the user's principal: \(error)")
        }
    }
}

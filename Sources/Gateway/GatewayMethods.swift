import Foundation
import JMAPCore
import Store

/// The JMAP methods and capabilities the gateway offers. Data types add themselves here.
public struct GatewayMethods: Sendable {
    public let registry: MethodRegistry<GatewayUser>
    private let blobCapability: JSONObject

    public init(limits: CoreLimits, blobs: BlobStore, store: any Store, coordinator: SyncCoordinator) {
        var registry = MethodRegistry<GatewayUser>(limits: limits)
        let blobMethods = BlobMethods(store: blobs, limits: limits)
        blobMethods.register(in: &registry)
        registry.register(capability: ContactsCapability.uri)
        AddressBookMethods(store: store, coordinator: coordinator).register(in: &registry)
        ContactCardMethods(store: store, blobs: blobs, coordinator: coordinator).register(in: &registry)
        CalendarMethods(store: store, coordinator: coordinator).register(in: &registry)
        let expansions = ExpansionCache()
        CalendarEventMethods(store: store, blobs: blobs, coordinator: coordinator, expansions: expansions)
            .register(in: &registry)
        AvailabilityMethods(store: store, coordinator: coordinator, expansions: expansions).register(in: &registry)
        CalendarEventNotificationMethods().register(in: &registry)
        ParticipantIdentityMethods(coordinator: coordinator).register(in: &registry)
        PrincipalMethods(coordinator: coordinator).register(in: &registry)
        for capability in [
            CalendarsCapability.uri, CalendarsCapability.parse, CalendarsCapability.principals,
            CalendarsCapability.availability,
            // JMAP over WebSocket (RFC 8887); the HTTP server fills in its url per request.
            "urn:ietf:params:jmap:websocket",
        ] {
            registry.register(capability: capability)
        }
        self.registry = registry
        self.blobCapability = blobMethods.accountCapability
    }

    /// Capability URI to account-level capability object, for an account whose homes allow `privileges`
    /// and whose principal is at `principalURL`.
    @Sendable public func accountCapabilities(_ privileges: HomePrivileges, principalURL: URL) -> [String: JSONObject] {
        let accountId = AccountId.make(principalURL: principalURL)
        let principalId = PrincipalId.make(principalURL: principalURL)
        return [
            BlobMethods.capability: blobCapability,
            ContactsCapability.uri: ContactsCapability.accountCapability(privileges),
            CalendarsCapability.uri: CalendarsCapability.accountCapability(privileges),
            CalendarsCapability.parse: [:],
            CalendarsCapability.principals: CalendarsCapability.principalsCapability(principalId: principalId),
            CalendarsCapability.principalsOwner: CalendarsCapability.ownerCapability(
                accountId: accountId, principalId: principalId),
            CalendarsCapability.availability: CalendarsCapability.availabilityCapability,
        ]
    }

    /// The kinds of collection whose cache these methods read or write, so that a request syncs only
    /// those first: a contacts client does not wait for the calendars, and Core/echo for nothing.
    /// Methods of unknown data types (and Blob methods, whose blobs may belong to either) sync all.
    public static func collectionKinds(forMethods names: some Sequence<String>) -> Set<StoredCollection.Kind> {
        var kinds = Set<StoredCollection.Kind>()
        for name in names {
            switch name.prefix { $0 != "/" } {
            case "Core": continue
            case "AddressBook", "ContactCard": kinds.insert(.addressBook)
            case "Calendar", "CalendarEvent", "CalendarEventNotification", "ParticipantIdentity", "Principal":
                kinds.insert(.calendar)
            default: return Set(StoredCollection.Kind.allCases)
            }
        }
        return kinds
    }
}

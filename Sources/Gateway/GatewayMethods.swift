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
        self.registry = registry
        self.blobCapability = blobMethods.accountCapability
    }

    /// Capability URI to account-level capability object, for an account whose homes allow `privileges`.
    @Sendable public func accountCapabilities(_ privileges: HomePrivileges) -> [String: JSONObject] {
        [
            BlobMethods.capability: blobCapability,
            ContactsCapability.uri: ContactsCapability.accountCapability(privileges),
        ]
    }
}

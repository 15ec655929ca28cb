import JMAPCore
import Store

/// The JMAP methods and capabilities the gateway offers. Data types add themselves here.
public struct GatewayMethods: Sendable {
    public let registry: MethodRegistry<GatewayUser>
    /// Capability URI to account-level capability object, for every account.
    public let accountCapabilities: [String: JSONObject]

    public init(limits: CoreLimits, blobs: BlobStore, store: any Store, coordinator: SyncCoordinator) {
        var registry = MethodRegistry<GatewayUser>(limits: limits)
        let blobMethods = BlobMethods(store: blobs, limits: limits)
        blobMethods.register(in: &registry)
        registry.register(capability: ContactsCapability.uri)
        AddressBookMethods(store: store).register(in: &registry)
        ContactCardMethods(store: store, coordinator: coordinator).register(in: &registry)
        self.registry = registry
        self.accountCapabilities = [
            BlobMethods.capability: blobMethods.accountCapability,
            ContactsCapability.uri: ContactsCapability.accountCapability,
        ]
    }
}

/// Capability URIs this module defines (RFC 8620 §2).
public enum Capability {
    public static let core = "urn:ietf:params:jmap:core"
}

/// The limits of `urn:ietf:params:jmap:core` (RFC 8620 §2), advertised in the session and
/// enforced by the server and the standard-method helpers.
public struct CoreLimits: Sendable, Hashable {
    public var maxSizeUpload: Int
    public var maxConcurrentUpload: Int
    public var maxSizeRequest: Int
    public var maxConcurrentRequests: Int
    public var maxCallsInRequest: Int
    public var maxObjectsInGet: Int
    public var maxObjectsInSet: Int

    public init(
        maxSizeUpload: Int = 50_000_000,
        maxConcurrentUpload: Int = 4,
        maxSizeRequest: Int = 10_000_000,
        maxConcurrentRequests: Int = 4,
        maxCallsInRequest: Int = 16,
        maxObjectsInGet: Int = 500,
        maxObjectsInSet: Int = 500
    ) {
        self.maxSizeUpload = maxSizeUpload
        self.maxConcurrentUpload = maxConcurrentUpload
        self.maxSizeRequest = maxSizeRequest
        self.maxConcurrentRequests = maxConcurrentRequests
        self.maxCallsInRequest = maxCallsInRequest
        self.maxObjectsInGet = maxObjectsInGet
        self.maxObjectsInSet = maxObjectsInSet
    }

    /// Collations the query helpers implement (RFC 4790 names).
    public static let collationAlgorithms = Collation.allCases.map(\.rawValue)

    public var capabilityObject: JSONObject {
        [
            "maxSizeUpload": .int(maxSizeUpload),
            "maxConcurrentUpload": .int(maxConcurrentUpload),
            "maxSizeRequest": .int(maxSizeRequest),
            "maxConcurrentRequests": .int(maxConcurrentRequests),
            "maxCallsInRequest": .int(maxCallsInRequest),
            "maxObjectsInGet": .int(maxObjectsInGet),
            "maxObjectsInSet": .int(maxObjectsInSet),
            "collationAlgorithms": JSONValue(Self.collationAlgorithms),
        ]
    }
}

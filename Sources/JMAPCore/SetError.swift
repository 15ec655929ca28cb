/// Why one record of a /set or /copy could not be created, updated or destroyed (RFC 8620 §5.3).
public struct SetError: Error, Sendable, Hashable {
    public var type: String
    public var description: String?
    /// For `invalidProperties`: the offending properties (JSON pointer paths for nested ones).
    public var properties: [String]?
    /// For `alreadyExists`: the id of the existing record.
    public var existingId: String?
    /// Further members a data type's own error types carry.
    public var extra: JSONObject

    public init(
        _ type: String, description: String? = nil, properties: [String]? = nil, existingId: String? = nil,
        extra: JSONObject = [:]
    ) {
        self.type = type
        self.description = description
        self.properties = properties
        self.existingId = existingId
        self.extra = extra
    }

    public var json: JSONValue {
        var object = extra
        object["type"] = .string(type)
        if let description { object["description"] = .string(description) }
        if let properties { object["properties"] = JSONValue(properties) }
        if let existingId { object["existingId"] = .string(existingId) }
        return .object(object)
    }
}

extension SetError {
    public static func forbidden(_ description: String? = nil) -> Self { .init("forbidden", description: description) }
    public static func overQuota(_ description: String? = nil) -> Self { .init("overQuota", description: description) }
    public static func tooLarge(_ description: String? = nil) -> Self { .init("tooLarge", description: description) }
    public static func rateLimit(_ description: String? = nil) -> Self { .init("rateLimit", description: description) }
    public static func notFound(_ description: String? = nil) -> Self { .init("notFound", description: description) }
    public static func invalidPatch(_ description: String? = nil) -> Self {
        .init("invalidPatch", description: description)
    }
    public static func willDestroy(_ description: String? = nil) -> Self {
        .init("willDestroy", description: description)
    }
    public static func singleton(_ description: String? = nil) -> Self { .init("singleton", description: description) }
    public static func invalidProperties(_ properties: [String], _ description: String? = nil) -> Self {
        .init("invalidProperties", description: description, properties: properties)
    }
    public static func alreadyExists(existingId: String, _ description: String? = nil) -> Self {
        .init("alreadyExists", description: description, existingId: existingId)
    }
}

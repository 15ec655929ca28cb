/// A method-level error (RFC 8620 §3.6.2): the call answers `["error", {...}, callId]` and the
/// rest of the request goes on.
public struct MethodError: Error, Sendable, Hashable {
    public var type: String
    public var description: String?
    /// Further members some error types carry (e.g. `properties`).
    public var extra: JSONObject

    public init(_ type: String, description: String? = nil, extra: JSONObject = [:]) {
        self.type = type
        self.description = description
        self.extra = extra
    }

    public var arguments: JSONObject {
        var object = extra
        object["type"] = .string(type)
        if let description { object["description"] = .string(description) }
        return object
    }
}

extension MethodError {
    // §3.6.2, for any method.
    public static func serverUnavailable(_ description: String? = nil) -> Self {
        .init("serverUnavailable", description: description)
    }
    public static func serverFail(_ description: String? = nil) -> Self {
        .init("serverFail", description: description)
    }
    public static func serverPartialFail(_ description: String? = nil) -> Self {
        .init("serverPartialFail", description: description)
    }
    public static func unknownMethod(_ description: String? = nil) -> Self {
        .init("unknownMethod", description: description)
    }
    public static func invalidArguments(_ description: String? = nil) -> Self {
        .init("invalidArguments", description: description)
    }
    public static func invalidResultReference(_ description: String? = nil) -> Self {
        .init("invalidResultReference", description: description)
    }
    public static func forbidden(_ description: String? = nil) -> Self { .init("forbidden", description: description) }
    public static func accountNotFound(_ description: String? = nil) -> Self {
        .init("accountNotFound", description: description)
    }
    public static func accountNotSupportedByMethod(_ description: String? = nil) -> Self {
        .init("accountNotSupportedByMethod", description: description)
    }
    public static func accountReadOnly(_ description: String? = nil) -> Self {
        .init("accountReadOnly", description: description)
    }

    // §5, for the standard methods.
    public static func requestTooLarge(_ description: String? = nil) -> Self {
        .init("requestTooLarge", description: description)
    }
    public static func stateMismatch(_ description: String? = nil) -> Self {
        .init("stateMismatch", description: description)
    }
    public static func cannotCalculateChanges(_ description: String? = nil) -> Self {
        .init("cannotCalculateChanges", description: description)
    }
    public static func anchorNotFound(_ description: String? = nil) -> Self {
        .init("anchorNotFound", description: description)
    }
    public static func unsupportedSort(_ description: String? = nil) -> Self {
        .init("unsupportedSort", description: description)
    }
    public static func unsupportedFilter(_ description: String? = nil) -> Self {
        .init("unsupportedFilter", description: description)
    }
    public static func tooManyChanges(_ description: String? = nil) -> Self {
        .init("tooManyChanges", description: description)
    }
    public static func fromAccountNotFound(_ description: String? = nil) -> Self {
        .init("fromAccountNotFound", description: description)
    }
    public static func fromAccountNotSupportedByMethod(_ description: String? = nil) -> Self {
        .init("fromAccountNotSupportedByMethod", description: description)
    }
}

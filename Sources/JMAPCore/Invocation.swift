/// A method call or response (RFC 8620 §3.2): `[name, arguments, methodCallId]` on the wire.
public struct Invocation: Sendable, Hashable {
    public var name: String
    public var arguments: JSONObject
    public var methodCallId: String

    public init(name: String, arguments: JSONObject, methodCallId: String) {
        self.name = name
        self.arguments = arguments
        self.methodCallId = methodCallId
    }

    /// The `["error", {...}, id]` response for a failed call.
    public static func error(_ error: MethodError, methodCallId: String) -> Self {
        .init(name: "error", arguments: error.arguments, methodCallId: methodCallId)
    }

    var json: JSONValue { [.string(name), .object(arguments), .string(methodCallId)] }

    init(json: JSONValue) throws(RequestError) {
        guard case .array(let parts) = json, parts.count == 3,
            case .string(let name) = parts[0],
            case .object(let arguments) = parts[1],
            case .string(let id) = parts[2]
        else {
            throw .notRequest(
                "Each method call must be an array of [name: String, arguments: Object, methodCallId: String].")
        }
        self.init(name: name, arguments: arguments, methodCallId: id)
    }
}

extension Invocation: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(json: JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}

/// Whoever makes a request: the accounts they may use. The gateway's authenticated user conforms;
/// JMAPCore needs nothing more of it.
public protocol JMAPCaller: Sendable {
    var accounts: [String: Account] { get }
}

/// One response a method produces. Most methods produce one with their own name; /copy with
/// `onSuccessDestroyOriginal` adds an implicit /set response (RFC 8620 §5.4).
public struct MethodResponse: Sendable, Hashable {
    public var name: String
    public var arguments: JSONObject

    public init(name: String, arguments: JSONObject) {
        self.name = name
        self.arguments = arguments
    }
}

/// A method a data type plugs in: its name, the capability that must be in `using`, and the code.
public struct Method<Caller: JMAPCaller>: Sendable {
    public typealias Handler = @Sendable (inout MethodContext<Caller>, JSONObject) async throws -> [MethodResponse]

    public let name: String
    public let capability: String
    let handler: Handler

    public init(name: String, capability: String, handler: @escaping Handler) {
        self.name = name
        self.capability = capability
        self.handler = handler
    }

    /// A method that answers with one response under its own name.
    public init(
        _ name: String, capability: String,
        _ handler: @escaping @Sendable (inout MethodContext<Caller>, JSONObject) async throws -> JSONObject
    ) {
        self.init(name: name, capability: capability) { context, arguments in
            [MethodResponse(name: name, arguments: try await handler(&context, arguments))]
        }
    }
}

/// The methods and capabilities a server offers. Data types register theirs by capability.
public struct MethodRegistry<Caller: JMAPCaller>: Sendable {
    public private(set) var methods: [String: Method<Caller>] = [:]
    /// Capability URI to its session-level capability object (RFC 8620 §2).
    public private(set) var capabilities: [String: JSONObject] = [:]

    /// A registry with `urn:ietf:params:jmap:core` and Core/echo (§4).
    public init(limits: CoreLimits) {
        capabilities[Capability.core] = limits.capabilityObject
        register(Method("Core/echo", capability: Capability.core) { _, arguments in arguments })
    }

    public mutating func register(_ method: Method<Caller>) {
        precondition(methods[method.name] == nil, "method \(method.name) registered twice")
        methods[method.name] = method
    }

    public mutating func register(capability: String, _ object: JSONObject = [:]) {
        capabilities[capability] = object
    }
}

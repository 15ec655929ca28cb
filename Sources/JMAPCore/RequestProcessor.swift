/// Runs a JMAP request (RFC 8620 §3.3): checks `using` and the call limit, resolves result
/// references, dispatches each call in order, and turns method errors into error responses so
/// that later calls still run.
public struct RequestProcessor<Caller: JMAPCaller>: Sendable {
    public let registry: MethodRegistry<Caller>
    public let limits: CoreLimits

    public init(registry: MethodRegistry<Caller>, limits: CoreLimits) {
        self.registry = registry
        self.limits = limits
    }

    public func process(_ request: Request, caller: Caller, sessionState: String) async throws(RequestError) -> Response
    {
        let unknown = request.using.filter { registry.capabilities[$0] == nil }
        if !unknown.isEmpty { throw .unknownCapability(unknown) }
        if request.methodCalls.count > limits.maxCallsInRequest {
            throw .limit(
                "maxCallsInRequest",
                detail:
                    "The request has \(request.methodCalls.count) method calls; the limit is \(limits.maxCallsInRequest)."
            )
        }

        var context = MethodContext(
            caller: caller, using: Set(request.using), limits: limits, createdIds: request.createdIds ?? [:]
        )
        var responses: [Invocation] = []
        for call in request.methodCalls {
            do {
                let arguments = try ResultReference.resolve(in: call.arguments, against: responses)
                guard let method = registry.methods[call.name], context.using.contains(method.capability) else {
                    throw MethodError.unknownMethod(
                        "Unknown method \(call.name) (or its capability is not in `using`).")
                }
                for response in try await method.handler(&context, arguments) {
                    responses.append(
                        Invocation(name: response.name, arguments: response.arguments, methodCallId: call.methodCallId)
                    )
                }
            } catch let error as MethodError {
                responses.append(.error(error, methodCallId: call.methodCallId))
            } catch {
                responses.append(.error(.serverFail(String(describing: error)), methodCallId: call.methodCallId))
            }
        }
        return Response(
            methodResponses: responses,
            createdIds: request.createdIds == nil ? nil : context.createdIds,
            sessionState: sessionState
        )
    }
}

/// A back-reference to an earlier call's result (RFC 8620 §3.7).
public struct ResultReference: Sendable, Hashable {
    public var resultOf: String
    public var name: String
    public var path: String

    init(json: JSONValue) throws(MethodError) {
        guard case .object(let object) = json,
            case .string(let resultOf)? = object["resultOf"],
            case .string(let name)? = object["name"],
            case .string(let path)? = object["path"],
            object.count == 3
        else {
            throw .invalidResultReference("A result reference must be {resultOf, name, path}, all strings.")
        }
        self.resultOf = resultOf
        self.name = name
        self.path = path
    }

    /// Replaces every `#key` argument by the value it references.
    static func resolve(in arguments: JSONObject, against responses: [Invocation]) throws(MethodError) -> JSONObject {
        guard arguments.keys.contains(where: { $0.hasPrefix("#") }) else { return arguments }
        var resolved = arguments
        for (key, value) in arguments where key.hasPrefix("#") {
            let plainKey = String(key.dropFirst())
            if arguments[plainKey] != nil {
                throw .invalidArguments("Both `\(key)` and `\(plainKey)` are present.")
            }
            let reference = try ResultReference(json: value)
            guard let response = responses.first(where: { $0.methodCallId == reference.resultOf }) else {
                throw .invalidResultReference("No earlier response with method call id \(reference.resultOf).")
            }
            guard response.name == reference.name else {
                throw .invalidResultReference(
                    "The response to \(reference.resultOf) is \(response.name), not \(reference.name).")
            }
            guard let pointer = JSONPointer(reference.path),
                let target = pointer.evaluate(in: .object(response.arguments))
            else {
                throw .invalidResultReference(
                    "The path \(reference.path) does not resolve in the \(reference.name) response.")
            }
            resolved[key] = nil
            resolved[plainKey] = target
        }
        return resolved
    }
}

import Foundation

/// The body of a POST to the API URL (RFC 8620 §3.3).
public struct Request: Sendable, Hashable {
    public var using: [String]
    public var methodCalls: [Invocation]
    public var createdIds: [String: String]?

    public init(using: [String], methodCalls: [Invocation], createdIds: [String: String]? = nil) {
        self.using = using
        self.methodCalls = methodCalls
        self.createdIds = createdIds
    }

    /// Parses a request body, telling `notJSON` (not JSON at all) from `notRequest` (JSON of the
    /// wrong shape) as §3.6.1 requires.
    public init(body: Data) throws(RequestError) {
        let value: JSONValue
        do {
            value = try JSONCoding.decode(JSONValue.self, from: body)
        } catch {
            throw .notJSON()
        }
        guard case .object(let object) = value else {
            throw .notRequest("The request must be a JSON object.")
        }
        guard case .array(let using)? = object["using"], let capabilities = using.stringArray else {
            throw .notRequest("The request must have `using`: an array of capability URIs.")
        }
        guard case .array(let calls)? = object["methodCalls"] else {
            throw .notRequest("The request must have `methodCalls`: an array of invocations.")
        }
        var createdIds: [String: String]?
        switch object["createdIds"] {
        case nil, .null?:
            createdIds = nil
        case .object(let map)?:
            var ids: [String: String] = [:]
            for (key, value) in map {
                guard case .string(let id) = value else {
                    throw .notRequest("`createdIds` must map creation ids to id strings.")
                }
                ids[key] = id
            }
            createdIds = ids
        default:
            throw .notRequest("`createdIds` must be an object.")
        }
        for key in object.keys where !["using", "methodCalls", "createdIds"].contains(key) {
            throw .notRequest("Unknown request member `\(key)`.")
        }
        self.init(
            using: capabilities,
            methodCalls: try calls.map { (call) throws(RequestError) in try Invocation(json: call) },
            createdIds: createdIds)
    }
}

/// The answer to a `Request` (RFC 8620 §3.4).
public struct Response: Sendable, Hashable, Codable {
    public var methodResponses: [Invocation]
    public var createdIds: [String: String]?
    public var sessionState: String

    public init(methodResponses: [Invocation], createdIds: [String: String]?, sessionState: String) {
        self.methodResponses = methodResponses
        self.createdIds = createdIds
        self.sessionState = sessionState
    }

    /// The response object (§3.4) as a JSON value, for `JSONCoding`'s fast writer rather than Codable.
    public var json: JSONValue {
        var object: JSONObject = [
            "methodResponses": .array(methodResponses.map(\.json)), "sessionState": .string(sessionState),
        ]
        if let createdIds { object["createdIds"] = .object(createdIds.mapValues { .string($0) }) }
        return .object(object)
    }
}

extension [JSONValue] {
    /// The elements as strings, or nil when one is not a string.
    public var stringArray: [String]? {
        var strings: [String] = []
        strings.reserveCapacity(count)
        for element in self {
            guard case .string(let string) = element else { return nil }
            strings.append(string)
        }
        return strings
    }
}

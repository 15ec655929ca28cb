import JMAPCore
import Testing

/// The caller of every test request: two writable accounts, a read-only one, and one without notes.
struct TestCaller: JMAPCaller {
    let accounts: [String: Account] = [
        "a1": Account(name: "Personal", accountCapabilities: [Note.capability: [:]]),
        "a2": Account(name: "Team", isPersonal: false, accountCapabilities: [Note.capability: [:]]),
        "r1": Account(
            name: "Archive", isPersonal: false, isReadOnly: true, accountCapabilities: [Note.capability: [:]]),
        "x1": Account(name: "No notes", accountCapabilities: [:]),
    ]
}

/// A server with the Note methods registered, driven through `RequestProcessor` as a client would drive it.
struct Harness {
    static let using = [Capability.core, Note.capability]

    let store = NoteStore()
    let processor: RequestProcessor<TestCaller>

    init(limits: CoreLimits = CoreLimits(maxCallsInRequest: 8, maxObjectsInGet: 20, maxObjectsInSet: 20)) {
        var registry = MethodRegistry<TestCaller>(limits: limits)
        NoteMethods(store: store).register(in: &registry)
        processor = RequestProcessor(registry: registry, limits: limits)
    }

    /// Sends `calls` as one request, with method call ids c0, c1, …
    func run(
        _ calls: [(String, JSONObject)], using: [String] = Harness.using, createdIds: [String: String]? = nil
    ) async throws(RequestError) -> Response {
        let invocations = calls.enumerated().map { index, call in
            Invocation(name: call.0, arguments: call.1, methodCallId: "c\(index)")
        }
        let request = Request(using: using, methodCalls: invocations, createdIds: createdIds)
        return try await processor.process(request, caller: TestCaller(), sessionState: "session-state")
    }

    /// Sends one call and returns its only response.
    func call(_ name: String, _ arguments: JSONObject) async throws -> Invocation {
        let responses = try await run([(name, arguments)]).methodResponses
        try #require(responses.count == 1)
        return responses[0]
    }

    /// Creates notes in `accountId` through Note/set and returns their ids by creation id. On a fresh
    /// store they are n1, n2, … in creation-id order.
    @discardableResult
    func seed(_ notes: [String: JSONObject], in accountId: String = "a1") async throws -> [String: String] {
        let response = try await call(
            "Note/set", ["accountId": .string(accountId), "create": .object(notes.mapValues(JSONValue.object))])
        let created = try #require(response["created"]?.objectValue)
        try #require(created.count == notes.count)
        return created.compactMapValues { $0.objectValue?["id"]?.stringValue }
    }

    /// Five notes to query: creation ids a…e become n1…n5.
    static let fixture: [String: JSONObject] = [
        "a": ["title": "apples", "priority": 2, "tags": ["food": true], "body": "red and green"],
        "b": ["title": "Banana bread", "priority": 5, "tags": ["food": true, "baking": true], "body": "mix and bake"],
        "c": ["title": "Cherry", "priority": 2, "body": "one two three"],
        "d": ["title": "date night", "priority": 9, "tags": ["fun": true]],
        "e": ["title": "Éclair", "priority": 0, "tags": ["baking": true], "body": "choux"],
    ]
}

extension Invocation {
    subscript(key: String) -> JSONValue? { arguments[key] }

    /// The `type` of an `error` response; nil for any other response.
    var errorType: String? {
        name == "error" ? arguments["type"]?.stringValue : nil
    }
}

extension JSONValue {
    /// The member at `key` of an object.
    subscript(key: String) -> JSONValue? { objectValue?[key] }

    /// A ResultReference (§3.7).
    static func resultOf(_ methodCallId: String, _ name: String, _ path: String) -> JSONValue {
        ["resultOf": .string(methodCallId), "name": .string(name), "path": .string(path)]
    }
}

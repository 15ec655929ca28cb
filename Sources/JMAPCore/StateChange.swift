/// A StateChange (RFC 8620 §7.1): for each account, the new state of each data type that changed,
/// as `Foo/get` would return it.
public struct StateChange: Sendable, Hashable {
    public var changed: [String: [String: String]]

    public init(changed: [String: [String: String]]) {
        self.changed = changed
    }

    public var json: JSONObject {
        [
            "@type": "StateChange",
            "changed": .object(changed.mapValues { .object($0.mapValues(JSONValue.string)) }),
        ]
    }
}

/// The data types a push channel wants (RFC 8620 §7.3 `types`, RFC 8887 §4.3.5 `dataTypes`): all of
/// them, or the named ones.
public enum PushTypes: Sendable, Hashable {
    case all
    case only(Set<String>)

    /// The `types` variable of an event-source URL: `*` or a comma-separated list of type names.
    public init(eventSourceTypes text: String) {
        self = text == "*" ? .all : .only(Set(text.split(separator: ",").map { String($0) }.filter { !$0.isEmpty }))
    }

    public func contains(_ type: String) -> Bool {
        switch self {
        case .all: true
        case .only(let types): types.contains(type)
        }
    }
}

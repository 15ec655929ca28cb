import JMAPCore

/// A test-only data type that uses every standard method (RFC 8620 §5) the way a real one would:
/// `{id, title, body, priority, tags, checklist, info, wordCount}`, where the server sets `id` and
/// `wordCount` (computed from `body`).
enum Note {
    static let capability = "urn:test:notes"
    static let properties: Set<String> = ["id", "title", "body", "priority", "tags", "checklist", "info", "wordCount"]
    static let serverSet: Set<String> = ["id", "wordCount"]
    static let sortable: Set<String> = ["title", "priority", "wordCount"]
    /// What a client may leave out when it creates a note.
    static let defaults: JSONObject = ["body": "", "priority": 0, "tags": [:], "checklist": [], "info": [:]]
    /// The most ids one Note/query returns (§5.5 lets the server cap `limit`).
    static let maxQueryLimit = 10

    static func id(of note: JSONObject) -> String {
        note["id"]?.stringValue ?? ""
    }

    /// `note` with its server-set properties, checked to be a valid note.
    static func completed(_ note: JSONObject, id: String) throws(SetError) -> JSONObject {
        var note = note
        note["id"] = .string(id)
        note["wordCount"] = .int(note["body"]?.stringValue?.split(whereSeparator: \.isWhitespace).count ?? 0)
        let invalid = Set(note.compactMap { isValid($0.key, $0.value) ? nil : $0.key })
            .union(note["title"] == nil ? ["title"] : [])
        guard invalid.isEmpty else { throw .invalidProperties(invalid.sorted()) }
        return note
    }

    private static func isValid(_ property: String, _ value: JSONValue) -> Bool {
        switch (property, value) {
        case ("id", .string), ("title", .string), ("body", .string), ("priority", .int), ("wordCount", .int),
            ("info", .object):
            true
        case ("tags", .object(let tags)): tags.values.allSatisfy { $0 == true }
        case ("checklist", .array(let items)): items.stringArray != nil
        default: false
        }
    }
}

/// The FilterCondition of Note/query: every property given must match.
struct NoteFilter: Sendable, Hashable {
    static let properties: Set<String> = ["text", "hasTag", "minPriority"]

    /// In the title or body, case-insensitively.
    var text: String?
    var hasTag: String?
    var minPriority: Int?

    init(_ json: JSONObject) throws(MethodError) {
        if let unknown = Set(json.keys).subtracting(Self.properties).sorted().first {
            throw .unsupportedFilter("Notes cannot be filtered by \(unknown).")
        }
        var arguments = Arguments(json)
        text = try arguments.string("text")?.lowercased()
        hasTag = try arguments.string("hasTag")
        minPriority = try arguments.int("minPriority")
    }

    func matches(_ note: JSONObject) -> Bool {
        let textMatches = text.map { text in
            ["title", "body"].contains { note[$0]?.stringValue?.lowercased().contains(text) == true }
        }
        let tagMatches = hasTag.map { note["tags"]?.objectValue?[$0] == true }
        let priorityMatches = minPriority.map { (note["priority"]?.intValue ?? 0) >= $0 }
        return [textMatches, tagMatches, priorityMatches].allSatisfy { $0 ?? true }
    }
}

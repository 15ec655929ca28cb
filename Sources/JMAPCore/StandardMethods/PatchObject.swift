/// A PatchObject (RFC 8620 §5.3): JSON pointers, with the leading `/` left implicit, to the value to put
/// there; `null` removes the property. A whole object is also a valid patch.
public struct PatchObject: Sendable, Hashable {
    /// The patch as sent: path to value.
    public var paths: JSONObject

    public init(_ paths: JSONObject) {
        self.paths = paths
    }

    /// The top-level properties the patch touches, for a data type to see what an update changes.
    public var properties: Set<String> {
        Set(paths.keys.compactMap { JSONPointer(patchPath: $0).tokens.first })
    }

    /// `object` with the patch applied. Fails with `invalidPatch` when one path is a prefix of another,
    /// reaches into an array, or needs a parent that does not exist; and with `invalidProperties` when it
    /// changes one of `immutable` (server-set properties may only be repeated with their current value).
    public func apply(to object: JSONObject, immutable: Set<String> = []) throws(SetError) -> JSONObject {
        let patches = paths.map { (path: $0.key, pointer: JSONPointer(patchPath: $0.key), value: $0.value) }
            .sorted { $0.path < $1.path }
        try Self.checkNoPrefixes(patches.map(\.pointer))
        var patched = object
        for patch in patches {
            try Self.set(patch.value, at: patch.pointer.tokens[...], in: &patched, path: patch.path)
        }
        let changed = immutable.filter { patched[$0] != object[$0] }.sorted()
        if !changed.isEmpty {
            throw .invalidProperties(changed, "These properties are set by the server and cannot be changed.")
        }
        return patched
    }

    /// §5.3: no pointer may be a prefix of another, as `alerts` and `alerts/1/offset` would be.
    private static func checkNoPrefixes(_ pointers: [JSONPointer]) throws(SetError) {
        let all = Set(pointers.map(\.tokens))
        guard all.count == pointers.count else { throw .invalidPatch("Two paths name the same property.") }
        for pointer in pointers {
            for length in pointer.tokens.indices.dropFirst() where all.contains(Array(pointer.tokens[..<length])) {
                throw .invalidPatch("The path \(pointer) is inside another path of the same patch.")
            }
        }
    }

    private static func set(
        _ value: JSONValue, at tokens: ArraySlice<String>, in object: inout JSONObject, path: String
    ) throws(SetError) {
        guard let key = tokens.first else { return }
        let rest = tokens.dropFirst()
        if rest.isEmpty {
            if value.isNull { object.removeValue(forKey: key) } else { object[key] = value }
            return
        }
        switch object[key] {
        case .object(var child)?:
            try set(value, at: rest, in: &child, path: path)
            object[key] = .object(child)
        case .array?:
            throw .invalidPatch("`\(path)` points inside an array; replace the whole array instead.")
        default:
            throw .invalidPatch("`\(path)` needs `\(key)` to be an existing object.")
        }
    }
}

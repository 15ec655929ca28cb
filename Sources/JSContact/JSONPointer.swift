import Foundation
import JSON

/// JSON pointers as JSContact uses them in PatchObject keys and JSPTR parameters
/// (RFC 9553 §1.4.9, RFC 6901): `/`-separated, `~0` for `~` and `~1` for `/`, a leading `/`
/// optional and the root always the Card.
enum JSONPointer {
    static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func unescape(_ token: Substring) -> String {
        token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }

    static func tokens(_ pointer: String) -> [String] {
        var text = Substring(pointer)
        if text.hasPrefix("/") { text = text.dropFirst() }
        if text.isEmpty { return [] }
        return text.split(separator: "/", omittingEmptySubsequences: false).map(unescape)
    }

    static func join(_ tokens: [String]) -> String {
        tokens.map(escape).joined(separator: "/")
    }

    /// The value at `tokens` (object keys only; array indexes are accepted for reading).
    static func value(in object: JSONObject, at tokens: [String]) -> JSONValue? {
        var current: JSONValue = .object(object)
        for token in tokens {
            switch current {
            case .object(let dictionary):
                guard let next = dictionary[token] else { return nil }
                current = next
            case .array(let array):
                guard let index = Int(token), array.indices.contains(index) else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Sets (or with `nil` removes) the value at `tokens`. Intermediate objects must exist, as a
    /// PatchObject requires (RFC 9553 §1.4.9); returns false if they do not.
    @discardableResult
    static func set(_ value: JSONValue?, in object: inout JSONObject, at tokens: [String]) -> Bool {
        guard let first = tokens.first else { return false }
        if tokens.count == 1 {
            object[first] = value
            return true
        }
        switch object[first] {
        case .object(var child):
            guard set(value, in: &child, at: Array(tokens.dropFirst())) else { return false }
            object[first] = .object(child)
            return true
        case .array(var array):
            guard let index = Int(tokens[1]), array.indices.contains(index) else { return false }
            if tokens.count == 2 {
                guard let value else { return false }
                array[index] = value
            } else {
                guard case .object(var child) = array[index],
                    set(value, in: &child, at: Array(tokens.dropFirst(2)))
                else { return false }
                array[index] = .object(child)
            }
            object[first] = .array(array)
            return true
        default:
            return false
        }
    }

    /// Applies a PatchObject; an invalid patch is not applied at all (RFC 9553 §1.4.9).
    static func apply(_ patch: JSONObject, to object: JSONObject) -> JSONObject? {
        var result = object
        for key in patch.keys.sorted() {
            let value = patch[key] ?? .null
            guard set(value.isNull ? nil : value, in: &result, at: tokens(key)) else { return nil }
        }
        return result
    }
}

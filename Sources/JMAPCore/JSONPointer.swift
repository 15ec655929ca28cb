/// A JSON Pointer (RFC 6901) as JMAP uses it: in result references, where `*` maps over an
/// array (RFC 8620 §3.7), and in PatchObject paths (§5.3).
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    public var tokens: [String]

    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Parses `/a/b~1c`. Returns nil when the text is neither empty nor starts with `/`.
    public init?(_ text: String) {
        if text.isEmpty {
            self.tokens = []
            return
        }
        guard text.hasPrefix("/") else { return nil }
        self.tokens = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            Self.unescape(String($0))
        }
    }

    /// Parses a PatchObject key, which is a pointer with the leading `/` left implicit.
    public init(patchPath: String) {
        self.tokens = patchPath.split(separator: "/", omittingEmptySubsequences: false).map {
            Self.unescape(String($0))
        }
    }

    public var description: String {
        tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }
            .joined()
    }

    private static func unescape(_ token: String) -> String {
        guard token.contains("~") else { return token }
        return token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }

    /// Evaluates the pointer with the `*` rule of RFC 8620 §3.7: `*` on an array applies the rest
    /// of the pointer to every item, flattening results that are themselves arrays.
    public func evaluate(in value: JSONValue) -> JSONValue? {
        Self.evaluate(tokens[...], in: value)
    }

    private static func evaluate(_ tokens: ArraySlice<String>, in value: JSONValue) -> JSONValue? {
        // Text kept encoded (a cached record in a /get response) is read here, where a pointer goes into it.
        let value = value.decoded
        guard let token = tokens.first else { return value }
        let rest = tokens.dropFirst()
        switch value {
        case .object(let object):
            guard let child = object[token] else { return nil }
            return evaluate(rest, in: child)
        case .array(let items):
            if token == "*" {
                var output: [JSONValue] = []
                for item in items {
                    guard let result = evaluate(rest, in: item) else { return nil }
                    if case .array(let inner) = result {
                        output.append(contentsOf: inner)
                    } else {
                        output.append(result)
                    }
                }
                return .array(output)
            }
            guard let index = arrayIndex(token), index < items.count else { return nil }
            return evaluate(rest, in: items[index])
        default:
            return nil
        }
    }

    /// RFC 6901 array index: digits only, no leading zeros.
    static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.allSatisfy(\.isASCII), token.allSatisfy(\.isNumber),
            token == "0" || !token.hasPrefix("0")
        else { return nil }
        return Int(token)
    }
}

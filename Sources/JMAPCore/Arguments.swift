/// Reads method arguments with the checks RFC 8620 asks for, and remembers which keys were read
/// so that `finish()` can reject any argument the method does not know (`invalidArguments`).
public struct Arguments: Sendable {
    public let object: JSONObject
    private var consumed: Set<String> = []

    public init(_ object: JSONObject) {
        self.object = object
    }

    /// The raw value, or nil when absent. JSON `null` comes back as `.null`.
    public mutating func value(_ key: String) -> JSONValue? {
        consumed.insert(key)
        return object[key]
    }

    /// An optional value: nil when absent or null.
    private mutating func present(_ key: String) -> JSONValue? {
        switch value(key) {
        case nil, .null?: nil
        case let value?: value
        }
    }

    private func wrongType(_ key: String, _ expected: String) -> MethodError {
        .invalidArguments("`\(key)` must be \(expected).")
    }

    public mutating func string(_ key: String) throws(MethodError) -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let string) = value else { throw wrongType(key, "a string") }
        return string
    }

    public mutating func requiredString(_ key: String) throws(MethodError) -> String {
        guard let string = try string(key) else { throw .invalidArguments("`\(key)` is required.") }
        return string
    }

    /// The `accountId` every standard method takes.
    public mutating func accountId(_ key: String = "accountId") throws(MethodError) -> String {
        try requiredString(key)
    }

    public mutating func bool(_ key: String, default defaultValue: Bool) throws(MethodError) -> Bool {
        guard let value = present(key) else { return defaultValue }
        guard case .bool(let bool) = value else { throw wrongType(key, "a boolean") }
        return bool
    }

    /// An `Int` (RFC 8620 §1.3): within ±(2^53 − 1), so that arithmetic on it cannot overflow.
    public mutating func int(_ key: String) throws(MethodError) -> Int? {
        guard let value = present(key) else { return nil }
        guard let int = value.intValue, Self.safeIntegers.contains(int) else { throw wrongType(key, "an integer") }
        return int
    }

    private static let safeIntegers = -(1 << 53 - 1)...(1 << 53 - 1)

    /// An `UnsignedInt` (RFC 8620 §1.3).
    public mutating func unsignedInt(_ key: String) throws(MethodError) -> Int? {
        guard let int = try int(key) else { return nil }
        guard int >= 0 else { throw wrongType(key, "an unsigned integer") }
        return int
    }

    public mutating func stringArray(_ key: String) throws(MethodError) -> [String]? {
        guard let value = present(key) else { return nil }
        guard case .array(let items) = value, let strings = items.stringArray else {
            throw wrongType(key, "an array of strings")
        }
        return strings
    }

    public mutating func object(_ key: String) throws(MethodError) -> JSONObject? {
        guard let value = present(key) else { return nil }
        guard case .object(let object) = value else { throw wrongType(key, "an object") }
        return object
    }

    public mutating func array(_ key: String) throws(MethodError) -> [JSONValue]? {
        guard let value = present(key) else { return nil }
        guard case .array(let array) = value else { throw wrongType(key, "an array") }
        return array
    }

    /// Rejects any argument nobody read.
    public func finish() throws(MethodError) {
        let unknown = object.keys.filter { !consumed.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw .invalidArguments(
                "Unknown argument\(unknown.count == 1 ? "" : "s"): \(unknown.joined(separator: ", ")).")
        }
    }
}

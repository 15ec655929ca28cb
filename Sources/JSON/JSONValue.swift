/// A JSON value kept as parsed, so method arguments and objects pass through the gateway untouched.
///
/// Integers and floating-point numbers are kept apart: JMAP's `UnsignedInt` values must come back
/// out as integers, never as `5.0`.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
    /// A value already written as JSON text, copied into output as it is (see `EncodedJSON`). Readers
    /// never produce it; the accessors below read through it.
    case encoded(EncodedJSON)
}

/// A JSON object. Key order carries no meaning in JMAP.
public typealias JSONObject = [String: JSONValue]

extension JSONValue {
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var stringValue: String? {
        switch self {
        case .string(let value): value
        case .encoded(let encoded): encoded.value.stringValue
        default: nil
        }
    }

    public var boolValue: Bool? {
        switch self {
        case .bool(let value): value
        case .encoded(let encoded): encoded.value.boolValue
        default: nil
        }
    }

    /// The value as an integer; a double is accepted only when it is integral.
    public var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value) where value.rounded() == value && abs(value) < 9.0e15: return Int(value)
        case .encoded(let encoded): return encoded.value.intValue
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        case .encoded(let encoded): return encoded.value.doubleValue
        default: return nil
        }
    }

    public var arrayValue: [JSONValue]? {
        switch self {
        case .array(let value): value
        case .encoded(let encoded): encoded.value.arrayValue
        default: nil
        }
    }

    public var objectValue: JSONObject? {
        switch self {
        case .object(let value): value
        case .encoded(let encoded): encoded.value.objectValue
        default: nil
        }
    }

    /// The value with any `encoded` text read back into values, for code that inspects its structure.
    public var decoded: JSONValue {
        if case .encoded(let encoded) = self { return encoded.value }
        return self
    }

    /// The JSON type name, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .encoded(let encoded): encoded.value.typeName
        }
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode(JSONObject.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .encoded(let value): try container.encode(value.value)
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue {
    /// Wraps an optional, mapping `nil` to JSON `null`.
    public init<T>(_ value: T?, _ transform: (T) -> JSONValue) {
        self = value.map(transform) ?? .null
    }

    public init(_ strings: [String]) { self = .array(strings.map { .string($0) }) }
}

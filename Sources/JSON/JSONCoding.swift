import Foundation

/// The one place JSON is encoded and decoded, so every byte the gateway writes follows the same
/// rules: `/` is never escaped (Linux escapes it by default) and keys are sorted for stable output.
///
/// `JSONValue` and `JSONObject` go through the hand-written `JSONWriter` and `JSONReader`, which
/// write the same bytes as the encoder below; other types go through Foundation's Codable coders.
public enum JSONCoding {
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }

    public static func makeDecoder() -> JSONDecoder {
        JSONDecoder()
    }

    public static func encode(_ value: some Encodable) throws -> Data {
        if let value = value as? JSONValue { return try encode(value) }
        if type(of: value) == JSONObject.self, let object = value as? JSONObject { return try encode(object) }
        return try makeEncoder().encode(value)
    }

    public static func encode(_ value: JSONValue) throws -> Data {
        Data(try JSONWriter.bytes(value))
    }

    public static func encode(_ object: JSONObject) throws -> Data {
        Data(try JSONWriter.bytes(object))
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if type == JSONValue.self { return try decode(JSONValue.self, from: data) as! T }
        if type == JSONObject.self { return try decode(JSONObject.self, from: data) as! T }
        return try makeDecoder().decode(type, from: data)
    }

    public static func decode(_ type: JSONValue.Type, from data: Data) throws -> JSONValue {
        try JSONReader.parse(data)
    }

    /// Decodes a top-level JSON object; any other value is an error.
    public static func decode(_ type: JSONObject.Type, from data: Data) throws -> JSONObject {
        try JSONReader.parseObject(data)
    }
}

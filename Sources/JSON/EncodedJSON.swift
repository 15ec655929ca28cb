/// A JSON value kept as the text `JSONWriter` wrote for it, so that a value stored as JSON (a cached
/// ContactCard) goes into a response by copying its bytes instead of being read into `JSONValue`s and
/// written out again: for 10,000 cards that reading and writing is most of a `/get`'s time.
///
/// The bytes are trusted to be one JSON value as `JSONWriter` writes it: build one only from text
/// this program wrote.
public struct EncodedJSON: Sendable, Hashable {
    public let bytes: [UInt8]

    /// Text that `JSONWriter` wrote (directly, or stored and read back).
    public init(written bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// `value` written out now.
    public init(_ value: JSONValue) throws(JSONWriteError) {
        self.bytes = try JSONWriter.bytes(value)
    }

    /// The value read back (`null` if the bytes were not the JSON they were trusted to be).
    public var value: JSONValue {
        (try? JSONReader.parse(bytes)) ?? .null
    }

    /// For an object's text, the text of the same object with `members` written first (their keys must
    /// not be in the object already); nil when the text is not an object.
    public func prepending(_ members: JSONObject) throws(JSONWriteError) -> EncodedJSON? {
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return nil }
        guard !members.isEmpty else { return self }
        var head = try JSONWriter.bytes(members)
        head.removeLast()  // the closing brace
        if bytes.count > 2 { head.append(UInt8(ascii: ",")) }
        head.append(contentsOf: bytes.dropFirst())
        return EncodedJSON(written: head)
    }

    /// For an object's text, the text of the object with only the members named in `keys`, cut out of
    /// this one without reading the others' values; nil when the text is not an object.
    public func picking(_ keys: Set<String>) -> EncodedJSON? {
        let ranges = try? bytes.withUnsafeBytes { buffer throws(JSONParseError) in
            try JSONReader.memberRanges(buffer, keys: keys)
        }
        guard let ranges else { return nil }
        var picked: [UInt8] = [UInt8(ascii: "{")]
        picked.reserveCapacity(ranges.reduce(2) { $0 + $1.count + 1 })
        for (index, range) in ranges.enumerated() {
            if index > 0 { picked.append(UInt8(ascii: ",")) }
            picked.append(contentsOf: bytes[range])
        }
        picked.append(UInt8(ascii: "}"))
        return EncodedJSON(written: picked)
    }
}

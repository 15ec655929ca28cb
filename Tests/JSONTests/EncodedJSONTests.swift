import JSON
import Testing

/// Values kept as the JSON text that was written for them, copied into output unread.
@Suite struct EncodedJSONTests {
    let card: JSONValue = ["@type": "Card", "name": ["full": "Ada / Lovelace"], "emails": ["e1": ["address": "a@x"]]]

    @Test func writtenAsTheBytesItHolds() throws {
        let encoded = try EncodedJSON(card)
        let document: JSONValue = ["list": [.encoded(encoded), 1]]
        let text = try JSONWriter.string(document)
        #expect(text == #"{"list":["# + String(decoding: encoded.bytes, as: UTF8.self) + "," + "1]}")
        #expect(try JSONReader.parse(text) == ["list": [card, 1]])
    }

    @Test func accessorsReadThrough() throws {
        let encoded = JSONValue.encoded(try EncodedJSON(card))
        #expect(encoded.objectValue?["@type"] == "Card")
        #expect(encoded.typeName == "object")
        #expect(encoded.decoded == card)
        #expect(JSONValue.encoded(try EncodedJSON("x")).stringValue == "x")
        #expect(JSONValue.encoded(try EncodedJSON([1, 2])).arrayValue == [1, 2])
    }

    @Test func prependingWritesMembersFirst() throws {
        let withId = try #require(try EncodedJSON(card).prepending(["id": "c1", "addressBookIds": ["b1": true]]))
        #expect(String(decoding: withId.bytes, as: UTF8.self).hasPrefix(#"{"addressBookIds":{"b1":true},"id":"c1","#))
        var expected = try #require(card.objectValue)
        expected["id"] = "c1"
        expected["addressBookIds"] = ["b1": true]
        #expect(withId.value == .object(expected))
        // An empty object gets no stray comma; nothing to prepend leaves the text as it is.
        let empty = try #require(try EncodedJSON([:]).prepending(["id": "c2"]))
        #expect(String(decoding: empty.bytes, as: UTF8.self) == #"{"id":"c2"}"#)
        #expect(try EncodedJSON(card).prepending([:]) == (try EncodedJSON(card)))
        // Only objects can take members.
        #expect(try EncodedJSON([1]).prepending(["id": "c3"]) == nil)
    }
}

import Foundation
import Testing

@testable import JSON

/// `EncodedJSON.picking`: the members asked for, cut out of the text as a full read would see them;
/// the others skipped, however they nest.
@Suite struct PickedMembersTests {
    static let card = #"""
        {"@type":"Card","version":"1.0","uid":"urn:uuid:1","name":{"components":[{"kind":"given","value":"A \"q\" \\ b"}],
         "isOrdered":true},"emails":{"e1":{"address":"a@example.com","contexts":{"work":true}}},
         "notes":{"n1":{"note":"[{ not json }]","created":"2024-01-01T00:00:00Z"}},"x":[1,-2.5e3,true,false,null,[[]],{}],
         "phones":{}}
        """#

    @Test func picksExactlyTheMembersAskedFor() throws {
        let encoded = EncodedJSON(written: Array(Self.card.utf8))
        let full = try #require(encoded.value.objectValue)
        for keys: Set<String> in [[], ["name"], ["emails", "phones"], ["x", "uid", "missing"], Set(full.keys)] {
            let picked = try #require(encoded.picking(keys))
            #expect(try JSONReader.parse(picked.bytes) == .object(full.filter { keys.contains($0.key) }), "\(keys)")
        }
    }

    @Test func refusesWhatIsNotAnObjectOrIsCutShort() {
        for text in [
            "[1]", "", "{", #"{"a":"#, #"{"a":[1,2}"#, #"{"a":"unterminated}"#, #"{"a":1,}"#, #"{"a":1} x"#,
            #"{"a" 1}"#, #"{"a":[1]]}"#,
        ] {
            #expect(EncodedJSON(written: Array(text.utf8)).picking(["a", "b"]) == nil, "\(text)")
        }
    }
}

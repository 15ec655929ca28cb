import Foundation
import Testing

@testable import JSON

/// `JSONReader.parseObject(_:members:)`: the members asked for, read as a full parse reads them; the
/// others skipped, however they nest.
@Suite struct PickedMembersTests {
    static let card = #"""
        {"@type":"Card","version":"1.0","uid":"urn:uuid:1","name":{"components":[{"kind":"given","value":"A \"q\" \\ b"}],
         "isOrdered":true},"emails":{"e1":{"address":"a@example.com","contexts":{"work":true}}},
         "notes":{"n1":{"note":"[{ not json }]","created":"2024-01-01T00:00:00Z"}},"x":[1,-2.5e3,true,false,null,[[]],{}],
         "phones":{}}
        """#

    @Test func picksExactlyTheMembersAskedFor() throws {
        let data = Data(Self.card.utf8)
        let full = try JSONReader.parseObject(data)
        for keys: Set<String> in [[], ["name"], ["emails", "phones"], ["x", "uid", "missing"], Set(full.keys)] {
            let picked = try JSONReader.parseObject(data, members: keys)
            #expect(picked == full.filter { keys.contains($0.key) }, "\(keys)")
        }
    }

    @Test func refusesWhatIsNotAnObjectOrIsCutShort() {
        for text in [
            "[1]", "", "{", #"{"a":"#, #"{"a":[1,2}"#, #"{"a":"unterminated}"#, #"{"a":1,}"#, #"{"a":1} x"#,
            #"{"a" 1}"#, #"{"a":[1]]}"#,
        ] {
            #expect(throws: JSONParseError.self, "\(text)") {
                try JSONReader.parseObject(Data(text.utf8), members: ["b"])
            }
        }
    }
}

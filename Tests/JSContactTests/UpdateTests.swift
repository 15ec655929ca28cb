import Foundation
import JSON
import Testing

@testable import JSContact

/// The gateway's update path: only what the client changed is rewritten.
@Suite struct UpdateTests {
    static let appleCard = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Apple Inc.//iOS 17.0//EN",
        "UID:8F2C0A4E-1234-4B6D-9C1E-0123456789AB",
        "N:Doe;John;;;",
        "FN:John Doe",
        "item1.EMAIL;type=INTERNET;type=WORK;X-CUSTOM=abc:john@work.example",
        "item1.X-ABLabel:_$!<Work>!$_",
        "item2.EMAIL;type=INTERNET;type=HOME:john@home.example",
        "TEL;type=CELL;type=VOICE;type=pref:+1 555 0100",
        "TEL;type=HOME:+1 555 0101",
        "x-social-thing;X-FOO=bar:something",
        "item3.ADR;type=HOME:;;1 Main St;Town;;12345;USA",
        "item3.X-ABADR:us",
        "NOTE:A very long note that certainly needs folding because it is longer than",
        "  seventy-five octets\\, with an escaped comma",
        "X-ABUID:ABC-123:ABPerson",
        "END:VCARD",
        "",
    ].joined(separator: "\r\n")

    func stored() -> VCard {
        let parsed = VCardParser.parse(Self.appleCard)
        #expect(parsed.diagnostics.isEmpty)
        return parsed.cards.first ?? VCard()
    }

    func lines(_ card: VCard) -> [String] {
        VCardWriter.serialize(card).components(separatedBy: "\r\n")
    }

    func key(of map: String, where predicate: (JSONObject) -> Bool, in card: JSONObject) -> String? {
        card[map]?.objectValue?.first { $0.value.objectValue.map(predicate) ?? false }?.key
    }

    @Test func unchangedCardIsByteIdentical() {
        let card = stored()
        #expect(VCardWriter.serialize(card) == Self.appleCard)
        let json = JSContactConverter.card(from: card)
        let updated = JSContactConverter.updatedVCard(stored: card, newCard: json)
        #expect(updated == card)
        #expect(VCardWriter.serialize(updated) == Self.appleCard)
    }

    @Test func changingOneEmailChangesOnlyThatLine() throws {
        let card = stored()
        var json = JSContactConverter.card(from: card)
        let emailKey = try #require(key(of: "emails", where: { $0["address"] == "john@home.example" }, in: json))
        var emails = try #require(json["emails"]?.objectValue)
        var email = try #require(emails[emailKey]?.objectValue)
        email["address"] = "john@new.example"
        emails[emailKey] = .object(email)
        json["emails"] = .object(emails)

        let updated = JSContactConverter.updatedVCard(stored: card, newCard: json)
        let before = lines(card)
        let after = lines(updated)
        #expect(before.count == after.count)
        let differing = zip(before, after).filter { $0 != $1 }
        #expect(differing.count == 1)
        #expect(differing.first?.0 == "item2.EMAIL;type=INTERNET;type=HOME:john@home.example")
        // Regenerated in place, group and unknown TYPE kept, in 3.0 syntax.
        #expect(differing.first?.1 == "item2.EMAIL;TYPE=HOME,INTERNET:john@new.example")
        #expect(JSContactConverter.card(from: updated)["emails"] == json["emails"])
    }

    @Test func deletingAPhoneRemovesOnlyThatLine() throws {
        let card = stored()
        var json = JSContactConverter.card(from: card)
        let phoneKey = try #require(key(of: "phones", where: { $0["number"] == "+1 555 0101" }, in: json))
        var phones = try #require(json["phones"]?.objectValue)
        phones[phoneKey] = nil
        json["phones"] = .object(phones)

        let updated = JSContactConverter.updatedVCard(stored: card, newCard: json)
        var expected = lines(card)
        expected.removeAll { $0 == "TEL;type=HOME:+1 555 0101" }
        #expect(lines(updated) == expected)
    }

    @Test func addingAnEmailAppendsOneLine() throws {
        let card = stored()
        var json = JSContactConverter.card(from: card)
        var emails = try #require(json["emails"]?.objectValue)
        emails["new1"] = ["address": "added@example.com", "contexts": ["work": true]]
        json["emails"] = .object(emails)
        let updated = JSContactConverter.updatedVCard(stored: card, newCard: json)
        var expected = lines(card)
        expected.insert("EMAIL;TYPE=WORK:added@example.com", at: expected.count - 2)
        #expect(lines(updated) == expected)
    }

    @Test func changingALabelKeepsGroupAndUnknownParameters() throws {
        let card = stored()
        var json = JSContactConverter.card(from: card)
        let emailKey = try #require(key(of: "emails", where: { $0["address"] == "john@work.example" }, in: json))
        var emails = try #require(json["emails"]?.objectValue)
        // A client replacing the whole entry without echoing vCardParams.
        emails[emailKey] = ["address": "john@work.example", "contexts": ["work": true], "label": "Office"]
        json["emails"] = .object(emails)
        let updated = JSContactConverter.updatedVCard(stored: card, newCard: json)
        let after = lines(updated)
        #expect(after.contains("item1.EMAIL;TYPE=WORK,INTERNET;X-CUSTOM=abc:john@work.example"))
        #expect(after.contains("item1.X-ABLabel:Office"))
        #expect(!after.contains("item1.X-ABLabel:_$!<Work>!$_"))
        // Everything else untouched.
        let untouched = lines(card).filter { !$0.hasPrefix("item1.") }
        #expect(after.filter { !$0.hasPrefix("item1.") } == untouched)
    }

    @Test func changingTheNameRewritesFNAndNOnly() throws {
        let card = stored()
        var json = JSContactConverter.card(from: card)
        var name = try #require(json["name"]?.objectValue)
        name["full"] = "Johnny Doe"
        json["name"] = .object(name)
        let updated = JSContactConverter.updatedVCard(stored: card, newCard: json)
        let after = lines(updated)
        #expect(after.contains("FN:Johnny Doe"))
        #expect(after.contains("N:Doe;John;;;"))
        #expect(
            after.filter { !$0.hasPrefix("FN") && !$0.hasPrefix("N:") }
                == lines(card).filter { !$0.hasPrefix("FN") && !$0.hasPrefix("N:") })
    }

    @Test func unknownTopLevelPropertyBecomesJSPropAndComesBack() throws {
        let card = stored()
        var json = JSContactConverter.card(from: card)
        json["example.com:flag"] = ["a": 1, "b": [true, "x,y"]]
        let updated = JSContactConverter.updatedVCard(stored: card, newCard: json)
        let added = lines(updated).filter { $0.hasPrefix("JSPROP") }
        #expect(added == [#"JSPROP;JSPTR="example.com:flag":{"a":1\,"b":[true\,"x\,y"]}"#])
        let reread = JSContactConverter.card(from: updated)
        #expect(reread == json)
        // And an unchanged re-read card leaves the JSPROP line as it is.
        #expect(JSContactConverter.updatedVCard(stored: updated, newCard: reread) == updated)
    }

    @Test func removingAVCardPropsElementDropsOnlyThatLine() throws {
        let card = stored()
        var json = JSContactConverter.card(from: card)
        var props = try #require(json["vCardProps"]?.arrayValue)
        props.removeAll { $0.arrayValue?.first == "x-social-thing" }
        json["vCardProps"] = .array(props)
        let updated = JSContactConverter.updatedVCard(stored: card, newCard: json)
        #expect(lines(updated) == lines(card).filter { !$0.hasPrefix("x-social-thing") })
    }

    @Test func generatedUIDIsWrittenOnceTheContentChanges() throws {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No UID\r\nEND:VCARD\r\n"
        let card = try #require(VCardParser.parse(text).cards.first)
        var json = JSContactConverter.card(from: card)
        let uid = try #require(json["uid"]?.stringValue)
        #expect(JSContactConverter.updatedVCard(stored: card, newCard: json) == card)
        json["name"] = ["full": "Now with UID"]
        let updated = JSContactConverter.updatedVCard(stored: card, newCard: json)
        #expect(
            lines(updated) == [
                "BEGIN:VCARD", "VERSION:3.0", "FN:Now with UID", "N:;;;;", "UID:\(uid)", "END:VCARD", "",
            ])
        #expect(JSContactConverter.card(from: updated)["uid"]?.stringValue == uid)
    }

    @Test func vCard4UpdateUsesPropID() throws {
        let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:1\r\nFN:A\r\nEMAIL:a@example.com\r\nEND:VCARD\r\n"
        let card = try #require(VCardParser.parse(text).cards.first)
        var json = JSContactConverter.card(from: card)
        json["emails"] = ["k1": ["address": "b@example.com", "pref": 1]]
        let updated = JSContactConverter.updatedVCard(stored: card, newCard: json)
        #expect(
            VCardWriter.serialize(updated)
                == "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:1\r\nFN:A\r\nEMAIL;PREF=1;PROP-ID=k1:b@example.com\r\nEND:VCARD\r\n"
        )
    }
}

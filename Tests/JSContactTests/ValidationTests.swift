import Foundation
import JSON
import Testing

@testable import JSContact

@Suite struct ValidationTests {
    @Test func validCardHasNoInvalidProperties() throws {
        let card: JSONObject = [
            "@type": "Card", "version": "1.0", "uid": "urn:uuid:1", "kind": "individual",
            "created": "2022-09-30T14:35:10Z",
            "name": [
                "components": [["kind": "given", "value": "Jane"], ["kind": "surname", "value": "Doe"]],
                "isOrdered": true,
            ],
            "emails": ["e1": ["address": "jane@example.com", "contexts": ["work": true], "pref": 1]],
            "phones": ["p1": ["number": "tel:+1", "features": ["mobile": true, "example.com:sat": true]]],
            "anniversaries": [
                "a1": ["kind": "birth", "date": ["month": 4, "day": 15]],
                "a2": ["kind": "death", "date": ["@type": "Timestamp", "utc": "2020-01-01T00:00:00Z"]],
            ],
            "speakToAs": ["grammaticalGender": "neuter", "pronouns": ["k1": ["pronouns": "they/them"]]],
            "keywords": ["a": true], "members": ["urn:uuid:2": true],
            "example.com:custom": ["anything": 1],
            "vCardProps": [["x-foo", [:], "unknown", "bar"]],
        ]
        #expect(JSContactValidation.validate(card) == [])
        // Every corpus vCard converts to a valid Card.
        let corpus = try #require(corpusDirectory(), "corpus not found")
        let directory = corpus.appendingPathComponent("calcard/resources/vcard")
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".vcf") {
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            for vCard in VCardParser.parse(String(decoding: data, as: UTF8.self)).cards {
                let invalid = JSContactValidation.validate(JSContactConverter.card(from: vCard))
                #expect(invalid.isEmpty, "\(file): \(invalid)")
            }
        }
    }

    @Test func wrongTypesEnumsAndDatesAreReported() {
        let card: JSONObject = [
            "@type": "Contact",
            "uid": 5,
            "kind": "robot",
            "updated": "2022-09-30 14:35",
            "name": ["components": [["kind": "nickname", "value": "J"]], "defaultSeparator": " "],
            "emails": ["e1": ["contexts": ["work": "yes"]], "bad key!": ["address": "x@y"]],
            "phones": ["p1": ["number": "1", "features": ["hologram": true], "pref": 0]],
            "titles": ["t1": ["name": "Boss", "kind": "king", "organizationId": "not valid!"]],
            "anniversaries": [
                "a1": ["kind": "birth", "date": ["month": 2, "day": 30]],
                "a2": ["kind": "birth", "date": ["@type": "Timestamp", "utc": "yesterday"]],
                "a3": ["kind": "birth"],
            ],
            "speakToAs": ["grammaticalGender": "robotic"],
            "keywords": ["a": false],
            "localizations": ["fr": ["localizations/de": "x"]],
            "personalInfo": ["i1": ["kind": "hobby", "value": "x", "level": "extreme"]],
            "vCardProps": [["x-foo"]],
        ]
        #expect(
            JSContactValidation.validate(card) == [
                "@type", "anniversaries/a1/date/day", "anniversaries/a2/date/utc", "anniversaries/a3/date",
                "emails/bad key!", "emails/e1/address", "emails/e1/contexts/work", "keywords/a", "kind",
                "localizations/fr/localizations~1de", "name/components/0/kind", "name/defaultSeparator",
                "personalInfo/i1/level", "phones/p1/features/hologram", "phones/p1/pref", "speakToAs/grammaticalGender",
                "titles/t1/kind", "titles/t1/organizationId", "uid", "updated", "vCardProps/0",
            ])
    }
}

import Foundation
import JSON
import Testing

@testable import JSContact

/// The RFC 9555 figures, checked as the RFC prints them (the corpus cases cover the same figures
/// in its draft layout; here the spec's own form is the expectation). Generated map keys may
/// differ from the figure's ("EMAIL-1"): Id-keyed maps match entry by entry.
@Suite struct RFC9555ExampleTests {
    struct Example: CustomStringConvertible, Sendable {
        var figure: String
        var vCard: String
        var json: String
        var description: String { figure }
    }

    static let figures: [Example] = [
        Example(
            figure: "Figure 1 (group in vCardParams)", vCard: "item1.TEL;VALUE=uri:tel:+1-555-555-5555",
            json: #""phones": {"p1": {"number": "tel:+1-555-555-5555", "vCardParams": {"group": "item1"}}}"#),
        Example(
            figure: "Figure 2", vCard: "item2.X-FOO:bar",
            json: #""vCardProps": [["x-foo", {"group": "item2"}, "unknown", "bar"]]"#),
        // Figure 3: the dominant language becomes the Card's language. (Localization paths name our
        // generated key, k1, where the figure has t1.)
        Example(
            figure: "Figure 3",
            vCard: "FN;LANGUAGE=EN:John Doe\nTITLE;ALTID=1;LANGUAGE=EN:Boss\nTITLE;ALTID=1;LANGUAGE=fr:Patron",
            json:
                #""language": "en", "name": {"full": "John Doe"}, "titles": {"t1": {"kind": "title", "name": "Boss", "vCardParams": {"altid": "1"}}}, "localizations": {"fr": {"titles/k1/name": "Patron"}}"#
        ),
        Example(
            figure: "Figure 4", vCard: "FN:John Doe\nTITLE;ALTID=1:Boss\nTITLE;ALTID=1;LANGUAGE=fr:Patron",
            json:
                #""name": {"full": "John Doe"}, "titles": {"t1": {"kind": "title", "name": "Boss", "vCardParams": {"altid": "1"}}}, "localizations": {"fr": {"titles/k1/name": "Patron"}}"#
        ),
        // Figure 5 prints "LANGUAGE=zh-Hant" without the colon of a property: read as LANGUAGE:zh-Hant.
        Example(
            figure: "Figure 5",
            vCard:
                "LANGUAGE:zh-Hant\nN;ALTID=1;LANGUAGE=zh-Hant:孫;中山;文,逸仙;;\nN;ALTID=1;PHONETIC=jyut;\n SCRIPT=Latn;LANGUAGE=yue:syun1;zung1saan1;man4,jat6sin1;;",
            json: #"""
                "language": "zh-Hant",
                "name": {"components": [{"kind": "surname", "value": "孫"}, {"kind": "given", "value": "中山"},
                  {"kind": "given2", "value": "文"}, {"kind": "given2", "value": "逸仙"}],
                  "vCardParams": {"altid": "1", "language": "zh-Hant"}},
                "localizations": {"yue": {"name/phoneticSystem": "jyut", "name/phoneticScript": "Latn",
                  "name/components/0/phonetic": "syun1", "name/components/1/phonetic": "zung1saan1",
                  "name/components/2/phonetic": "man4", "name/components/3/phonetic": "jat6sin1"}}
                """#),
        Example(
            figure: "Figure 6 (PROP-ID)",
            vCard:
                "TEL;PROP-ID=PHONE-A;VALUE=uri;PREF=1;TYPE=\"voice,home\"\n :tel:+1-555-555-5555;ext=5555\nTEL;PROP-ID=PHONE-B;VALUE=uri;TYPE=home\n :tel:+33-01-23-45-67",
            json:
                #""phones": {"PHONE-A": {"contexts": {"private": true}, "features": {"voice": true}, "number": "tel:+1-555-555-5555;ext=5555", "pref": 1}, "PHONE-B": {"contexts": {"private": true}, "number": "tel:+33-01-23-45-67"}}"#
        ),
        // Figure 9 prints the death date as {"year": 1996, "month": 4, "year": 15}: "day" is meant.
        Example(
            figure: "Figure 9",
            vCard:
                "BDAY:19531015T231000Z\nBIRTHPLACE:\n 123 Main Street\\nAny Town, CA 91921-1234\\nU.S.A.\nDEATHDATE:19960415\nDEATHPLACE:\n 5 Court Street\\nNew England, ND 58647\\nU.S.A.\nANNIVERSARY:19860201",
            json: #"""
                "anniversaries": {
                  "A1": {"kind": "birth", "date": {"@type": "Timestamp", "utc": "1953-10-15T23:10:00Z"},
                         "place": {"full": "123 Main Street\nAny Town, CA 91921-1234\nU.S.A."}},
                  "A2": {"kind": "death", "date": {"year": 1996, "month": 4, "day": 15},
                         "place": {"full": "5 Court Street\nNew England, ND 58647\nU.S.A."}},
                  "A3": {"kind": "wedding", "date": {"year": 1986, "month": 2, "day": 1}}}
                """#),
        Example(
            figure: "Figure 11", vCard: "GRAMGENDER:NEUTER\nPRONOUNS;PREF=2:they/them\nPRONOUNS;PREF=1:xe/xir",
            json:
                #""speakToAs": {"grammaticalGender": "neuter", "pronouns": {"P1": {"pronouns": "they/them", "pref": 2}, "P2": {"pronouns": "xe/xir", "pref": 1}}}"#
        ),
        Example(
            figure: "Figure 12",
            vCard: "N;SORT-AS=\"Stevenson,John Philip\":\n Stevenson;John;Philip,Paul;Dr.;Jr.,M.D.,A.C.P.;;Jr.",
            json: #"""
                "name": {"components": [{"kind": "surname", "value": "Stevenson"}, {"kind": "given", "value": "John"},
                  {"kind": "given2", "value": "Philip"}, {"kind": "given2", "value": "Paul"}, {"kind": "title", "value": "Dr."},
                  {"kind": "credential", "value": "M.D."}, {"kind": "credential", "value": "A.C.P."},
                  {"kind": "generation", "value": "Jr."}], "sortAs": {"surname": "Stevenson", "given": "John Philip"}}
                """#),
        Example(figure: "Figure 13", vCard: "NICKNAME:Johnny", json: #""nicknames": {"n": {"name": "Johnny"}}"#),
        // Figure 15 lists number and name first, but §2.6.1 says the order is that of the ADR value;
        // without JSCOMPS the components are unordered, so the order is not compared.
        Example(
            figure: "Figure 15",
            vCard: "ADR;TYPE=work;CC=US:\n ;;54321 Oak St;Reston;VA;20190;USA;;;;54321;Oak St;;;;;;",
            json: #"""
                "addresses": {"ADDR-1": {"contexts": {"work": true}, "components": [
                  {"kind": "number", "value": "54321"}, {"kind": "name", "value": "Oak St"},
                  {"kind": "locality", "value": "Reston"}, {"kind": "region", "value": "VA"},
                  {"kind": "postcode", "value": "20190"}, {"kind": "country", "value": "USA"}], "countryCode": "US"}}
                """#),
        Example(
            figure: "Figure 16", vCard: "EMAIL;TYPE=work:jqpublic@xyz.example.com\nEMAIL;PREF=1:jane_doe@example.com",
            json:
                #""emails": {"E1": {"contexts": {"work": true}, "address": "jqpublic@xyz.example.com"}, "E2": {"address": "jane_doe@example.com", "pref": 1}}"#
        ),
        Example(
            figure: "Figure 17", vCard: "IMPP;PREF=1:xmpp:alice@example.com",
            json: #""onlineServices": {"OS-1": {"uri": "xmpp:alice@example.com", "pref": 1, "vCardName": "impp"}}"#),
        Example(
            figure: "Figure 18", vCard: "LANG;TYPE=work;PREF=1:en\nLANG;TYPE=work;PREF=2:fr\nLANG;TYPE=home:fr",
            json:
                #""preferredLanguages": {"L1": {"language": "en", "contexts": {"work": true}, "pref": 1}, "L2": {"language": "fr", "contexts": {"work": true}, "pref": 2}, "L3": {"language": "fr", "contexts": {"private": true}}}"#
        ),
        Example(
            figure: "Figure 20 (and §2.7.5 user)",
            vCard:
                "SOCIALPROFILE;SERVICE-TYPE=Mastodon:https://example.com/@foo\nSOCIALPROFILE;SERVICE-TYPE=SomeSite;VALUE=text:peter94",
            json:
                #""onlineServices": {"OS-1": {"service": "Mastodon", "uri": "https://example.com/@foo"}, "OS-2": {"service": "SomeSite", "user": "peter94"}}"#
        ),
        Example(
            figure: "Figure 24",
            vCard:
                "KIND:group\nFN:The Doe family\nMEMBER:urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af\nMEMBER:urn:uuid:b8767877-b4a1-4c70-9acc-505d3819e519",
            json:
                #""kind": "group", "name": {"full": "The Doe family"}, "members": {"urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af": true, "urn:uuid:b8767877-b4a1-4c70-9acc-505d3819e519": true}"#
        ),
        Example(
            figure: "Figure 25", vCard: "ORG;SORT-AS=\"ABC\":ABC\\, Inc.;North American Division;Marketing",
            json:
                #""organizations": {"ORG-1": {"name": "ABC, Inc.", "units": [{"name": "North American Division"}, {"name": "Marketing"}], "sortAs": "ABC"}}"#
        ),
        Example(
            figure: "Figure 26",
            vCard:
                "RELATED;TYPE=friend:urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6\nRELATED;TYPE=contact:https://example.com/directory/john.vcf\nRELATED;VALUE=text:Please contact my deputy John for any inquiries.",
            json:
                #""relatedTo": {"urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6": {"relation": {"friend": true}}, "https://example.com/directory/john.vcf": {"relation": {"contact": true}}, "Please contact my deputy John for any inquiries.": {"relation": {}}}"#
        ),
        Example(
            figure: "Figure 27", vCard: "TITLE:Research Scientist\ngroup1.ROLE:Project Leader\ngroup1.ORG:ABC, Inc.",
            json:
                #""titles": {"k1": {"kind": "title", "name": "Research Scientist"}, "k2": {"kind": "role", "name": "Project Leader", "organizationId": "k1", "vCardParams": {"group": "group1"}}}, "organizations": {"k1": {"name": "ABC, Inc.", "vCardParams": {"group": "group1"}}}"#
        ),
        Example(
            figure: "Figure 28",
            vCard: "EXPERTISE;LEVEL=beginner;INDEX=2:Chinese literature\nEXPERTISE;INDEX=1;LEVEL=expert:chemistry",
            json:
                #""personalInfo": {"P1": {"kind": "expertise", "value": "Chinese literature", "level": "low", "listAs": 2}, "P2": {"kind": "expertise", "value": "chemistry", "level": "high", "listAs": 1}}"#
        ),
        Example(
            figure: "Figure 31",
            vCard:
                "ORG-DIRECTORY;INDEX=1:https://directory.mycompany.example.com\nORG-DIRECTORY;PREF=1:ldap://ldap.tech.example/o=Tech,ou=Engineering",
            json:
                #""directories": {"D1": {"kind": "directory", "uri": "https://directory.mycompany.example.com", "listAs": 1}, "D2": {"kind": "directory", "uri": "ldap://ldap.tech.example/o=Tech,ou=Engineering", "pref": 1}}"#
        ),
        Example(
            figure: "Figure 32", vCard: "CATEGORIES:internet,IETF,Industry,Information Technology",
            json: #""keywords": {"internet": true, "IETF": true, "Industry": true, "Information Technology": true}"#),
        Example(figure: "Figure 33", vCard: "CREATED:19940930T143510Z", json: #""created": "1994-09-30T14:35:10Z""#),
        Example(
            // The figure's continuation line is indented twice; read with one folding space.
            figure: "Figure 34",
            vCard:
                "NOTE;CREATED=20221123T150132Z;AUTHOR-NAME=\"John\":\n Office hours are from 0800 to 1715 EST\\, Mon-Fri.",
            json:
                #""notes": {"NOTE-1": {"note": "Office hours are from 0800 to 1715 EST, Mon-Fri.", "created": "2022-11-23T15:01:32Z", "author": {"name": "John"}}}"#
        ),
        Example(
            figure: "Figure 35", vCard: "PRODID:ACME Contacts App version 1.23.5",
            json: #""prodId": "ACME Contacts App version 1.23.5""#),
        Example(figure: "Figure 36", vCard: "REV:19951031T222710Z", json: #""updated": "1995-10-31T22:27:10Z""#),
        Example(
            figure: "Figure 37", vCard: "SOUND:CID:JOHNQPUBLIC.19960229T080000.xyzMail@example.com",
            json:
                #""media": {"SOUND-1": {"kind": "sound", "uri": "CID:JOHNQPUBLIC.19960229T080000.xyzMail@example.com"}}"#
        ),
        Example(
            figure: "Figure 38", vCard: "UID:urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
            json: #""uid": "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6""#),
        Example(
            figure: "Figure 40", vCard: "item1.TEL;VALUE=uri:tel:+1-555-555-5555\nitem1.X-ABLabel:foo",
            json:
                #""phones": {"p1": {"number": "tel:+1-555-555-5555", "label": "foo", "vCardParams": {"group": "item1"}}}"#
        ),
        Example(
            figure: "Figure 41", vCard: "KEY:https://www.example.com/keys/jdoe.cer",
            json: #""cryptoKeys": {"KEY-1": {"uri": "https://www.example.com/keys/jdoe.cer"}}"#),
        Example(
            figure: "Figure 42",
            vCard: "CALADRURI;PREF=1:mailto:janedoe@example.com\nCALADRURI:https://example.com/calendar/jdoe",
            json:
                #""schedulingAddresses": {"S1": {"uri": "mailto:janedoe@example.com", "pref": 1}, "S2": {"uri": "https://example.com/calendar/jdoe"}}"#
        ),
        Example(
            figure: "Figure 43/44",
            vCard:
                "CALURI;PREF=1:https://cal.example.com/calA\nFBURL;MEDIATYPE=text/calendar:https://example.com/busy/project-a.ifb",
            json:
                #""calendars": {"C1": {"kind": "calendar", "uri": "https://cal.example.com/calA", "pref": 1}, "C2": {"kind": "freeBusy", "uri": "https://example.com/busy/project-a.ifb", "mediaType": "text/calendar"}}"#
        ),
        Example(
            figure: "Figure 45", vCard: "item1.X-FOO;X-BAR=Hello:World!",
            json: #""vCardProps": [["x-foo", {"x-bar": "Hello", "group": "item1"}, "unknown", "World!"]]"#),
        Example(
            figure: "Figure 46", vCard: "EMAIL;X-FOO=Bar:jane_doe@example.com",
            json: #""emails": {"email1": {"address": "jane_doe@example.com", "vCardParams": {"x-foo": "Bar"}}}"#),
        Example(
            figure: "Figure 47", vCard: "IMPP:xmpp:alice@example.com",
            json: #""onlineServices": {"os1": {"uri": "xmpp:alice@example.com", "vCardName": "impp"}}"#),
    ]

    @Test(arguments: figures) func vCardToJSContact(_ example: Example) throws {
        let vCard = parseOne(example.vCard.replacingOccurrences(of: "\n", with: "\r\n"))
        let card = JSContactConverter.card(from: vCard)
        let expected = try #require(parseJSON(example.json)?.objectValue, "figure JSON")
        // The VERSION of the test wrapper is kept in vCardProps; the figures have none.
        let sortedCard =
            CorpusCaseTests.sortingUnordered(.object(CorpusRoundTripTests.withoutVersion(card))).objectValue ?? [:]
        for (key, value) in expected {
            let want = CorpusCaseTests.sortingUnordered(value)
            #expect(
                CorpusCaseTests.matches(want, sortedCard[key] ?? .null, key: key),
                "\(example): \(key) = \(sortedCard[key].map(jsonText) ?? "absent")")
        }
        // And back: nothing of it is lost.
        let back = JSContactConverter.card(
            from: VCardParser.parse(VCardWriter.serialize(JSContactConverter.vCard(from: card))).cards[0])
        #expect(
            CorpusRoundTripTests.withoutVersion(back) == CorpusRoundTripTests.withoutVersion(card),
            "\(example) round trip")
    }

    /// §3.2.1 Figures 48–50 (JSPROP) and §3.3.1 Figures 51–53 (JSCOMPS): JSContact to vCard.
    @Test func jsContactToVCard() throws {
        func lines(_ card: JSONObject) -> [String] {
            var full: JSONObject = ["@type": "Card", "version": "1.0", "uid": "u"]
            full.merge(card) { _, new in new }
            return VCardWriter.serialize(JSContactConverter.vCard(from: full, version: .v4_0))
                .replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n")
        }
        #expect(lines(["someUnknownProperty": true]).contains(#"JSPROP;JSPTR=someUnknownProperty:true"#))
        #expect(lines(["example.com:foo": ["bar": 1234]]).contains(#"JSPROP;JSPTR="example.com:foo":{"bar":1234}"#))
        let nested = lines(["phones": ["phone1": ["number": "tel:+33-01-23-45-67", "example.com:foo/bar": "tux hux"]]])
        #expect(nested.contains(#"TEL;VALUE=uri;PROP-ID=phone1:tel:+33-01-23-45-67"#))
        #expect(nested.contains(#"JSPROP;JSPTR="phones/phone1/example.com:foo~1bar":"tux hux""#))

        let figure51 = lines([
            "name": [
                "components": [["kind": "given", "value": "Jane"], ["kind": "surname", "value": "Doe"]],
                "isOrdered": true,
            ]
        ])
        #expect(figure51.contains(#"N;JSCOMPS=";1;0":Doe;Jane;;;;;"#))
        #expect(figure51.contains("FN;DERIVED=TRUE:Jane Doe"))

        let figure52 = lines([
            "name": [
                "components": [
                    ["kind": "given", "value": "John"], ["kind": "given2", "value": "Philip"],
                    ["kind": "given2", "value": "Paul"], ["kind": "surname", "value": "Stevenson"],
                    ["kind": "generation", "value": "Jr."], ["kind": "credential", "value": "M.D."],
                ], "isOrdered": true,
            ]
        ])
        // The figure prints "4,1" for M.D. after putting Jr. first into the honorific suffixes; we
        // append generations after the credentials (RFC 9555 Table 1), so M.D. is "4".
        #expect(figure52.contains(#"N;JSCOMPS=";1;2;2,1;0;6;4":Stevenson;John;Philip,Paul;;M.D.,Jr.;;Jr."#))

        // Figure 53 puts "Oak St" at index 10 and "54321" at 11, but RFC 9554 §2.1 defines 10 as
        // the street number and 11 as the street name: we follow RFC 9554.
        let figure53 = lines([
            "addresses": [
                "a1": [
                    "components": [
                        ["kind": "number", "value": "54321"], ["kind": "separator", "value": " "],
                        ["kind": "name", "value": "Oak St"], ["kind": "locality", "value": "Reston"],
                    ], "defaultSeparator": ", ", "isOrdered": true,
                ]
            ]
        ])
        #expect(
            figure53.contains(
                #"ADR;JSCOMPS="s,\, ;10;s, ;11;3";PROP-ID=a1:;;54321,Oak St;Reston;;;;;;;54321;Oak St;;;;;;"#))
        // And each reads back as it was written.
        let adr = parseOne("ADR;JSCOMPS=\"s,\\, ;10;s, ;11;3\":;;54321,Oak St;Reston;;;;;;;54321;Oak St;;;;;;")
        #expect(
            JSContactConverter.card(from: adr)["addresses"]?.objectValue?.values.first
                == [
                    "components": [
                        ["kind": "number", "value": "54321"], ["kind": "separator", "value": " "],
                        ["kind": "name", "value": "Oak St"], ["kind": "locality", "value": "Reston"],
                    ], "defaultSeparator": ", ", "isOrdered": true,
                ])
    }
}

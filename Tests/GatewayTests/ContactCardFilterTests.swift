import Foundation
import JMAPCore
import Testing

#if canImport(CCF)
    @testable import CCF
#else
    @testable import Gateway
#endif

private typealias Condition = ContactCardFilterCondition

/// A card from JSON text, as the RFCs print them.
private func jsonObject(_ json: String) -> JSONObject {
    do {
        return try JSONDecoder().decode(JSONObject.self, from: Data(json.utf8))
    } catch {
        Issue.record("Bad fixture: \(error)")
        return [:]
    }
}

private func parse(_ json: String) throws(MethodError) -> Condition {
    try Condition.parse(jsonObject(json))
}

/// The error type parsing a FilterCondition throws, nil when it parses.
private func parseError(_ json: String) -> String? {
    do {
        _ = try parse(json)
        return nil
    } catch {
        return error.type
    }
}

/// Whether a card matches a FilterCondition given as JSON.
private func matches(_ condition: String, _ card: JSONObject, addressBookIds: Set<String> = ["ab1"]) throws -> Bool {
    try parse(condition).matches(card, addressBookIds: addressBookIds)
}

private func filter(_ json: String) throws(MethodError) -> Filter<Condition> {
    try Filter.parse(.object(jsonObject(json)), condition: Condition.parse)
}

/// Fixtures: the cards of the RFC 9553 and RFC 9610 examples.
private enum Fixtures {
    /// RFC 9553 §2, Figure 6, with properties from Figures 8, 15, 21, 22, 24 to 27, 31, 42 and 43.
    static let johnDoe = jsonObject(
        #"""
        {
          "@type": "Card",
          "version": "1.0",
          "uid": "22B2C7DF-9120-4969-8460-05956FE6B065",
          "kind": "individual",
          "created": "2022-09-30T14:35:10Z",
          "updated": "2021-10-31T22:27:10Z",
          "name": {
            "components": [
              { "kind": "given", "value": "John" },
              { "kind": "surname", "value": "Doe" }
            ],
            "isOrdered": true
          },
          "nicknames": { "k391": { "name": "Johnny" } },
          "organizations": {
            "o1": {
              "name": "ABC, Inc.",
              "units": [{ "name": "North American Division" }, { "name": "Marketing" }],
              "sortAs": "ABC"
            }
          },
          "titles": {
            "le9": { "kind": "title", "name": "Research Scientist" },
            "k2": { "kind": "role", "name": "Project Leader", "organizationId": "o1" }
          },
          "emails": {
            "e1": { "contexts": { "work": true }, "address": "jqpublic@xyz.example.com" },
            "e2": { "address": "jane_doe@example.com", "pref": 1, "label": "Home inbox" }
          },
          "onlineServices": {
            "x1": { "uri": "xmpp:alice@example.com" },
            "x2": { "service": "Mastodon", "user": "@alice@example2.com", "uri": "https://example2.com/@alice" }
          },
          "phones": {
            "tel0": {
              "contexts": { "private": true },
              "features": { "voice": true },
              "number": "tel:+1-555-555-5555;ext=5555",
              "pref": 1
            },
            "tel3": { "contexts": { "work": true }, "number": "tel:+1-201-555-0123", "label": "Front desk" }
          },
          "addresses": {
            "k23": {
              "contexts": { "work": true },
              "components": [
                { "kind": "number", "value": "54321" },
                { "kind": "separator", "value": " " },
                { "kind": "name", "value": "Oak St" },
                { "kind": "locality", "value": "Reston" },
                { "kind": "region", "value": "VA" },
                { "kind": "separator", "value": " " },
                { "kind": "postcode", "value": "20190" },
                { "kind": "country", "value": "USA" }
              ],
              "countryCode": "US",
              "defaultSeparator": ", ",
              "isOrdered": true
            }
          },
          "keywords": { "internet": true, "IETF": true },
          "notes": {
            "n1": {
              "note": "Open office hours are 1600 to 1715 EST, Mon-Fri",
              "created": "2022-11-23T15:01:32Z",
              "author": { "name": "John" }
            }
          },
          "media": {
            "res1": { "kind": "photo", "uri": "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAASABIAAD/4..." }
          }
        }
        """#)

    /// RFC 9553 §2.1.6, Figure 11.
    static let doeFamily = jsonObject(
        #"""
        {
          "@type": "Card",
          "version": "1.0",
          "kind": "group",
          "name": { "full": "The Doe family" },
          "uid": "urn:uuid:ab4310aa-fa43-11e9-8f0b-362b9e155667",
          "members": {
            "urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af": true,
            "urn:uuid:b8767877-b4a1-4c70-9acc-505d3819e519": true
          }
        }
        """#)

    /// RFC 9553 §2.2.1.1, Figure 16.
    static let vanGogh = jsonObject(
        #"""
        {
          "@type": "Card", "version": "1.0", "uid": "urn:uuid:vincent",
          "name": {
            "components": [{ "kind": "given", "value": "Vincent" }, { "kind": "surname", "value": "van Gogh" }],
            "isOrdered": true
          }
        }
        """#)

    /// RFC 9553 §2.2.1.1, Figure 17.
    static let rivera = jsonObject(
        #"""
        {
          "@type": "Card", "version": "1.0", "uid": "urn:uuid:diego", "created": "2022-09-30T14:35:10.5Z",
          "name": {
            "components": [
              { "kind": "given", "value": "Diego" },
              { "kind": "surname", "value": "Rivera" },
              { "kind": "surname2", "value": "Barrientos" }
            ],
            "isOrdered": true
          }
        }
        """#)

    /// RFC 9553 §2.2.1.1, Figure 19.
    static let robert = jsonObject(
        #"""
        {
          "@type": "Card", "version": "1.0", "uid": "urn:uuid:robert", "updated": "2023-01-01T00:00:00Z",
          "name": {
            "components": [
              { "kind": "given", "value": "Robert" },
              { "kind": "given2", "value": "Pau" },
              { "kind": "surname", "value": "Shou Chang" }
            ],
            "sortAs": { "surname": "Pau Shou Chang", "given": "Robert" },
            "isOrdered": true
          }
        }
        """#)

    /// RFC 9553 §2.2.1.1, Figure 20.
    static let sunYatSen = jsonObject(
        #"""
        {
          "@type": "Card", "version": "1.0", "uid": "urn:uuid:sun", "language": "zh-Hant",
          "name": {
            "components": [
              { "kind": "surname", "value": "孫" },
              { "kind": "given", "value": "中山" },
              { "kind": "given2", "value": "文" },
              { "kind": "given2", "value": "逸仙" }
            ]
          },
          "localizations": {
            "yue": {
              "name/phoneticSystem": "jyut",
              "name/phoneticScript": "Latn",
              "name/components/0/phonetic": "syun1",
              "name/components/1/phonetic": "zung1saan1",
              "name/components/2/phonetic": "man4",
              "name/components/3/phonetic": "jat6sin1"
            }
          }
        }
        """#)

    /// RFC 9553 §2.5.1.3, Figure 33.
    static let tokyo = jsonObject(
        #"""
        {
          "@type": "Card", "version": "1.0", "uid": "urn:uuid:tokyo", "kind": "org",
          "addresses": {
            "k26": {
              "components": [
                { "kind": "block", "value": "2-7" },
                { "kind": "separator", "value": "-" },
                { "kind": "number", "value": "2" },
                { "kind": "separator", "value": " " },
                { "kind": "district", "value": "Marunouchi" },
                { "kind": "locality", "value": "Chiyoda-ku" },
                { "kind": "region", "value": "Tokyo" },
                { "kind": "separator", "value": " " },
                { "kind": "postcode", "value": "100-8994" }
              ],
              "defaultSeparator": ", ",
              "full": "2-7-2 Marunouchi, Chiyoda-ku, Tokyo 100-8994",
              "isOrdered": true
            }
          },
          "localizations": {
            "jp": {
              "addresses/k26": {
                "components": [
                  { "kind": "region", "value": "東京都" },
                  { "kind": "locality", "value": "千代田区" },
                  { "kind": "district", "value": "丸ノ内" },
                  { "kind": "block", "value": "2-7" },
                  { "kind": "separator", "value": "-" },
                  { "kind": "number", "value": "2" },
                  { "kind": "postcode", "value": "〒100-8994" }
                ],
                "defaultSeparator": "",
                "full": "〒100-8994東京都千代田区丸ノ内2-7-2",
                "isOrdered": true
              }
            }
          }
        }
        """#)

    /// RFC 9553 §2.7.1, Figure 39.
    static let ivan = jsonObject(
        #"""
        {
          "@type": "Card", "version": "1.0", "uid": "urn:uuid:ivan",
          "name": {
            "components": [
              { "kind": "title", "value": "Mr." },
              { "kind": "given", "value": "Ivan" },
              { "kind": "given2", "value": "Petrovich" },
              { "kind": "surname", "value": "Vasiliev" }
            ]
          },
          "localizations": {
            "uk-Cyrl": {
              "name": {
                "components": [
                  { "kind": "title", "value": "г-н" },
                  { "kind": "given", "value": "Иван" },
                  { "kind": "given2", "value": "Петрович" },
                  { "kind": "surname", "value": "Васильев" }
                ]
              }
            }
          }
        }
        """#)

    /// RFC 9553 §2.7.1, Figure 40.
    static let marquez = jsonObject(
        #"""
        {
          "@type": "Card", "version": "1.0", "uid": "urn:uuid:gabo",
          "name": { "full": "Gabriel García Márquez" },
          "titles": { "t1": { "kind": "title", "name": "novelist" } },
          "localizations": { "es": { "titles/t1/name": "escritor" } }
        }
        """#)

    /// RFC 9610 §4.1, Figure 2, without `id` and `addressBookIds`.
    static let joeBloggs = jsonObject(
        #"""
        {
          "uid": "urn:uuid:joe",
          "name": {
            "components": [{ "kind": "given", "value": "Joe" }, { "kind": "surname", "value": "Bloggs" }],
            "isOrdered": true
          },
          "emails": { "0": { "contexts": { "private": true }, "address": "joe.bloggs@example.com" } }
        }
        """#)
}

// MARK: - Parsing

@Suite("ContactCard FilterCondition parsing (RFC 9610 §3.3.1, RFC 8620 §5.5)")
struct ContactCardFilterParsingTests {
    @Test func parsesEveryProperty() throws {
        let condition = try parse(
            #"""
            {
              "inAddressBook": "ab1", "uid": "u", "hasMember": "m", "kind": "group",
              "createdBefore": "2020-01-01T00:00:00Z", "createdAfter": "2019-01-01T00:00:00Z",
              "updatedBefore": "2021-01-01T00:00:00.25Z", "updatedAfter": "2018-01-01T00:00:00Z",
              "text": "t", "name": "n", "name/given": "g", "name/surname": "s", "name/surname2": "s2",
              "nickname": "nick", "organization": "o", "email": "e", "phone": "p", "onlineService": "os",
              "address": "a", "note": "no"
            }
            """#)
        #expect(condition.inAddressBook == "ab1")
        #expect(condition.uid == "u")
        #expect(condition.hasMember == "m")
        #expect(condition.kind == "group")
        #expect(condition.createdBefore == Condition.Timestamp(seconds: 1_577_836_800))
        #expect(condition.createdAfter == Condition.Timestamp(seconds: 1_546_300_800))
        #expect(condition.updatedBefore == Condition.Timestamp(seconds: 1_609_459_200, nanoseconds: 250_000_000))
        #expect(condition.updatedAfter?.date == Date(timeIntervalSince1970: 1_514_764_800))
        #expect(condition.text?.source == "t")
        #expect(condition.name?.source == "n")
        #expect(condition.nameGiven?.source == "g")
        #expect(condition.nameSurname?.source == "s")
        #expect(condition.nameSurname2?.source == "s2")
        #expect(condition.nickname?.source == "nick")
        #expect(condition.organization?.source == "o")
        #expect(condition.email?.source == "e")
        #expect(condition.phone?.source == "p")
        #expect(condition.onlineService?.source == "os")
        #expect(condition.address?.source == "a")
        #expect(condition.note?.source == "no")
        #expect(Condition.properties.count == 20)
    }

    /// RFC 9610 §3.3.1: zero properties always evaluate to true.
    @Test func emptyConditionMatchesEverything() throws {
        #expect(try parse("{}") == Condition())
        #expect(try matches("{}", Fixtures.johnDoe))
        #expect(try matches("{}", [:], addressBookIds: []))
        #expect(try parse(#"{"name": null}"#) == Condition())
    }

    /// RFC 8620 §5.5: a filter the server cannot process is `unsupportedFilter`.
    @Test(arguments: [#"{"foo": "bar"}"#, #"{"name/full": "x"}"#, #"{"Name": "x"}"#, #"{"uid": "u", "x": 1}"#])
    func unknownPropertyIsUnsupportedFilter(json: String) {
        #expect(parseError(json) == "unsupportedFilter")
    }

    @Test(arguments: [
        #"{"text": 1}"#, #"{"name": true}"#, #"{"uid": ["u"]}"#, #"{"kind": {}}"#, #"{"inAddressBook": 5}"#,
        #"{"name/given": 1.5}"#, #"{"createdBefore": 20200101}"#, #"{"phone": false}"#,
    ])
    func wrongTypeIsInvalidArguments(json: String) {
        #expect(parseError(json) == "invalidArguments")
    }

    /// UTCDate (RFC 8620 §1.4): RFC 3339 date-time, uppercase, offset `Z`.
    @Test(arguments: [
        "2014-10-30T14:12:00+08:00", "2014-10-30t06:12:00z", "2014-10-30 06:12:00Z", "2014-10-30", "2014-10-30T06:12Z",
        "2014-13-01T00:00:00Z", "2014-02-29T00:00:00Z", "2014-04-31T00:00:00Z", "2014-10-30T24:00:00Z",
        "2014-10-30T06:60:00Z", "2014-10-30T06:12:00.Z", "2014-10-30T06:12:00Zjunk", "yesterday", "",
    ])
    func invalidDateIsInvalidArguments(date: String) {
        for property in ["createdBefore", "createdAfter", "updatedBefore", "updatedAfter"] {
            #expect(parseError(#"{"\#(property)": "\#(date)"}"#) == "invalidArguments")
        }
    }

    @Test func validDates() {
        #expect(Condition.Timestamp(utcDate: "1970-01-01T00:00:00Z") == Condition.Timestamp(seconds: 0))
        #expect(Condition.Timestamp(utcDate: "2016-02-29T23:59:59Z") == Condition.Timestamp(seconds: 1_456_790_399))
        #expect(
            Condition.Timestamp(utcDate: "1969-12-31T23:59:59.999Z")
                == Condition.Timestamp(seconds: -1, nanoseconds: 999_000_000))
        #expect(
            Condition.Timestamp(utcDate: "2010-10-10T10:10:10.003Z")
                == Condition.Timestamp(seconds: 1_286_705_410, nanoseconds: 3_000_000))
        #expect(Condition.Timestamp(utcDate: "2000-02-29T00:00:00Z") != nil)
        #expect(Condition.Timestamp(utcDate: "1900-02-29T00:00:00Z") == nil)
        // Card dates are read leniently: a vCard import may carry an offset or lowercase letters.
        #expect(
            Condition.Timestamp(lenient: "2014-10-30T14:12:00+08:00")
                == Condition.Timestamp(utcDate: "2014-10-30T06:12:00Z"))
        #expect(
            Condition.Timestamp(lenient: "2014-10-30t06:12:00z") == Condition.Timestamp(utcDate: "2014-10-30T06:12:00Z")
        )
        #expect(
            Condition.Timestamp(lenient: "2014-10-30T06:12:00-01:30")
                == Condition.Timestamp(utcDate: "2014-10-30T07:42:00Z"))
        #expect(Condition.Timestamp(lenient: "20141030T061200Z") == nil)
    }

    @Test func inAddressBookMustBeAnId() {
        #expect(parseError(#"{"inAddressBook": "not an id"}"#) == "invalidArguments")
        #expect(parseError(#"{"inAddressBook": ""}"#) == "invalidArguments")
        #expect(parseError(#"{"inAddressBook": "Ab-9_z"}"#) == nil)
    }

    /// JMAPCore's Filter.parse does the FilterOperator nesting; conditions come from ContactCardFilterCondition.
    @Test func nestedFiltersParseThroughJMAPCore() throws {
        let parsed = try filter(
            #"""
            {"operator": "OR", "conditions": [
              {"name": "john"},
              {"operator": "NOT", "conditions": [{"kind": "group"}, {"uid": "x"}]}
            ]}
            """#)
        #expect(
            parsed
                == .operator(
                    .or,
                    [
                        .condition(Condition(name: "john")),
                        .operator(.not, [.condition(Condition(kind: "group")), .condition(Condition(uid: "x"))]),
                    ]))
        #expect(throws: MethodError.unsupportedFilter("ContactCard FilterCondition has no property `nope`.")) {
            try filter(#"{"operator": "AND", "conditions": [{"name": "a"}, {"nope": 1}]}"#)
        }
        #expect(throws: MethodError.self) { try filter(#"{"operator": "AND", "conditions": [{"name": 1}]}"#) }
    }

    /// The query arguments read with JMAPCore's QueryRequest, as ContactCard/query does.
    @Test func queryRequestUsesConditionParserAndSortable() throws {
        var arguments = Arguments(
            jsonObject(
                #"""
                {"accountId": "a",
                 "filter": {"operator": "AND", "conditions": [{"text": "doe"}, {"kind": "individual"}]},
                 "sort": [{"property": "name/surname"}, {"property": "created", "isAscending": false}]}
                """#))
        let request = try QueryRequest(
            &arguments, sortable: ContactCardQuery.sortable, condition: ContactCardFilterCondition.parse)
        try arguments.finish()
        #expect(request.sort.map(\.property) == ["name/surname", "created"])
        #expect(request.filter?.matches(Fixtures.johnDoe, addressBookIds: []) == true)
        #expect(request.filter?.matches(Fixtures.doeFamily, addressBookIds: []) == false)

        for property in ["name", "uid", "name/given2", "emails", "kind"] {
            var unsupported = Arguments(jsonObject(#"{"accountId": "a", "sort": [{"property": "\#(property)"}]}"#))
            #expect(throws: MethodError.unsupportedSort("Cannot sort on \(property).")) {
                try QueryRequest(&unsupported, sortable: ContactCardQuery.sortable, condition: Condition.parse)
            }
        }
        var unknown = Arguments(jsonObject(#"{"accountId": "a", "filter": {"hasKeyword": "x"}}"#))
        #expect(throws: MethodError.self) {
            try QueryRequest(&unknown, sortable: ContactCardQuery.sortable, condition: Condition.parse)
        }
    }
}

// MARK: - Conditions

@Suite("ContactCard FilterCondition matching (RFC 9610 §3.3.1)")
struct ContactCardFilterMatchingTests {
    @Test func inAddressBook() throws {
        #expect(try matches(#"{"inAddressBook": "ab1"}"#, Fixtures.johnDoe, addressBookIds: ["ab0", "ab1"]))
        #expect(try !matches(#"{"inAddressBook": "ab2"}"#, Fixtures.johnDoe, addressBookIds: ["ab0", "ab1"]))
        #expect(try !matches(#"{"inAddressBook": "ab1"}"#, Fixtures.johnDoe, addressBookIds: []))
    }

    /// The uid must be exactly the string: no folding, no substring.
    @Test func uid() throws {
        #expect(try matches(#"{"uid": "22B2C7DF-9120-4969-8460-05956FE6B065"}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"uid": "22b2c7df-9120-4969-8460-05956fe6b065"}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"uid": "22B2C7DF"}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"uid": "x"}"#, [:]))
    }

    @Test func hasMember() throws {
        let member = "urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af"
        #expect(try matches(#"{"hasMember": "\#(member)"}"#, Fixtures.doeFamily))
        #expect(try !matches(#"{"hasMember": "urn:uuid:03a0e51f"}"#, Fixtures.doeFamily))
        #expect(try !matches(#"{"hasMember": "\#(member)"}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"hasMember": "u"}"#, jsonObject(#"{"members": {"u": false}}"#)))
    }

    /// RFC 9553 §2.1.4: `kind` defaults to "individual".
    @Test func kind() throws {
        #expect(try matches(#"{"kind": "group"}"#, Fixtures.doeFamily))
        #expect(try !matches(#"{"kind": "Group"}"#, Fixtures.doeFamily))
        #expect(try !matches(#"{"kind": "individual"}"#, Fixtures.doeFamily))
        #expect(try matches(#"{"kind": "individual"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"kind": "individual"}"#, Fixtures.vanGogh))
        #expect(try !matches(#"{"kind": "org"}"#, Fixtures.vanGogh))
        #expect(try matches(#"{"kind": "org"}"#, Fixtures.tokyo))
    }

    /// Before is strictly earlier; after is the same or later.
    @Test func createdBoundaries() throws {
        let card = Fixtures.johnDoe  // created 2022-09-30T14:35:10Z
        #expect(try !matches(#"{"createdBefore": "2022-09-30T14:35:10Z"}"#, card))
        #expect(try matches(#"{"createdBefore": "2022-09-30T14:35:11Z"}"#, card))
        #expect(try matches(#"{"createdBefore": "2022-09-30T14:35:10.001Z"}"#, card))
        #expect(try matches(#"{"createdAfter": "2022-09-30T14:35:10Z"}"#, card))
        #expect(try !matches(#"{"createdAfter": "2022-09-30T14:35:10.000000001Z"}"#, card))
        #expect(try matches(#"{"createdAfter": "2022-09-30T14:35:09Z"}"#, card))
        #expect(
            try matches(#"{"createdAfter": "2022-01-01T00:00:00Z", "createdBefore": "2023-01-01T00:00:00Z"}"#, card))
        #expect(
            try !matches(#"{"createdAfter": "2023-01-01T00:00:00Z", "createdBefore": "2024-01-01T00:00:00Z"}"#, card))
        // Fractional seconds are compared exactly.
        #expect(try matches(#"{"createdAfter": "2022-09-30T14:35:10.5Z"}"#, Fixtures.rivera))
        #expect(try !matches(#"{"createdBefore": "2022-09-30T14:35:10.5Z"}"#, Fixtures.rivera))
        #expect(try matches(#"{"createdBefore": "2022-09-30T14:35:10.500001Z"}"#, Fixtures.rivera))
    }

    @Test func updatedBoundaries() throws {
        let card = Fixtures.johnDoe  // updated 2021-10-31T22:27:10Z
        #expect(try !matches(#"{"updatedBefore": "2021-10-31T22:27:10Z"}"#, card))
        #expect(try matches(#"{"updatedBefore": "2021-10-31T22:27:11Z"}"#, card))
        #expect(try matches(#"{"updatedAfter": "2021-10-31T22:27:10Z"}"#, card))
        #expect(try !matches(#"{"updatedAfter": "2021-10-31T22:27:11Z"}"#, card))
        // A card from a vCard with an offset is compared at its instant.
        let offset = jsonObject(#"{"updated": "2021-11-01T00:27:10+02:00"}"#)
        #expect(try matches(#"{"updatedAfter": "2021-10-31T22:27:10Z"}"#, offset))
        #expect(try !matches(#"{"updatedBefore": "2021-10-31T22:27:10Z"}"#, offset))
    }

    /// A card without the date (or with one that does not parse) matches neither before nor after.
    @Test func missingDateMatchesNoDateCondition() throws {
        let broken = jsonObject(#"{"created": "last week", "updated": 5}"#)
        for card in [Fixtures.vanGogh, broken] {
            for property in ["createdBefore", "createdAfter", "updatedBefore", "updatedAfter"] {
                #expect(try !matches(#"{"\#(property)": "2000-01-01T00:00:00Z"}"#, card))
            }
        }
    }

    @Test func name() throws {
        #expect(try matches(#"{"name": "john"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"name": "DOE"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"name": "doe john"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"name": "\"john doe\""}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"name": "\"doe john\""}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"name": "johnny"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"name": "family"}"#, Fixtures.doeFamily))  // name.full
        #expect(try matches(#"{"name": "'the doe family'"}"#, Fixtures.doeFamily))
        #expect(try matches(#"{"name": "mr. ivan"}"#, Fixtures.ivan))  // a title component
        #expect(try matches(#"{"name": "marquez"}"#, Fixtures.marquez))
        #expect(try !matches(#"{"name": "novelist"}"#, Fixtures.marquez))
        #expect(try !matches(#"{"name": "john"}"#, Fixtures.tokyo))
    }

    @Test func nameComponents() throws {
        #expect(try matches(#"{"name/given": "diego"}"#, Fixtures.rivera))
        #expect(try !matches(#"{"name/given": "rivera"}"#, Fixtures.rivera))
        #expect(try matches(#"{"name/surname": "rivera"}"#, Fixtures.rivera))
        #expect(try !matches(#"{"name/surname": "barrientos"}"#, Fixtures.rivera))
        #expect(try matches(#"{"name/surname2": "barrientos"}"#, Fixtures.rivera))
        #expect(try !matches(#"{"name/surname2": "rivera"}"#, Fixtures.rivera))
        #expect(try !matches(#"{"name/surname2": "x"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"name/surname": "\"van gogh\""}"#, Fixtures.vanGogh))
        #expect(try !matches(#"{"name/surname": "vincent"}"#, Fixtures.vanGogh))
        #expect(try !matches(#"{"name/given": "pau"}"#, Fixtures.robert))  // given2 is not given
        #expect(try matches(#"{"name/given": "中山"}"#, Fixtures.sunYatSen))
        #expect(try matches(#"{"name/surname": "孫"}"#, Fixtures.sunYatSen))
        #expect(try !matches(#"{"name/given": "孫"}"#, Fixtures.sunYatSen))
        // All components are searched, not only the first.
        let twoGiven = jsonObject(
            #"{"name": {"components": [{"kind": "given", "value": "Anna"}, {"kind": "given", "value": "Maria"}]}}"#)
        #expect(try matches(#"{"name/given": "maria"}"#, twoGiven))
    }

    @Test func nickname() throws {
        #expect(try matches(#"{"nickname": "johnny"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"nickname": "OHN"}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"nickname": "doe"}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"nickname": "johnny"}"#, Fixtures.vanGogh))
    }

    @Test func organization() throws {
        #expect(try matches(#"{"organization": "abc"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"organization": "\"abc, inc.\""}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"organization": "marketing"}"#, Fixtures.johnDoe))  // units are not the name
        #expect(try !matches(#"{"organization": "scientist"}"#, Fixtures.johnDoe))
    }

    @Test func email() throws {
        #expect(try matches(#"{"email": "jqpublic"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"email": "jane_doe@example.com"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"email": "home"}"#, Fixtures.johnDoe))  // the label
        #expect(try matches(#"{"email": "joe.bloggs@EXAMPLE.com"}"#, Fixtures.joeBloggs))
        #expect(try !matches(#"{"email": "john"}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"email": "work"}"#, Fixtures.johnDoe))  // contexts are not searched
    }

    @Test func phone() throws {
        #expect(try matches(#"{"phone": "555-0123"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"phone": "front"}"#, Fixtures.johnDoe))  // the label
        // Digits match whatever the punctuation.
        #expect(try matches(#"{"phone": "2015550123"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"phone": "(201) 555 0123"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"phone": "\"+1 201 555-0123\""}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"phone": "2015550124"}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"phone": "voice"}"#, Fixtures.johnDoe))  // features are not searched
        #expect(try !matches(#"{"phone": "555"}"#, Fixtures.joeBloggs))
    }

    @Test func onlineService() throws {
        #expect(try matches(#"{"onlineService": "mastodon"}"#, Fixtures.johnDoe))  // service
        #expect(try matches(#"{"onlineService": "xmpp:alice"}"#, Fixtures.johnDoe))  // uri
        #expect(try matches(#"{"onlineService": "@alice@example2.com"}"#, Fixtures.johnDoe))  // user
        #expect(try !matches(#"{"onlineService": "github"}"#, Fixtures.johnDoe))
        let labelled = jsonObject(#"{"onlineServices": {"s": {"user": "x", "label": "Gaming"}}}"#)
        #expect(try matches(#"{"onlineService": "gaming"}"#, labelled))
    }

    @Test func address() throws {
        #expect(try matches(#"{"address": "reston"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"address": "oak 54321 usa"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"address": "\"oak st reston\""}"#, Fixtures.johnDoe))  // across components
        #expect(try !matches(#"{"address": "\"reston oak\""}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"address": "US"}"#, Fixtures.vanGogh))
        #expect(try matches(#"{"address": "\"Chiyoda-ku, Tokyo\""}"#, Fixtures.tokyo))  // full
        #expect(try !matches(#"{"address": "paris"}"#, Fixtures.tokyo))
    }

    @Test func note() throws {
        #expect(try matches(#"{"note": "office hours"}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"note": "\"office hours\""}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"note": "\"hours office\""}"#, Fixtures.johnDoe))
        #expect(
            try !matches(
                #"{"note": "john"}"#, jsonObject(#"{"notes": {"n": {"note": "x", "author": {"name": "John"}}}}"#)))
    }

    /// `text` searches every string a person would read, and not structure, ids, dates or binary data.
    @Test func text() throws {
        let john = Fixtures.johnDoe
        for query in [
            "john", "doe", "johnny", "ABC", "marketing", "scientist", "leader", "jqpublic", "home inbox",
            "555-0123", "mastodon", "reston", "oak", "open office", "ietf", "internet", "john doe reston",
            "\"john doe\"", "\"oak st\"",
        ] {
            #expect(Condition(text: .init(query)).matches(john, addressBookIds: []), "text \(query)")
        }
        for query in ["individual", "22B2C7DF", "2022-09-30", "work", "voice", "photo", "image/jpeg", "base64", "card"]
        {
            #expect(!Condition(text: .init(query)).matches(john, addressBookIds: []), "text \(query)")
        }
        #expect(try matches(#"{"text": "escritor"}"#, Fixtures.marquez))  // localizations
        #expect(try matches(#"{"text": "Васильев иван"}"#, Fixtures.ivan))
        #expect(try matches(#"{"text": "zung1saan1"}"#, Fixtures.sunYatSen))
        #expect(try !matches(#"{"text": "jyut"}"#, Fixtures.sunYatSen))
        #expect(try matches(#"{"text": "千代田区"}"#, Fixtures.tokyo))
        #expect(try matches(#"{"text": "丸ノ内"}"#, Fixtures.tokyo))
        #expect(try matches(#"{"text": "family"}"#, Fixtures.doeFamily))
        #expect(try !matches(#"{"text": "03a0e51f"}"#, Fixtures.doeFamily))  // member uids
        #expect(try !matches(#"{"text": "john"}"#, Fixtures.joeBloggs))
    }

    /// Several properties in one condition must all match.
    @Test func propertiesAreAnded() throws {
        #expect(try matches(#"{"name": "john", "email": "example.com", "kind": "individual"}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"name": "john", "email": "example.org"}"#, Fixtures.johnDoe))
        #expect(try !matches(#"{"name": "john", "inAddressBook": "ab2"}"#, Fixtures.johnDoe))
    }
}

// MARK: - Text semantics

@Suite("ContactCard text search semantics (RFC 9610 §3.3.1)")
struct ContactCardTextSearchTests {
    private static let note = jsonObject(
        #"""
        {"notes": {"n": {"note": "She said \"hello world\" to O'Brien\\Smith at Café Zoë, STRASSE 5, ΟΔΟΣ"}}}
        """#)

    private func noteMatches(_ query: String) -> Bool {
        Condition(note: TextQuery(query)).matches(Self.note, addressBookIds: [])
    }

    @Test func caseInsensitive() {
        #expect(noteMatches("SHE SAID"))
        #expect(noteMatches("she"))
        #expect(noteMatches("strasse"))
        #expect(noteMatches("straße"))  // ß folds to ss
        #expect(noteMatches("οδος"))  // final sigma
        #expect(noteMatches("ΟΔΟΣ"))
    }

    @Test func diacriticInsensitive() {
        #expect(noteMatches("cafe"))
        #expect(noteMatches("CAFÉ zoe"))
        #expect(noteMatches("zoë"))
        #expect(Condition(name: "Marquez Garcia").matches(Fixtures.marquez, addressBookIds: []))
        #expect(Condition(name: "\"garcía márquez\"").matches(Fixtures.marquez, addressBookIds: []))
    }

    /// Every token must be present, in any order, each a substring of some value.
    @Test func tokensMustAllBePresent() {
        #expect(noteMatches("world hello"))
        #expect(noteMatches("  hello\t\nworld  "))
        #expect(noteMatches("ell orl"))  // substrings
        #expect(!noteMatches("hello mars"))
    }

    /// A phrase is an exact sequence of whole words.
    @Test func phrases() {
        #expect(noteMatches("\"hello world\""))
        #expect(noteMatches("'hello world'"))
        #expect(noteMatches("\"hello   world\""))  // whitespace is not significant
        #expect(noteMatches("\"HELLO WORLD\" said"))
        #expect(!noteMatches("\"world hello\""))
        #expect(!noteMatches("\"ello world\""))  // starts inside a word
        #expect(!noteMatches("\"hello wor\""))  // ends inside a word
        #expect(noteMatches("\"cafe zoe\""))
        #expect(noteMatches("\"strasse 5\""))
        #expect(noteMatches("'said \"hello'"))  // punctuation next to a word is a boundary
        #expect(!noteMatches("\"said hello\""))  // but the quote character is still there
        #expect(Condition(text: "\"1 201\"").matches(Fixtures.johnDoe, addressBookIds: []))
    }

    @Test func escapes() {
        #expect(noteMatches(#""said \"hello world\" to""#))
        #expect(noteMatches(#"'to o\'brien'"#))
        #expect(noteMatches(#"o\'brien\\smith"#))
        #expect(noteMatches(#"'o\'brien\\smith at'"#))
        #expect(noteMatches(#"\"hello"#))  // an escaped quote opens no phrase
        #expect(noteMatches(#"'o\'brien\smith'"#))  // a backslash before another character is itself
        #expect(!noteMatches(#"'o\'brien\\\\smith'"#))  // two backslashes
        #expect(noteMatches(#"o'brien"#))  // an apostrophe inside a word
    }

    @Test func queryParsing() {
        func terms(_ query: String) -> [String] {
            TextQuery(query).terms.map {
                ($0.isPhrase ? "P:" : "T:") + String(decoding: $0.text, as: UTF8.self)
            }
        }
        #expect(terms("John  Doe") == ["T:john", "T:doe"])
        #expect(terms(#""John Doe" x"#) == ["P:john doe", "T:x"])
        #expect(terms(#"'John  Doe'"#) == ["P:john doe"])
        #expect(terms(#""a \" b""#) == [#"P:a " b"#])
        #expect(terms(#"'a \' b \\ c'"#) == [#"P:a ' b \ c"#])
        #expect(terms(#""unclosed phrase"#) == [#"T:"unclosed"#, "T:phrase"])
        #expect(terms(#"a"b c"d"#) == [#"T:a"b"#, #"T:c"d"#])  // quotes opening no term are characters
        #expect(terms(#""x"y"#) == ["P:x", "T:y"])
        #expect(terms(#"'o'brien"#) == ["P:o", "T:brien"])
        #expect(terms(#""" ''  "#) == [])
        #expect(terms("") == [])
        #expect(terms(#"\\"#) == [#"T:\"#])
        #expect(terms(#"a\b"#) == [#"T:a\b"#])
        #expect(
            TextQuery("(201) 555-0123").terms.map(\.phoneDigits) == [
                Array("201".utf8), Array("5550123".utf8),
            ])
        #expect(TextQuery("room 5").terms.map(\.phoneDigits) == [nil, Array("5".utf8)])
    }

    /// A search string without terms matches, even a card without the field.
    @Test func emptySearchMatchesEverything() throws {
        #expect(try matches(#"{"name": ""}"#, [:]))
        #expect(try matches(#"{"text": "   "}"#, Fixtures.johnDoe))
        #expect(try matches(#"{"note": "\"\""}"#, Fixtures.vanGogh))
    }

    @Test func folding() {
        func fold(_ string: String) -> String { String(decoding: TextFolding.fold(string), as: UTF8.self) }
        #expect(fold("  Hello\t WORLD \n") == "hello world")
        #expect(fold("Ångström Straße") == "angstrom strasse")
        #expect(fold("ＦＵＬＬ ｗｉｄｔｈ １２３") == "full width 123")
        #expect(fold("ﬁne") == "fine")
        #expect(fold("İstanbul") == "istanbul")
        #expect(fold("Οδυσσεύς") == "οδυσσευσ")
        // NFC and NFD kana fold alike, and the voicing mark is kept.
        let folded = TextFolding.fold("\u{30AC}")
        #expect(folded == TextFolding.fold("\u{30AB}\u{3099}"))
        #expect(folded != TextFolding.fold("\u{30AB}"))
    }
}

@Suite("ContactCard search and sort fast paths agree with the general ones")
struct ContactCardFastPathTests {
    private static let strings = [
        "", "a", "A", "z", "Z", "é", "E", "e\u{301}", "Émile", "emile", "Straße", "STRASSE", "strasse", "ǅemal",
        "ǆ", "Ǆ", "ﬁne", "FINE", "İstanbul", "ı", "Ωmega", "ω", "Σίσυφος", "孫中山", "中山", "ｆｕｌｌ", "FULL",
        "Ångström",
        "angstrom", "Øre", "Ø", "o", "10", "9", "a b", "a\u{A0}b", "😀", "ÿ", "Ÿ", "ŉ", "ǰ", "µ", "Μ", "ẞ",
    ]

    /// The table for the Latin blocks folds every scalar, alone and between others, as the general path does.
    @Test func latinTableMatchesGeneralFolding() {
        typealias Folding = TextFolding
        for value in UInt32(0x80)..<0x250 {
            let scalar = String(Unicode.Scalar(value)!)
            #expect(Folding.fold(scalar) == Folding.foldUnicode(scalar), "U+\(String(value, radix: 16))")
            let embedded = "X" + scalar + " y" + scalar + scalar
            #expect(Folding.fold(embedded) == Folding.foldUnicode(embedded), "U+\(String(value, radix: 16))")
        }
        for string in Self.strings {
            #expect(Folding.fold(string) == Folding.foldUnicode(string), "\(string)")
        }
    }

    /// Octet order of the precomputed casemap keys is JMAPCore's i;unicode-casemap order.
    @Test func casemapKeysOrderAsTheCollation() {
        for lhs in Self.strings {
            for rhs in Self.strings {
                let keys = Collation.octet.compare(
                    Collation.unicodeCasemapKey(lhs), Collation.unicodeCasemapKey(rhs))
                #expect(keys == Collation.unicodeCasemap.compare(lhs, rhs), "\(lhs) vs \(rhs)")
            }
        }
    }

    /// ContactCardQuery.sorted gives the order of JMAPCore's `sorted(by:id:value:)` with `sortValue`.
    @Test(
        arguments: [
            [("name/given", true, nil)], [("name/given", false, nil)], [("name/surname", true, "i;octet")],
            [("name/surname", true, "i;ascii-casemap"), ("name/given", false, "i;unicode-casemap")],
            [("name/surname2", true, "i;ascii-numeric")], [("created", false, nil), ("name/given", true, nil)],
            [("updated", true, "i;octet"), ("name/surname", false, nil)], [],
        ] as [[(String, Bool, String?)]])
    func sortedMatchesJMAPCore(sort: [(String, Bool, String?)]) {
        let comparators = sort.map { property, isAscending, collation in
            JMAPCore.Comparator(
                property: property, isAscending: isAscending, collation: collation.flatMap(Collation.init))
        }
        let names = Self.strings + ["Müller", "MULLER", "muller", "van Gogh", "Van gogh", "42 Street", "7 Street"]
        let records = names.indices.map { index -> (id: String, card: JSONObject) in
            var components: [JSONValue] = []
            if index % 5 != 0 { components.append(["kind": "given", "value": .string(names[index])]) }
            if index % 3 != 0 {
                components.append(["kind": "surname", "value": .string(names[(index * 7) % names.count])])
            }
            if index % 2 == 0 {
                components.append(["kind": "surname2", "value": .string(names[(index * 11) % names.count])])
            }
            var card: JSONObject = ["name": ["components": .array(components)]]
            if index % 4 != 0 { card["created"] = .string("2020-01-0\(index % 9 + 1)T00:00:00Z") }
            if index % 6 != 0 { card["updated"] = .string("2021-0\(index % 9 + 1)-01T00:00:00.\(index % 3)Z") }
            return (id: "id\(index * 37 % 101)", card: card)
        }
        let expected = records.sorted(by: comparators, id: { $0.id }) { record, comparator in
            ContactCardQuery.sortValue(of: record.card, property: comparator.property)
        }
        let actual = ContactCardQuery.sorted(records, by: comparators, id: { $0.id }, card: { $0.card })
        #expect(actual.map(\.id) == expected.map(\.id))
    }
}

// MARK: - Filter nesting

@Suite("ContactCard filters with FilterOperators (RFC 8620 §5.5)")
struct ContactCardFilterOperatorTests {
    private let cards: [String: JSONObject] = [
        "john": Fixtures.johnDoe, "family": Fixtures.doeFamily, "vincent": Fixtures.vanGogh,
        "diego": Fixtures.rivera, "joe": Fixtures.joeBloggs,
    ]

    private func results(_ json: String) throws -> Set<String> {
        let parsed = try filter(json)
        return Set(cards.filter { parsed.matches($0.value, addressBookIds: ["ab1"]) }.keys)
    }

    @Test func and() throws {
        #expect(try results(#"{"operator": "AND", "conditions": [{"name": "doe"}, {"kind": "group"}]}"#) == ["family"])
        #expect(try results(#"{"operator": "AND", "conditions": []}"#) == Set(cards.keys))
    }

    @Test func or() throws {
        #expect(
            try results(#"{"operator": "OR", "conditions": [{"name/given": "vincent"}, {"name/surname": "rivera"}]}"#)
                == ["vincent", "diego"])
        #expect(try results(#"{"operator": "OR", "conditions": []}"#) == [])
    }

    @Test func not() throws {
        #expect(try results(#"{"operator": "NOT", "conditions": [{"name": "doe"}]}"#) == ["vincent", "diego", "joe"])
        #expect(
            try results(#"{"operator": "NOT", "conditions": [{"name": "doe"}, {"email": "example.com"}]}"#) == [
                "vincent", "diego",
            ])
    }

    @Test func deepNesting() throws {
        let json = #"""
            {"operator": "AND", "conditions": [
              {"inAddressBook": "ab1"},
              {"operator": "OR", "conditions": [
                {"text": "example.com"},
                {"operator": "NOT", "conditions": [{"kind": "individual"}]}
              ]},
              {"operator": "NOT", "conditions": [
                {"operator": "AND", "conditions": [{"name": "john"}, {"nickname": "johnny"}]}
              ]}
            ]}
            """#
        #expect(try results(json) == ["family", "joe"])
    }

    /// The Filter extension and JMAPCore's generic `matches` agree.
    @Test func filterExtensionAgreesWithPerCondition() throws {
        let parsed = try filter(
            #"""
            {"operator": "OR", "conditions": [{"text": "doe"}, {"operator": "NOT", "conditions": [{"name/given": "o"}]}]}
            """#
        )
        for (_, card) in cards {
            let generic = parsed.matches { $0.matches(card, addressBookIds: ["ab1"]) }
            #expect(parsed.matches(card, addressBookIds: ["ab1"]) == generic)
        }
    }
}

// MARK: - Sorting

@Suite("ContactCard sorting (RFC 9610 §3.3.2)")
struct ContactCardSortTests {
    private struct Record {
        var id: String
        var card: JSONObject

        init(id: String, card: JSONObject) {
            self.id = id
            self.card = card
        }

        /// A card with these name components, in order, and dates.
        init(id: String, created: String? = nil, updated: String? = nil, _ components: KeyValuePairs<String, String>) {
            self.id = id
            card = [
                "name": components.isEmpty
                    ? ["full": "Nobody Components"]
                    : ["components": .array(components.map { ["kind": .string($0.key), "value": .string($0.value)] })]
            ]
            if let created { card["created"] = .string(created) }
            if let updated { card["updated"] = .string(updated) }
        }
    }

    /// Given, surname, surname2, created and updated vary; some are missing.
    private static let records: [Record] = [
        Record(
            id: "c", created: "2022-01-01T00:00:00Z", updated: "2022-06-01T00:00:00Z",
            ["given": "bob", "surname": "Zed"]),
        Record(
            id: "a", created: "2021-01-01T00:00:00.5Z", ["surname": "Álvarez", "given": "Carla", "surname2": "Ruiz"]),
        Record(id: "d", created: "2021-01-01T00:00:00Z", updated: "2023-01-01T00:00:00Z", [:]),
        Record(
            id: "b", created: "2021-01-01T00:00:00.25Z", updated: "2020-01-01T00:00:00Z",
            ["title": "Dr.", "given": "Alice", "given": "Zoe", "surname": "baker", "surname2": "Abad"]),
        Record(id: "e", ["given": "alicia", "surname": "Baker"]),
    ]

    private func order(_ sort: String) throws -> [String] {
        let comparators = try jsonObject(#"{"s": \#(sort)}"#)["s"]!.arrayValue!.map { json throws(MethodError) in
            try JMAPCore.Comparator.parse(json, sortable: ContactCardQuery.sortable)
        }
        return ContactCardQuery.sorted(Self.records, by: comparators, id: \.id, card: \.card).map(\.id)
    }

    @Test func sortableProperties() {
        #expect(ContactCardQuery.sortable == ["created", "updated", "name/given", "name/surname", "name/surname2"])
    }

    /// Dates sort by instant (fractional seconds included); a card without one is null, first when ascending
    /// as JMAPCore's Comparator orders null.
    @Test func created() throws {
        #expect(try order(#"[{"property": "created"}]"#) == ["e", "d", "b", "a", "c"])
        #expect(try order(#"[{"property": "created", "isAscending": false}]"#) == ["c", "a", "b", "d", "e"])
    }

    @Test func updated() throws {
        #expect(try order(#"[{"property": "updated"}]"#) == ["a", "e", "b", "c", "d"])
        #expect(try order(#"[{"property": "updated", "isAscending": false}]"#) == ["d", "c", "b", "a", "e"])
    }

    /// The first given component, by the Comparator's collation (case-insensitive by default).
    @Test func given() throws {
        #expect(try order(#"[{"property": "name/given"}]"#) == ["d", "b", "e", "c", "a"])
        #expect(try order(#"[{"property": "name/given", "isAscending": false}]"#) == ["a", "c", "e", "b", "d"])
        // i;octet puts uppercase first.
        #expect(try order(#"[{"property": "name/given", "collation": "i;octet"}]"#) == ["d", "b", "a", "e", "c"])
    }

    @Test func surname() throws {
        #expect(try order(#"[{"property": "name/surname"}]"#) == ["d", "a", "b", "e", "c"])
        #expect(
            try order(#"[{"property": "name/surname", "isAscending": false}, {"property": "created"}]"#) == [
                "c", "e", "b", "a", "d",
            ])
    }

    @Test func surname2() throws {
        #expect(try order(#"[{"property": "name/surname2"}]"#) == ["c", "d", "e", "b", "a"])
        #expect(try order(#"[{"property": "name/surname2", "isAscending": false}]"#) == ["a", "b", "c", "d", "e"])
    }

    @Test func multipleComparatorsAndTies() throws {
        #expect(
            try order(#"[{"property": "name/surname"}, {"property": "name/given", "isAscending": false}]"#) == [
                "d", "a", "e", "b", "c",
            ])
        #expect(try order("[]") == ["a", "b", "c", "d", "e"])
    }

    @Test func sortValues() {
        let card = Self.records[3].card
        #expect(ContactCardQuery.sortValue(of: card, property: "name/given") == "Alice")
        #expect(ContactCardQuery.sortValue(of: card, property: "name/surname") == "baker")
        #expect(ContactCardQuery.sortValue(of: card, property: "name/surname2") == "Abad")
        #expect(ContactCardQuery.sortValue(of: card, property: "created") == .double(1_609_459_200.25))
        #expect(ContactCardQuery.sortValue(of: card, property: "updated") == .double(1_577_836_800))
        #expect(ContactCardQuery.sortValue(of: Fixtures.vanGogh, property: "created") == nil)
        #expect(ContactCardQuery.sortValue(of: Fixtures.vanGogh, property: "name/surname2") == nil)
        #expect(ContactCardQuery.sortValue(of: Fixtures.vanGogh, property: "uid") == nil)
        // RFC 9610 names the first component; name.sortAs is not used.
        #expect(ContactCardQuery.sortValue(of: Fixtures.robert, property: "name/surname") == "Shou Chang")
    }

    /// Filter and sort together, as ContactCard/query runs them.
    @Test func ids() throws {
        let parsed = try filter(#"{"operator": "NOT", "conditions": [{"name": "carla"}]}"#)
        let sort = [JMAPCore.Comparator(property: "name/given")]
        let ids = ContactCardQuery.ids(
            Self.records, filter: parsed, sort: sort, id: \.id, card: \.card, addressBookIds: { _ in ["ab1"] })
        #expect(ids == ["d", "b", "e", "c"])
        let all = ContactCardQuery.ids(
            Self.records, filter: nil, sort: [], id: \.id, card: \.card, addressBookIds: { _ in [] })
        #expect(all == ["a", "b", "c", "d", "e"])
    }

    /// ContactCard objects with their own `id` and `addressBookIds` (RFC 9610 §3), as the gateway keeps them.
    @Test func idsOfContactCards() throws {
        let contactCards = Self.records.enumerated().map { index, record in
            var card = record.card
            card["id"] = .string(record.id)
            card["addressBookIds"] = index % 2 == 0 ? ["ab1": true] : ["ab2": true, "ab3": true]
            return card
        }
        let sort = [JMAPCore.Comparator(property: "created", isAscending: false)]
        #expect(ContactCardQuery.ids(contactCards, filter: nil, sort: sort) == ["c", "a", "b", "d", "e"])
        let inAb1 = try filter(#"{"inAddressBook": "ab1"}"#)
        #expect(ContactCardQuery.ids(contactCards, filter: inAb1, sort: sort) == ["c", "d", "e"])
        let inAb3 = try filter(#"{"inAddressBook": "ab3", "text": "a"}"#)
        #expect(ContactCardQuery.ids(contactCards, filter: inAb3, sort: []) == ["a", "b"])
        // `id` and `addressBookIds` are not searched as text.
        #expect(try !matches(#"{"text": "ab1"}"#, contactCards[0]))
    }

    /// Many generated cards: the results are what each condition says, in a stable order.
    @Test func manyCards() throws {
        let given = ["Anna", "Bruno", "Chloé", "Dmitri", "Eve"]
        let records = (0..<500).map { index in
            Record(
                id: String(format: "id%04d", index),
                card: [
                    "uid": .string("u\(index)"),
                    "created": .string(String(format: "2020-01-%02dT00:00:00Z", index % 28 + 1)),
                    "name": [
                        "components": [
                            ["kind": "given", "value": .string(given[index % given.count])],
                            ["kind": "surname", "value": .string("Surname\(index % 7)")],
                        ]
                    ],
                    "emails": ["e": ["address": .string("user\(index)@example.com")]],
                ])
        }
        let parsed = try filter(
            #"{"operator": "AND", "conditions": [{"name": "chloe"}, {"createdAfter": "2020-01-10T00:00:00Z"}]}"#)
        let sort = [JMAPCore.Comparator(property: "name/surname"), JMAPCore.Comparator(property: "created")]
        let ids = ContactCardQuery.ids(records, filter: parsed, sort: sort, id: \.id, card: \.card) { _ in [] }
        let expected = records.filter { record in
            record.card["name"]?.objectValue?["components"]?.arrayValue?.first?.objectValue?["value"] == "Chloé"
                && (record.card["created"]?.stringValue ?? "") >= "2020-01-10T00:00:00Z"
        }
        #expect(Set(ids) == Set(expected.map(\.id)))
        #expect(
            ids
                == ContactCardQuery.ids(records.reversed(), filter: parsed, sort: sort, id: \.id, card: \.card) { _ in
                    []
                })
        let surnames = ids.compactMap { id in
            records.first { $0.id == id }.flatMap {
                ContactCardQuery.sortValue(of: $0.card, property: "name/surname")?.stringValue
            }
        }
        #expect(surnames == surnames.sorted())
    }
}

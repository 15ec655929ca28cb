import Foundation
import JSON
import Testing

@testable import JSContact

/// The annotated conversion cases of the corpus (calcard resources/jscontact/*.txt): "> test NAME",
/// the input (vCard lines or a JSContact fragment), "> convert" and the expected other side, and
/// sometimes a second "> convert" going back.
///
/// How they are checked:
/// - vCard input: the Card must contain every key of the expected fragment with a semantically
///   equal value (JSONValue equality; map keys the converter generates may differ from the
///   corpus's, so Id-keyed maps also match entry by entry regardless of key).
/// - JSContact input: every expected vCard property (name and decoded value) must be in the
///   vCard we write, and reading our vCard back must give the input fragment again.
/// - A trailing vCard expectation is checked like the second case on our own Card.
///
/// The corpus uses a later draft's `"vCard": {"convertedProperties": …, "properties": […]}`;
/// RFC 9555 (§2.15) has `vCardProps` (same jCard arrays) and per-object `vCardParams` and
/// `vCardName`. The harness translates the draft layout into the RFC layout before comparing.
/// Where the RFC and the corpus disagree beyond that, `deviations` names the case, the reason
/// and the keys that are then not compared; everything else in the case is still checked.
@Suite struct CorpusCaseTests {
    struct Case: CustomStringConvertible {
        var file: String
        var name: String
        var sections: [String]
        var description: String { "\(file): \(name)" }
    }

    /// Cases where we follow the spec (or a documented choice the spec allows) over the corpus.
    /// `ignore`: JSON pointers removed from every expected fragment of the case before comparing
    /// (everything else is still compared), and `vcard:NAME` / `vcard:*` for expected vCard
    /// properties not to look for. `expect`: pointers whose expected value we replace by ours.
    struct Deviation {
        var reason: String
        var ignore: [String] = []
        var expect: [String: JSONValue] = [:]
    }

    static let derivedFN =
        "RFC 9555 §2.3.7: a FN with DERIVED=TRUE need not convert; we do not convert it (it is derived again on the way back), so name.full and its vCardParams are absent"
    static let fnHeuristic =
        "RFC 9555 §3.1: the derived FN of unordered components may use any heuristic; we use title, given names, surnames, generation, credentials (the corpus joins them in N order)"
    static let inferredLanguage =
        "RFC 9555 §2.3.11, Figure 3: the dominant language becomes the Card's language and is then not repeated in vCardParams (the corpus keeps both)"
    static let keptLanguage =
        "we infer the Card's language from the localizable properties' single LANGUAGE (RFC 9555 Figure 3); the corpus keeps it in vCardParams instead"
    static let phonetic =
        "RFC 9555 §2.3.15, Figure 5: a PHONETIC alternative localizes name/components/<i>/phonetic, name/phoneticSystem and name/phoneticScript; the corpus replaces the components"
    static let wholeObjectPatch =
        "a localization that replaces a whole object (\"name\", \"addresses/k1\") is written as JSPROP (lossless, RFC 9555 §3.2.1) rather than as an ALTID alternative"
    static let classicADR =
        "we write the 7 classic ADR components when no RFC 9554 component is needed (RFC 9555 §2.6.1 leaves it open); the corpus always writes 18 with JSCOMPS"
    static let onlyDiffering =
        "we localize only values that differ from the primary (RFC 9553 §2.7.1: localizations provide alternatives for existing values); the corpus also patches equal pref values"
    static let separateGeo =
        "RFC 9555 §2.8.3: GEO/TZ without a shared group may stay separate addresses (implementation-specific); GEO in 4.0 is a geo: URI (RFC 9553 §2.5.1.1), the corpus keeps 3.0-style \"lat;lon\" and the raw UTC offset"

    static let generatedAltID =
        "the ALTID we generate to link a localization to its property is read back into vCardParams (RFC 9555 §2.3.1 keeps ALTID there)"
    static let unorderedJSCOMPS =
        "we write JSCOMPS only for isOrdered names (RFC 9555 §2.5.5); the corpus also writes it for unordered ones, which then read back as ordered"

    static let deviations: [String: Deviation] = [
        "PLACES with dates and localizations": Deviation(
            reason:
                "the case uses ALT-ID, which is not the RFC 6350 ALTID parameter: no alternatives, so the second place of each kind stays in vCardProps",
            ignore: ["anniversaries", "localizations", "language", "vcard:*"]),
        "RFC9555 N": Deviation(reason: fnHeuristic, ignore: ["vcard:FN"]),
        "Multiple N": Deviation(reason: fnHeuristic, ignore: ["vcard:FN"]),
        "RFC9555 JSCOMPS #1": Deviation(reason: derivedFN, ignore: ["name/full", "name/vCardParams"]),
        "RFC9555 JSCOMPS #2": Deviation(reason: derivedFN, ignore: ["name/full", "name/vCardParams"]),
        "RFC9554 N FN": Deviation(
            reason: derivedFN + "; " + fnHeuristic, ignore: ["name/full", "name/vCardParams", "vcard:FN"]),
        "Multiple FN": Deviation(
            reason:
                "RFC 9555 §2.5.2: of several FN, the one with the fewest parameters converts; the other goes to vCardProps",
            expect: [
                "name": ["full": "Giovanni Publico"],
                "vCardProps": [["fn", ["x-prop": "1"], "unknown", "John Q. Public, Esq."]],
            ]),
        "RFC9555 GEO TZ": Deviation(
            reason: separateGeo,
            expect: [
                "addresses": [
                    "k1": ["coordinates": "geo:37.618889,-122.375", "vCardName": "geo"],
                    "k2": ["timeZone": "Etc/GMT-1", "vCardName": "tz"],
                ]
            ]),
        "ADR with GEO and TZ parameters": Deviation(
            reason: "the TZ parameter's whole-hour UTC offset becomes an Etc/GMT name (RFC 9555 §2.8.2)",
            expect: ["addresses/k1/timeZone": "Etc/GMT-1"]),
        "ADR with GEO and TZ parameters and properties": Deviation(
            reason: separateGeo, ignore: ["addresses"]),
        "RFC6350 Full card #3": Deviation(reason: separateGeo, ignore: ["addresses", "vcard:ADR"]),
        "RFC6350 ADR GEO": Deviation(reason: separateGeo, ignore: ["vcard:ADR", "vcard:GEO"]),
        "RFC9555 RELATED": Deviation(
            reason: "VALUE=text is implied by a non-URI key (RFC 9555 Figure 26 has no vCardParams)",
            ignore: ["relatedTo/vCardParams"]),
        "RFC6350 RELATED": Deviation(
            reason: "VALUE=text is implied by a non-URI key (RFC 9555 Figure 26 has no vCardParams)",
            ignore: ["relatedTo/vCardParams"]),
        "CATEGORIES with parameters": Deviation(
            reason:
                "a CATEGORIES with parameters has no place for them in `keywords` (RFC 9553 has no Card-level vCardParams): it stays in vCardProps",
            ignore: ["keywords", "vCardParams"]),
        "RFC9555 LANGUAGE - One Dominant Language": Deviation(
            reason: inferredLanguage, ignore: ["name/vCardParams", "titles/k1/vCardParams/language", "vcard:*"]),
        "RFC9555 PHONETIC": Deviation(
            reason: phonetic + "; LANGUAGE values keep their case", ignore: ["localizations", "vcard:*"],
            expect: ["name/vCardParams/language": "zh-Hant"]),
        "RFC9555 PHONETIC with PROP-ID": Deviation(reason: phonetic, ignore: ["localizations", "vcard:*"]),
        "RFC9554 N ALTID": Deviation(
            reason: phonetic + "; LANGUAGE values keep their case",
            ignore: ["localizations", "name/vCardParams/language", "vcard:*"]),
        "PRONOUNS with localizations": Deviation(
            reason: onlyDiffering + "; " + inferredLanguage,
            ignore: [
                "localizations/es/speakToAs~1pronouns~1k1~1pref", "localizations/es/speakToAs~1pronouns~1k2~1pref",
                "speakToAs/pronouns/k1/vCardParams/language", "speakToAs/pronouns/k2/vCardParams/language", "vcard:*",
            ]),
        "ADR with localizations": Deviation(
            reason: onlyDiffering + "; " + inferredLanguage,
            ignore: ["localizations/es/addresses~1k1~1contexts", "addresses/k1/vCardParams/language", "vcard:*"]),
        "ADR with partial patch localizations": Deviation(
            reason:
                "the patches set `phonetic` of address components, which an ADR alternative cannot hold: written as JSPROP (lossless); the corpus turns the pronunciations into values",
            ignore: ["vcard:*", "localizations", "addresses"]),
        "RFC9553 name with phonetic": Deviation(
            reason:
                "RFC 9555 §3.2.1: a JSPTR MUST NOT point into an array, so the components with their phonetic go whole into one JSPROP (the corpus points into the array)",
            ignore: ["vcard:JSPROP", "vcard:N"]),
        "RFC9553 addresses #3": Deviation(reason: wholeObjectPatch, ignore: ["vcard:*", "localizations"]),
        "RFC9553 name and localizations #1": Deviation(
            reason: wholeObjectPatch + "; " + generatedAltID + "; " + unorderedJSCOMPS,
            ignore: ["vcard:*", "localizations", "name/full", "name/vCardParams", "name/isOrdered"]),
        "RFC9553 name and localizations #2": Deviation(
            reason: wholeObjectPatch + "; " + unorderedJSCOMPS,
            ignore: ["vcard:*", "localizations", "name/full", "name/vCardParams", "name/isOrdered"]),
        "RFC9553 name and localizations #3": Deviation(
            reason: generatedAltID,
            ignore: ["vcard:*", "titles/t1/vCardParams"]),
        "RFC6350 ROLE": Deviation(reason: keptLanguage, ignore: ["titles/k1/vCardParams"]),
        "RFC6350 N ALTID #1": Deviation(
            reason: inferredLanguage, ignore: ["name/vCardParams/language", "language", "vcard:*"]),
        "RFC6350 N ALTID #2": Deviation(
            reason: inferredLanguage, ignore: ["name", "language", "localizations", "vCardProps", "vcard:*"]),
        "RFC6350 TITLE ALTID #2": Deviation(
            reason: keptLanguage, ignore: ["titles/k1/vCardParams/language", "language"]),
        "RFC6350 TITLE ALTID #3": Deviation(
            reason: inferredLanguage, ignore: ["titles", "language", "localizations", "vcard:*"]),
        "RFC6350 TITLE ALTID #4": Deviation(reason: inferredLanguage, ignore: ["language", "vcard:*"]),
        "RFC6350 TITLE ALTID #5": Deviation(reason: inferredLanguage, ignore: ["language", "vcard:*"]),
        "RFC9554 PRONOUNS": Deviation(
            reason: inferredLanguage,
            ignore: ["speakToAs/pronouns/k1/vCardParams", "speakToAs/pronouns/k2/vCardParams"]),
        "RFC9554 SOCIALPROFILE": Deviation(
            reason:
                "RFC 9555 §2.7.5: a SOCIALPROFILE that is not a URI sets `user`, not `uri` (checked in RFC9555ExampleTests)",
            expect: ["onlineServices/k3": ["service": "SomeSite", "user": "peter94"]]),
        "RFC9554 ADR LABEL": Deviation(reason: classicADR, ignore: ["vcard:ADR"]),
        "RFC9554 ADR billing": Deviation(reason: classicADR, ignore: ["vcard:ADR"]),
        "RFC9554 ADR delivery": Deviation(reason: classicADR, ignore: ["vcard:ADR"]),
    ]

    /// The expected fragment with the case's deviations applied.
    static func applying(_ deviation: Deviation?, to value: JSONValue) -> JSONValue {
        guard let deviation, case .object(var object) = value else { return value }
        for pointer in deviation.ignore where !pointer.hasPrefix("vcard:") {
            JSONPointer.set(nil, in: &object, at: JSONPointer.tokens(pointer))
        }
        // Only values the case has are replaced (two corpus cases can share a name).
        for (pointer, replacement) in deviation.expect
        where JSONPointer.value(in: object, at: JSONPointer.tokens(pointer)) != nil {
            JSONPointer.set(replacement, in: &object, at: JSONPointer.tokens(pointer))
        }
        return .object(object)
    }

    static func loadCases() -> [Case] {
        guard let corpus = corpusDirectory() else { return [] }
        let directory = corpus.appendingPathComponent("calcard/resources/jscontact")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter {
            $0.hasSuffix(".txt")
        }.sorted()
        var cases: [Case] = []
        for file in files {
            guard let text = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else {
                continue
            }
            var current: Case? = nil
            var section: [String] = []
            for line in text.components(separatedBy: "\n").map({
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            }) {
                if line.hasPrefix("> test ") {
                    if var done = current {
                        done.sections.append(section.joined(separator: "\n"))
                        cases.append(done)
                    }
                    current = Case(file: file, name: String(line.dropFirst(7)), sections: [])
                    section = []
                } else if line.hasPrefix("> convert") {
                    current?.sections.append(section.joined(separator: "\n"))
                    section = []
                } else {
                    section.append(line)
                }
            }
            if var done = current {
                done.sections.append(section.joined(separator: "\n"))
                cases.append(done)
            }
        }
        return cases
    }

    static let cases = loadCases()

    @Test func corpusIsPresent() {
        #expect(corpusDirectory() != nil, "corpus not found: set JMAP_GATEWAY_CORPUS")
        #expect(Self.cases.count >= 150)
    }

    @Test(arguments: cases) func corpusCase(_ testCase: Case) throws {
        let sections = testCase.sections.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        try #require(sections.count >= 2)
        let deviation = Self.deviations[testCase.name]
        let skip = Set((deviation?.ignore ?? []).filter { $0.hasPrefix("vcard:") }.map { String($0.dropFirst(6)) })
        if Self.isJSON(sections[0]) {
            let input = try #require(parseJSON(sections[0])?.objectValue, "input JSON of \(testCase)")
            var card: JSONObject = ["@type": "Card", "version": "1.0", "uid": "urn:uuid:test"]
            card.merge(input) { _, new in new }
            let vCard = JSContactConverter.vCard(from: card, version: .v4_0)
            let written = VCardWriter.serialize(vCard)
            checkProperties(expected: sections[1], actual: vCard, context: "\(testCase)\n\(written)", skip: skip)
            // Lossless: reading our vCard back gives the input again.
            let back = JSContactConverter.card(from: try #require(VCardParser.parse(written).cards.first))
            checkFragment(
                expected: Self.applying(deviation, to: .object(input)), actual: back,
                context: "\(testCase) (back)\n\(written)",
                ignore: deviation?.ignore ?? [])
            if sections.count >= 3, let expected = parseJSON(sections[2]) {
                checkFragment(
                    expected: Self.applying(deviation, to: translate(expected)), actual: back,
                    context: "\(testCase) (third)",
                    ignore: deviation?.ignore ?? [])
            }
        } else {
            let vCard = parseOne(sections[0])
            let card = JSContactConverter.card(from: vCard)
            let expected = try #require(parseJSON(sections[1]), "expected JSON of \(testCase)")
            checkFragment(
                expected: Self.applying(deviation, to: translate(expected)), actual: card, context: "\(testCase)",
                ignore: deviation?.ignore ?? [])
            if sections.count >= 3, !sections[2].isEmpty {
                let written = JSContactConverter.vCard(from: card, version: .v4_0)
                checkProperties(
                    expected: sections[2], actual: written,
                    context: "\(testCase) (back)\n\(VCardWriter.serialize(written))",
                    skip: skip)
            }
        }
    }

    static func isJSON(_ text: String) -> Bool {
        text.hasPrefix("\"") || text.hasPrefix("{")
    }

    /// Systematic differences between the corpus and the specs, applied to every expectation:
    /// 1. A Timestamp needs `"@type": "Timestamp"`: Anniversary.date has defaultType PartialDate
    ///    (RFC 9553 §2.8.1), so without it the value would be read as a PartialDate.
    /// 2. `VALUE=uri` on TEL/KEY/PHOTO whose value has a URI scheme is implied (the default in 4.0
    ///    for KEY/PHOTO, and what we write back for a `tel:` number); RFC 9555 Figures 21 and 41
    ///    show no vCardParams for it, so it is not kept.
    /// 3. jCard value type names are lower case, and known structured properties (N, ADR, GENDER,
    ///    CLIENTPIDMAP) have type "text" (RFC 7095 §3.3, §3.4.1); the corpus writes "unknown"/"TEXT".
    func normalize(_ value: JSONValue, key: String? = nil) -> JSONValue {
        switch value {
        case .object(var object):
            if object["utc"] != nil, object["@type"] == nil, key == "date" { object["@type"] = "Timestamp" }
            if var params = object["vCardParams"]?.objectValue, let type = params["value"]?.stringValue?.lowercased(),
                type == "uri",
                let target = (object["number"] ?? object["uri"])?.stringValue, VCardMapping.hasURIScheme(target)
            {
                params["value"] = nil
                object["vCardParams"] = params.isEmpty ? nil : .object(params)
            }
            return .object(object.reduce(into: JSONObject()) { $0[$1.key] = normalize($1.value, key: $1.key) })
        case .array(let array):
            if key == "vCardProps" {
                return .array(
                    array.map { prop in
                        guard var items = prop.arrayValue, items.count >= 4, let type = items[2].stringValue else {
                            return prop
                        }
                        items[2] = .string(type.lowercased())
                        if type == "unknown", items[3].arrayValue != nil,
                            ["n", "adr", "gender", "clientpidmap"].contains(items[0].stringValue ?? "")
                        {
                            items[2] = "text"
                        }
                        return .array(items)
                    })
            }
            return .array(array.map { normalize($0) })
        default:
            return value
        }
    }

    /// The draft's `vCard` member in RFC 9555 form: `properties` → `vCardProps`,
    /// `convertedProperties[path]` → `vCardParams`/`vCardName` on the object holding `path`.
    func translate(_ value: JSONValue) -> JSONValue {
        guard case .object(var object) = normalize(value), let vCard = object["vCard"]?.objectValue else {
            return normalize(value)
        }
        object["vCard"] = nil
        if let properties = vCard["properties"] { object["vCardProps"] = normalize(properties, key: "vCardProps") }
        for (path, converted) in vCard["convertedProperties"]?.objectValue ?? [:] {
            // No RFC 9555 counterpart: parameters of localized alternatives, names of labels.
            if path.hasPrefix("localizations/") { continue }
            var converted = converted
            if path.hasSuffix("/label"), case .object(var info) = converted {
                info["name"] = nil
                converted = .object(info)
            }
            var tokens = JSONPointer.tokens(path)
            guard !tokens.isEmpty else { continue }
            tokens.removeLast()
            guard case .object(var target)? = JSONPointer.value(in: object, at: tokens) else { continue }
            if let parameters = converted.objectValue?["parameters"]?.objectValue {
                var params = target["vCardParams"]?.objectValue ?? [:]
                params.merge(parameters) { a, _ in a }
                target["vCardParams"] = .object(params)
            }
            if let name = converted.objectValue?["name"] { target["vCardName"] = name }
            if tokens.isEmpty { object = target } else { JSONPointer.set(.object(target), in: &object, at: tokens) }
        }
        return normalize(.object(object))
    }

    /// Components of a Name or Address that is not ordered carry no order (RFC 9553 §2.2.1.1):
    /// compare them sorted.
    static func sortingUnordered(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(var object):
            if object["isOrdered"]?.boolValue != true, let components = object["components"]?.arrayValue {
                object["components"] = .array(components.sorted { jsonText($0) < jsonText($1) })
            }
            return .object(object.mapValues(sortingUnordered))
        case .array(let array):
            return .array(array.map(sortingUnordered))
        default:
            return value
        }
    }

    func checkFragment(expected: JSONValue, actual: JSONObject, context: String, ignore: [String] = []) {
        let expected = Self.sortingUnordered(expected)
        var actual = Self.sortingUnordered(.object(actual)).objectValue ?? [:]
        // What a deviation ignores is ignored on both sides.
        for pointer in ignore where !pointer.hasPrefix("vcard:") {
            JSONPointer.set(nil, in: &actual, at: JSONPointer.tokens(pointer))
        }
        guard let expectedObject = expected.objectValue else {
            Issue.record("expected fragment is not an object: \(context)")
            return
        }
        for (key, value) in expectedObject {
            var actualValue = actual[key]
            if key == "vCardProps", let props = actualValue?.arrayValue {
                // Our VERSION (from the wrapper) is kept in vCardProps; the corpus input has none.
                actualValue = .array(props.filter { $0.arrayValue?.first?.stringValue != "version" })
            }
            if !Self.matches(value, actualValue ?? .null, key: key) {
                Issue.record(
                    "\(context): \(key) differs\nexpected: \(jsonText(value))\nactual: \(actualValue.map(jsonText) ?? "absent")"
                )
            }
        }
    }

    static let idMaps = VCardMapping.entryMaps.union(["pronouns"]).subtracting(["members", "relatedTo"])

    /// JSON equality where Id-keyed maps may use other keys than the corpus.
    static func matches(_ expected: JSONValue, _ actual: JSONValue, key: String?) -> Bool {
        switch (expected, actual) {
        case (.object(let e), .object(let a)):
            if e.count != a.count { return false }
            if Set(e.keys) == Set(a.keys), e.allSatisfy({ matches($0.value, a[$0.key] ?? .null, key: $0.key) }) {
                return true
            }
            guard let key, idMaps.contains(key) else { return false }
            var remaining = Array(a.values)
            for value in e.values {
                guard let index = remaining.firstIndex(where: { matches(value, $0, key: nil) }) else { return false }
                remaining.remove(at: index)
            }
            return true
        case (.array(let e), .array(let a)):
            return e.count == a.count && zip(e, a).allSatisfy { matches($0, $1, key: nil) }
        case (.int, .double), (.double, .int), (.double, .double):
            return expected.doubleValue == actual.doubleValue
        default:
            return expected == actual
        }
    }

    func checkProperties(expected: String, actual: VCard, context: String, skip: Set<String>) {
        let expectedCard = parseOne(expected)
        if skip.contains("*") { return }
        for property in expectedCard.properties
        where property.upperName != "VERSION" && !skip.contains(property.upperName) {
            let found = actual.properties.contains {
                CorpusRoundTripTests.sameProperty(property, $0, .v4_0, .v4_0, all: actual.properties)
            }
            if !found {
                Issue.record("\(context)\nmissing: \(VCardWriter.serialize(property))")
            }
        }
    }
}

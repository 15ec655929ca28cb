import Foundation
import JSON
import Testing

@testable import JSContact

/// vCard → JSContact → vCard → JSContact over every corpus vCard.
///
/// Two checks per card:
/// 1. Both JSContact conversions are equal (ignoring the VERSION kept in vCardProps, which a
///    card without VERSION gains on the way back).
/// 2. Every property of the original is in the re-serialised vCard, after this normalisation:
///    property and parameter names are case-insensitive; folding, parameter order and vCard
///    2.1 transfer encodings (QUOTED-PRINTABLE, CHARSET, BASE64 line layout) do not count;
///    values compare decoded (TEXT unescaped, structured values as components with trailing
///    empty components dropped and list items unordered, dates and timestamps by their value,
///    CATEGORIES/NICKNAME by list item, inline binary by its bytes); PROP-ID, DERIVED and VALUE
///    parameters may be added; 2.1 bare parameters compare as TYPE=…; TYPE=pref equals PREF=1;
///    a LANGUAGE parameter equal to the written card's LANGUAGE property counts as kept (the
///    Card's `language` was inferred from it, RFC 9555 §2.3.11).
@Suite struct CorpusRoundTripTests {
    struct Counts {
        var files = 0
        var cards = 0
        var properties = 0
        var droppedProperties = 0
        var droppedParameters = 0
        var unequalCards = 0
        var diagnostics = 0
    }

    @Test func everyCorpusVCardRoundTrips() throws {
        guard let corpus = corpusDirectory() else {
            Issue.record("corpus not found: set JMAP_GATEWAY_CORPUS")
            return
        }
        let directory = corpus.appendingPathComponent("calcard/resources/vcard")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".vcf") }
            .sorted()
        #expect(files.count >= 78)
        var counts = Counts()
        for file in files {
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            let text = String(data: data, encoding: .utf8) ?? String(decoding: data, as: UTF8.self)
            let parsed = VCardParser.parse(text)
            counts.files += 1
            counts.diagnostics += parsed.diagnostics.count
            for (cardIndex, original) in parsed.cards.enumerated() {
                counts.cards += 1
                let first = JSContactConverter.card(from: original)
                let written = JSContactConverter.vCard(from: first, version: original.version)
                let serialized = VCardWriter.serialize(written)
                let reparsed = VCardParser.parse(serialized)
                #expect(reparsed.diagnostics.isEmpty, "\(file)#\(cardIndex): \(reparsed.diagnostics)")
                guard let again = reparsed.cards.first, reparsed.cards.count == 1 else {
                    Issue.record("\(file)#\(cardIndex): output does not parse as one card")
                    continue
                }
                let second = JSContactConverter.card(from: again)
                if Self.withoutVersion(first) != Self.withoutVersion(second) {
                    counts.unequalCards += 1
                    let a = Self.withoutVersion(first)
                    let b = Self.withoutVersion(second)
                    let keys = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
                    let detail = keys.map { "\($0): \(a[$0].map(jsonText) ?? "-") => \(b[$0].map(jsonText) ?? "-")" }
                    Issue.record(
                        "\(file)#\(cardIndex): JSContact differs after round trip: \(detail.joined(separator: "\n"))\n---\n\(serialized)"
                    )
                }
                for property in original.properties where property.upperName != "VERSION" {
                    counts.properties += 1
                    let candidates = again.properties.filter {
                        Self.sameProperty(property, $0, original.version, again.version, all: again.properties)
                    }
                    if candidates.isEmpty {
                        counts.droppedProperties += 1
                        Issue.record("\(file)#\(cardIndex): dropped \(VCardWriter.serialize(property))\n\(serialized)")
                        continue
                    }
                    let wanted = Self.parameterKeys(property)
                    // A LANGUAGE parameter equal to the card's LANGUAGE is implied (RFC 9555 §2.3.11).
                    let cardLanguage = again.properties.first { $0.upperName == "LANGUAGE" }.map {
                        "LANGUAGE=" + $0.text.lowercased()
                    }
                    let missing =
                        (candidates.map { wanted.subtracting(Self.parameterKeys($0)) }.min { $0.count < $1.count } ?? [])
                        .filter { $0 != cardLanguage }
                    if !missing.isEmpty {
                        counts.droppedParameters += missing.count
                        Issue.record(
                            "\(file)#\(cardIndex): parameters \(missing.sorted()) lost from \(VCardWriter.serialize(property))\n\(serialized)"
                        )
                    }
                }
            }
        }
        print(
            "round trip: \(counts.files) files, \(counts.cards) cards, \(counts.properties) properties, \(counts.droppedProperties) dropped properties, \(counts.droppedParameters) dropped parameters, \(counts.unequalCards) cards with unequal JSContact, \(counts.diagnostics) parser diagnostics"
        )
        #expect(counts.cards >= 100)
        #expect(counts.droppedProperties == 0)
        #expect(counts.droppedParameters == 0)
        #expect(counts.unequalCards == 0)
    }

    static func withoutVersion(_ card: JSONObject) -> JSONObject {
        var card = card
        if let props = card["vCardProps"]?.arrayValue {
            let kept = props.filter { $0.arrayValue?.first?.stringValue != "version" }
            card["vCardProps"] = kept.isEmpty ? nil : .array(kept)
        }
        return card
    }

    static let structured: Set<String> = ["N", "ADR", "ORG", "GENDER", "CLIENTPIDMAP"]
    static let dates: Set<String> = ["BDAY", "ANNIVERSARY", "DEATHDATE", "REV", "CREATED"]
    static let lists: Set<String> = ["CATEGORIES", "NICKNAME"]
    static let binary: Set<String> = ["PHOTO", "LOGO", "SOUND", "KEY"]

    static func sameProperty(
        _ a: VCardProperty, _ b: VCardProperty, _ va: VCardVersion, _ vb: VCardVersion, all: [VCardProperty]
    ) -> Bool {
        guard a.upperName == b.upperName || (a.upperName == "KIND" && b.upperName == "X-ADDRESSBOOKSERVER-KIND"),
            (a.group ?? "").lowercased() == (b.group ?? "").lowercased()
        else { return false }
        let name = a.upperName
        if structured.contains(name) {
            return normalizedComponents(a) == normalizedComponents(b)
        }
        if dates.contains(name), let x = VCardDateValue.parse(dateText(a)), let y = VCardDateValue.parse(dateText(b)) {
            return x == y
        }
        if lists.contains(name) {
            // Items may be spread over several properties (one NICKNAME per value).
            let x = Set(a.listValues.filter { !$0.isEmpty })
            let y = Set(all.filter { $0.upperName == name }.flatMap(\.listValues))
            return x.isEmpty ? b.listValues.allSatisfy(\.isEmpty) : x.isSubset(of: y)
        }
        if name == "KIND" || name == "GRAMGENDER" {
            return a.text.lowercased() == b.text.lowercased()
        }
        if name == "TZ" {
            return a.text.replacingOccurrences(of: ":", with: "") == b.text.replacingOccurrences(of: ":", with: "")
        }
        if binary.contains(name), a.isInlineBinary {
            return b.isInlineBinary && VCardValueCoding.decodeBase64(a.value) == VCardValueCoding.decodeBase64(b.value)
        }
        if name == "GEO" {
            return geo(a) == geo(b)
        }
        return a.text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\r\n", with: "\n")
            == b.text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\r\n", with: "\n")
    }

    static func dateText(_ property: VCardProperty) -> String {
        var text = property.text
        if let year = property.firstParameter("X-APPLE-OMIT-YEAR"), text.hasPrefix(year) {
            text = "--" + text.dropFirst(year.count).drop { $0 == "-" }
        }
        return text
    }

    static func geo(_ property: VCardProperty) -> String {
        var text = property.text.lowercased()
        if text.hasPrefix("geo:") { text = String(text.dropFirst(4)) }
        return text.replacingOccurrences(of: ";", with: ",").replacingOccurrences(of: " ", with: "")
    }

    static func normalizedComponents(_ property: VCardProperty) -> [[String]] {
        var components = property.components.map { $0.filter { !$0.isEmpty }.sorted() }
        if property.upperName == "ORG" {
            components = VCardValueCoding.split(property.decodedValue, at: ";").map { [VCardValueCoding.unescape($0)] }
                .map { $0.filter { !$0.isEmpty } }
        }
        while components.last?.isEmpty == true { components.removeLast() }
        return components
    }

    /// Parameters as comparable keys: NAME=value, lower-cased values, TYPE split into values.
    static func parameterKeys(_ property: VCardProperty) -> Set<String> {
        var keys = Set<String>()
        for parameter in property.parameters {
            let name = parameter.name.uppercased()
            if ["PROP-ID", "ENCODING", "CHARSET", "VALUE", "DERIVED"].contains(name) { continue }
            if name == "X-APPLE-OMIT-YEAR" { continue }
            let values = name == "TYPE" ? parameter.values : [parameter.values.joined(separator: ",")]
            for value in values.map(VCardValueCoding.unescape) {
                if name == "TYPE", value.lowercased() == "pref" {
                    keys.insert("PREF=1")
                    continue
                }
                let parts = name == "TYPE" ? value.split(separator: ",").map(String.init) : [value]
                for part in parts { keys.insert(name + "=" + part.lowercased()) }
            }
        }
        return keys
    }
}

import Foundation
import JSON
import TestSupport
import Testing

@testable import JSContact

/// The shared test corpus (see `sharedCorpus`).
func corpusDirectory() -> URL? { sharedCorpus }

/// Parses a JSON text (or a fragment of object members, as the corpus cases write them).
func parseJSON(_ text: String) -> JSONValue? {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    let candidates = [trimmed, "{" + trimmed + "}"]
    for candidate in candidates {
        if let data = candidate.data(using: .utf8), let value = try? JSONDecoder().decode(JSONValue.self, from: data) {
            return value
        }
    }
    return nil
}

func jsonText(_ value: JSONValue) -> String {
    let encoder = JSONCoding.makeEncoder()
    encoder.outputFormatting.insert(.prettyPrinted)
    return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
}

/// Parses exactly one card, recording an issue otherwise.
func parseOne(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> VCard {
    let wrapped =
        text.uppercased().contains("BEGIN:VCARD") ? text : "BEGIN:VCARD\r\nVERSION:4.0\r\n" + text + "\r\nEND:VCARD\r\n"
    let result = VCardParser.parse(wrapped)
    #expect(result.cards.count == 1, "expected one card", sourceLocation: sourceLocation)
    return result.cards.first ?? VCard()
}

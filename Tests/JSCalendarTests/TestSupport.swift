import Foundation
import JSON
import TestSupport

@testable import JSCalendar

/// The shared corpus (JMAP_GATEWAY_CORPUS overrides). Tests FAIL without it.
enum Corpus {
    static let root = sharedCorpus

    static var ical: URL? { root?.appendingPathComponent("calcard/resources/ical") }
    static var jscalendar: URL? { root?.appendingPathComponent("calcard/resources/jscalendar") }

    static func files(in directory: URL?, suffix: String) -> [URL] {
        guard let directory,
            let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return [] }
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { directory.appendingPathComponent($0) }
    }

    static func text(_ url: URL) -> String {
        guard let data = try? Data(contentsOf: url) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}

func parseJSON(_ text: String) -> JSONValue? {
    try? JSONCoding.decode(JSONValue.self, from: Data(text.utf8))
}

func encodeJSON(_ value: JSONValue) -> String {
    (try? JSONCoding.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
}

func utc(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    return formatter.date(from: text) ?? Date(timeIntervalSince1970: 0)
}

/// The brackets of JSON text that lie outside strings, in order: for splitting and measuring JSON
/// text without parsing it.
func forEachJSONBracket(in text: String, _ body: (String.Index, Character) -> Void) {
    var inString = false
    var escaped = false
    for index in text.indices {
        let character = text[index]
        if inString {
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                inString = false
            }
            continue
        }
        switch character {
        case "\"": inString = true
        case "{", "[", "}", "]": body(index, character)
        default: break
        }
    }
}

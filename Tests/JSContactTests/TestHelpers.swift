import Foundation
import JSON
import Testing

@testable import JSContact

/// Finds the shared test corpus: `JMAP_GATEWAY_CORPUS`, else a `shared/corpus` directory above
/// this file (Tests/JSContactTests/X.swift → ../../../shared/corpus), else /work/shared/corpus.
/// Returns nil only if none exists; callers record a failure then, never a skip.
func corpusDirectory(filePath: String = #filePath) -> URL? {
    let fileManager = FileManager.default
    var candidates: [URL] = []
    if let env = ProcessInfo.processInfo.environment["JMAP_GATEWAY_CORPUS"], !env.isEmpty {
        candidates.append(URL(fileURLWithPath: env))
    }
    var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
    for _ in 0..<8 {
        candidates.append(directory.appendingPathComponent("shared/corpus"))
        directory = directory.deletingLastPathComponent()
    }
    let resolved = URL(fileURLWithPath: filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    directory = resolved
    for _ in 0..<8 {
        candidates.append(directory.appendingPathComponent("shared/corpus"))
        directory = directory.deletingLastPathComponent()
    }
    candidates.append(URL(fileURLWithPath: "/work/shared/corpus"))
    return candidates.first { url in
        var isDirectory: ObjCBool = false
        return fileManager.fileExists(atPath: url.appendingPathComponent("calcard").path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }
}

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

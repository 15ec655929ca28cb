import Foundation
import JSON

@testable import JSCalendar

/// Finds the shared corpus: walking up from this file to a `shared/corpus`, the
/// JMAP_GATEWAY_CORPUS environment variable, then /work/shared/corpus. Tests FAIL without it.
enum Corpus {
    static let root: URL? = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<8 {
            let candidate = directory.appendingPathComponent("shared/corpus")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("calcard").path) {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        if let env = ProcessInfo.processInfo.environment["JMAP_GATEWAY_CORPUS"],
            FileManager.default.fileExists(atPath: env)
        {
            return URL(fileURLWithPath: env)
        }
        let fallback = URL(fileURLWithPath: "/work/shared/corpus")
        return FileManager.default.fileExists(atPath: fallback.path) ? fallback : nil
    }()

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

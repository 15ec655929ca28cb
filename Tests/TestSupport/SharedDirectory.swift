import Foundation

/// Finds a folder of the workplace's shared directory (`corpus`, `specs`): walking up from this file to
/// a `shared/<name>` that holds `marker`, then the environment variable, then /work/shared/<name>. Nil
/// only when none exists; callers record a failure then, never a skip.
public func sharedDirectory(_ name: String, marker: String, environment: String) -> URL? {
    var directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<8 {
        let candidate = directory.appendingPathComponent("shared/\(name)")
        if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(marker).path) {
            return candidate
        }
        directory = directory.deletingLastPathComponent()
    }
    if let path = ProcessInfo.processInfo.environment[environment], FileManager.default.fileExists(atPath: path) {
        return URL(fileURLWithPath: path)
    }
    let fallback = URL(fileURLWithPath: "/work/shared/\(name)")
    return FileManager.default.fileExists(atPath: fallback.appendingPathComponent(marker).path) ? fallback : nil
}

/// The shared corpus of real-world vCard and iCalendar files (`JMAP_GATEWAY_CORPUS` overrides).
public let sharedCorpus = sharedDirectory("corpus", marker: "calcard", environment: "JMAP_GATEWAY_CORPUS")

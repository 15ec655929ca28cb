import Foundation
import Logging

/// Plain text lines, `time level logger: [source] message key=value ...` (`[log] format = "text"`).
/// Unlike swift-log's StreamLogHandler it formats metadata when a line is written, not each time a
/// key is set: the HTTP server sets a request id on every request, and most requests log nothing.
public struct TextLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        var line = "\(Date().formatted(.iso8601)) \(event.level) \(label): [\(event.source)] \(event.message)"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
        line += "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

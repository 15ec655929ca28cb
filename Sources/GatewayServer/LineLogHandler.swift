import Foundation
import JMAPCore
import Logging

/// One line per log event on standard error, as text (`time level logger: [source] message key=value`)
/// or as a JSON object for log collectors (`[log] format`). Metadata is formatted when a line is
/// written, not when a key is set (as swift-log's StreamLogHandler does): the HTTP server sets a
/// request id on every request, and most requests log nothing.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let format: GatewayConfiguration.Log.Format

    public init(label: String, level: Logger.Level, format: GatewayConfiguration.Log.Format) {
        self.label = label
        self.logLevel = level
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let time = Date().formatted(.iso8601)
        var line: Data
        switch format {
        case .text:
            var text = "\(time) \(event.level) \(label): [\(event.source)] \(event.message)"
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
            line = Data(text.utf8)
        case .json:
            var object: JSONObject = [
                "time": .string(time), "level": .string(event.level.rawValue), "logger": .string(label),
                "message": .string(event.message.description),
            ]
            for (key, value) in merged { object[key] = Self.json(value) }
            guard let encoded = try? JSONCoding.encode(JSONValue.object(object)) else { return }
            line = encoded
        }
        line.append(UInt8(ascii: "\n"))
        FileHandle.standardError.write(line)
    }

    private static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let string): .string(string)
        case .stringConvertible(let value): .string(value.description)
        case .array(let array): .array(array.map(json))
        case .dictionary(let dictionary): .object(dictionary.mapValues(json))
        }
    }
}

extension GatewayConfiguration.Log {
    /// Installs the process-wide log handler. Call once, before anything logs.
    public func bootstrap() {
        let level = self.level
        let format = self.format
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, level: level, format: format) }
    }
}

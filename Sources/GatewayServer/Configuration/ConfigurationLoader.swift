import Foundation
import JMAPCore
import Logging
import TOMLKit

/// A configuration problem, naming the key so the admin knows what to fix.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "configuration error: \(message)" }
}

extension GatewayConfiguration {
    /// Reads a TOML file. Unknown keys and bad values stop start-up.
    public static func load(path: String) throws(ConfigurationError) -> GatewayConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError("cannot read \(path): \(error.localizedDescription)")
        }
        return try parse(toml: text)
    }

    public static func parse(toml text: String) throws(ConfigurationError) -> GatewayConfiguration {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError("TOML syntax: \(error.description) at line \(error.source.begin.line)")
        } catch {
            throw ConfigurationError("TOML syntax: \(error)")
        }
        var top = Section(root, path: "")
        var backendSection = try top.section("backend")
        guard let backendURL = try backendSection.url("url") else {
            throw ConfigurationError("backend.url is required (the DAV server's root URL)")
        }
        var configuration = GatewayConfiguration(backendURL: backendURL)

        var server = try top.section("server")
        if let listen = try server.string("listen") {
            (configuration.server.host, configuration.server.port) = try parseListen(listen, key: "server.listen")
        }
        configuration.server.publicURL = try server.url("public_url")
        configuration.server.corsAllowedOrigins = try server.strings("cors_allowed_origins") ?? ["*"]
        if let metricsPath = try server.string("metrics_path") {
            guard metricsPath.isEmpty || metricsPath.hasPrefix("/") else {
                throw ConfigurationError(
                    "server.metrics_path: \"\(metricsPath)\" must begin with / (or be \"\" for none)")
            }
            configuration.server.metricsPath = metricsPath.isEmpty ? nil : metricsPath
        }
        try server.finish()

        configuration.backend.carddavURL = try backendSection.url("carddav_url")
        configuration.backend.caldavURL = try backendSection.url("caldav_url")
        configuration.backend.timeout = try backendSection.duration("timeout") ?? configuration.backend.timeout
        configuration.backend.tlsVerify = try backendSection.bool("tls_verify") ?? true
        configuration.backend.pollInterval =
            try backendSection.duration("poll_interval") ?? configuration.backend.pollInterval
        configuration.backend.maxConnections = try backendSection.positiveInt("max_connections") ?? 8
        configuration.backend.authCacheTTL =
            try backendSection.duration("auth_cache_ttl") ?? configuration.backend.authCacheTTL
        configuration.backend.minSyncAge =
            try backendSection.duration("min_sync_age") ?? configuration.backend.minSyncAge
        configuration.backend.syncCollection = try backendSection.bool("sync_collection") ?? true
        configuration.backend.multigetBatchSize = try backendSection.positiveInt("multiget_batch_size") ?? 250
        configuration.backend.multigetConcurrency = try backendSection.positiveInt("multiget_concurrency") ?? 2
        configuration.backend.collectionConcurrency = try backendSection.positiveInt("collection_concurrency") ?? 4
        configuration.backend.bulkFetchThreshold =
            try backendSection.nonNegativeInt("bulk_fetch_threshold") ?? configuration.backend.bulkFetchThreshold
        try backendSection.finish()

        var cache = try top.section("cache")
        configuration.cache.driver = try cache.choice("driver", of: Cache.Driver.self) ?? .sqlite
        configuration.cache.path = try cache.string("path") ?? configuration.cache.path
        configuration.cache.changeLogSize =
            try cache.positiveInt("change_log_size") ?? configuration.cache.changeLogSize
        try cache.finish()

        var limits = try top.section("limits")
        var coreLimits = CoreLimits()
        coreLimits.maxSizeUpload = try limits.positiveInt("max_size_upload") ?? coreLimits.maxSizeUpload
        coreLimits.maxConcurrentUpload =
            try limits.positiveInt("max_concurrent_upload") ?? coreLimits.maxConcurrentUpload
        coreLimits.maxSizeRequest = try limits.positiveInt("max_size_request") ?? coreLimits.maxSizeRequest
        coreLimits.maxConcurrentRequests =
            try limits.positiveInt("max_concurrent_requests") ?? coreLimits.maxConcurrentRequests
        coreLimits.maxCallsInRequest = try limits.positiveInt("max_calls_in_request") ?? coreLimits.maxCallsInRequest
        coreLimits.maxObjectsInGet = try limits.positiveInt("max_objects_in_get") ?? coreLimits.maxObjectsInGet
        coreLimits.maxObjectsInSet = try limits.positiveInt("max_objects_in_set") ?? coreLimits.maxObjectsInSet
        configuration.limits = coreLimits
        try limits.finish()

        var push = try top.section("push")
        configuration.push.allowInsecureURLs = try push.bool("allow_insecure_urls") ?? false
        configuration.push.allowPrivateAddresses = try push.bool("allow_private_addresses") ?? false
        configuration.push.maxLifetime = try push.duration("max_lifetime") ?? configuration.push.maxLifetime
        configuration.push.deliveryTimeout =
            try push.duration("delivery_timeout") ?? configuration.push.deliveryTimeout
        try push.finish()

        var log = try top.section("log")
        if let level = try log.string("level") {
            guard let parsed = Logger.Level(rawValue: level) else {
                throw ConfigurationError(
                    "log.level: \"\(level)\" is not one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            configuration.log.level = parsed
        }
        configuration.log.format = try log.choice("format", of: Log.Format.self) ?? .text
        try log.finish()

        try top.finish()
        return configuration
    }

    static func parseListen(_ text: String, key: String) throws(ConfigurationError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw ConfigurationError("\(key): expected \"HOST:PORT\", got \"\(text)\"")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ConfigurationError("\(key): missing host in \"\(text)\"") }
        return (host, port)
    }
}

/// Reads one TOML table, remembering which keys were used so `finish()` can name any unknown one.
private struct Section {
    let table: TOMLTable?
    let path: String
    var used: Set<String> = []

    init(_ table: TOMLTable?, path: String) {
        self.table = table
        self.path = path
    }

    private func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    private mutating func value(_ name: String) -> (any TOMLValueConvertible)? {
        used.insert(name)
        return table?[name]
    }

    mutating func section(_ name: String) throws(ConfigurationError) -> Section {
        guard let value = value(name) else { return Section(nil, path: key(name)) }
        guard let table = value.table else { throw ConfigurationError("\(key(name)) must be a table ([\(key(name))])") }
        return Section(table, path: key(name))
    }

    mutating func string(_ name: String) throws(ConfigurationError) -> String? {
        guard let value = value(name) else { return nil }
        guard let string = value.string else { throw ConfigurationError("\(key(name)) must be a string") }
        return string
    }

    mutating func bool(_ name: String) throws(ConfigurationError) -> Bool? {
        guard let value = value(name) else { return nil }
        guard let bool = value.bool else { throw ConfigurationError("\(key(name)) must be true or false") }
        return bool
    }

    /// Sizes and counts are plain integers (sizes in bytes).
    mutating func positiveInt(_ name: String) throws(ConfigurationError) -> Int? {
        guard let value = value(name) else { return nil }
        guard let int = value.int, int > 0 else { throw ConfigurationError("\(key(name)) must be a positive integer") }
        return int
    }

    /// A count where 0 means "off".
    mutating func nonNegativeInt(_ name: String) throws(ConfigurationError) -> Int? {
        guard let value = value(name) else { return nil }
        guard let int = value.int, int >= 0 else {
            throw ConfigurationError("\(key(name)) must be an integer, 0 or more")
        }
        return int
    }

    mutating func strings(_ name: String) throws(ConfigurationError) -> [String]? {
        guard let value = value(name) else { return nil }
        guard let array = value.array else { throw ConfigurationError("\(key(name)) must be an array of strings") }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else {
                throw ConfigurationError("\(key(name)) must be an array of strings")
            }
            strings.append(string)
        }
        return strings
    }

    mutating func url(_ name: String) throws(ConfigurationError) -> URL? {
        guard let text = try string(name) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw ConfigurationError("\(key(name)): \"\(text)\" is not an http(s) URL")
        }
        return url
    }

    mutating func duration(_ name: String) throws(ConfigurationError) -> Duration? {
        guard let text = try string(name) else { return nil }
        guard let duration = DurationParser.parse(text) else {
            throw ConfigurationError(
                "\(key(name)): \"\(text)\" is not a duration like \"500ms\", \"30s\", \"5m\", \"1h\" or \"7d\"")
        }
        return duration
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ name: String, of type: T.Type) throws(ConfigurationError)
        -> T?
    where T.RawValue == String {
        guard let text = try string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw ConfigurationError("\(key(name)): \"\(text)\" is not one of \(allowed)")
        }
        return value
    }

    func finish() throws(ConfigurationError) {
        guard let table else { return }
        if let unknown = table.keys.sorted().first(where: { !used.contains($0) }) {
            throw ConfigurationError("unknown key \(key(unknown))")
        }
    }
}

/// Durations are strings with a unit: "500ms", "30s", "5m", "1h", "7d".
public enum DurationParser {
    public static func parse(_ text: String) -> Duration? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (unit, milliseconds) in units where text.hasSuffix(unit) {
            let number = text.dropLast(unit.count)
            // "5ms" also ends in "s"; the order above tries "ms" first.
            guard !number.isEmpty, number.allSatisfy(\.isASCII), let value = Int64(number), value >= 0 else {
                continue
            }
            return .milliseconds(value * milliseconds)
        }
        return nil
    }
}

import Foundation

/// A `207 Multi-Status` body (RFC 4918 §13), with the sync-token of RFC 6578 when present.
public struct Multistatus: Sendable, Hashable {
    public struct PropStat: Sendable, Hashable {
        public var status: Int
        public var properties: [DAVElement]

        public init(status: Int, properties: [DAVElement]) {
            self.status = status
            self.properties = properties
        }
    }

    public struct Response: Sendable, Hashable {
        /// As the server sent it (percent-encoded path or absolute URL); normalise with `DAVHref`.
        public var href: String
        /// Further hrefs sharing this response's status (RFC 4918 §14.24 allows `href*` with `status`).
        public var additionalHrefs: [String]
        /// The response-level status (e.g. 404 for a deleted member in sync-collection), if any.
        public var status: Int?
        public var propstats: [PropStat]
        /// The response's `DAV:error` (e.g. `number-of-matches-within-limits` with a 507), if any.
        public var error: DAVElement?

        public init(
            href: String, additionalHrefs: [String] = [], status: Int? = nil, propstats: [PropStat] = [],
            error: DAVElement? = nil
        ) {
            self.href = href
            self.additionalHrefs = additionalHrefs
            self.status = status
            self.propstats = propstats
            self.error = error
        }

        /// The response-level status when it is not a success (e.g. 404 for a removed member).
        public var failureStatus: Int? {
            status.flatMap { (200..<300).contains($0) ? nil : $0 }
        }

        /// Every href the response speaks for.
        public var hrefs: [String] { [href] + additionalHrefs }

        /// A property found with status 2xx, or nil.
        public func property(_ name: XMLName) -> DAVElement? {
            for propstat in propstats where (200..<300).contains(propstat.status) {
                if let element = propstat.properties.first(where: { $0.name == name }) { return element }
            }
            return nil
        }

        /// All properties found with status 2xx.
        public var properties: [DAVElement] {
            propstats.filter { (200..<300).contains($0.status) }.flatMap(\.properties)
        }
    }

    public var responses: [Response]
    public var syncToken: String?

    public init(responses: [Response], syncToken: String?) {
        self.responses = responses
        self.syncToken = syncToken
    }

    /// Parses a whole multistatus document into memory. Prefer `forEachResponse` for large ones.
    public init(data: Data, maxSize: Int) throws(MultistatusError) {
        var responses: [Response] = []
        syncToken = try Self.forEachResponse(in: data, maxSize: maxSize) { responses.append($0) }
        self.responses = responses
    }

    /// Reads a multistatus one `DAV:response` at a time, so a 10000-member listing is never held as
    /// a tree: `body` sees each response as soon as its end tag is parsed. Throwing from `body` stops
    /// the parse. Returns the document's `DAV:sync-token`, which may come before or after the
    /// responses.
    @discardableResult
    public static func forEachResponse(
        in data: Data, maxSize: Int, _ body: (Response) throws(MultistatusError) -> Void
    ) throws(MultistatusError) -> String? {
        try withoutActuallyEscaping(body) { (body) throws(MultistatusError) in
            try SafeXMLParser.parse(data, maxSize: maxSize, handler: MultistatusParser(onResponse: body)).syncToken
        }
    }

    /// `HTTP/1.1 404 Not Found` → 404.
    static func statusCode(_ line: String?) -> Int? {
        guard let line else { return nil }
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { return nil }
        return Int(parts[1])
    }
}

/// Why a DAV XML document could not be read.
public enum MultistatusError: Error, Sendable {
    case tooLarge
    case malformed(String)
}

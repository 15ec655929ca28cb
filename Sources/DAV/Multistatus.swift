import Foundation

/// A `207 Multi-Status` body (RFC 4918 §13), with the sync-token of RFC 6578 when present.
public struct Multistatus: Sendable, Hashable {
    public struct PropStat: Sendable, Hashable {
        public var status: Int
        public var properties: [DAVElement]
    }

    public struct Response: Sendable, Hashable {
        /// As the server sent it (percent-encoded path or absolute URL).
        public var href: String
        /// The response-level status (e.g. 404 for a deleted member in sync-collection), if any.
        public var status: Int?
        public var propstats: [PropStat]

        /// A property found with status 200, or nil.
        public func property(_ name: XMLName) -> DAVElement? {
            for propstat in propstats where (200..<300).contains(propstat.status) {
                if let element = propstat.properties.first(where: { $0.name == name }) { return element }
            }
            return nil
        }
    }

    public var responses: [Response]
    public var syncToken: String?

    public init(responses: [Response], syncToken: String?) {
        self.responses = responses
        self.syncToken = syncToken
    }

    /// Parses a multistatus document.
    public init(data: Data, maxSize: Int) throws(MultistatusError) {
        let root: DAVElement
        do {
            root = try XMLTreeParser.parse(data, maxSize: maxSize)
        } catch {
            switch error {
            case .tooLarge: throw .tooLarge
            case .malformed(let reason): throw .malformed(reason)
            }
        }
        guard root.name == .dav("multistatus") else {
            throw .malformed("expected DAV:multistatus, got \(root.name)")
        }
        self.syncToken = root.child(.syncToken)?.trimmedText
        self.responses = try root.children(.dav("response")).map { (element) throws(MultistatusError) in
            guard let href = element.child(.href)?.trimmedText, !href.isEmpty else {
                throw .malformed("a DAV:response has no href")
            }
            let propstats = element.children(.dav("propstat")).map { propstat in
                PropStat(
                    status: Self.statusCode(propstat.child(.dav("status"))?.trimmedText) ?? 200,
                    properties: propstat.child(.dav("prop"))?.children ?? []
                )
            }
            return Response(href: href, status: Self.statusCode(element.child(.dav("status"))?.trimmedText), propstats: propstats)
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

public enum MultistatusError: Error, Sendable {
    case tooLarge
    case malformed(String)
}

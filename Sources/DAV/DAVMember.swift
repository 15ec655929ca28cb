import Foundation

/// A member resource of a collection as a listing or sync reports it: enough to decide whether the
/// cached copy is current, without its body.
public struct DAVMember: Sendable, Hashable {
    /// Normalised with `DAVHref`: the cache key.
    public var href: String
    /// As the server sent it, quotes included, so it can go back verbatim in If-Match.
    public var etag: String?
    /// Every property the server reported with a 2xx status, for callers that asked for more.
    public var properties: [DAVElement]

    public init(href: String, etag: String?, properties: [DAVElement] = []) {
        self.href = href
        self.etag = etag
        self.properties = properties
    }

    /// `getcontenttype`, when it was asked for (e.g. `text/vcard; charset=utf-8`).
    public var contentType: String? {
        properties.first { $0.name == .getContentType }?.trimmedText
    }

    /// Reads a member from its response; nil for a response that is not a member with properties
    /// (an error status, or a collection, which is never an address object or calendar object).
    init?(_ response: Multistatus.Response, href: String) {
        guard response.failureStatus == nil, !response.propstats.isEmpty,
            response.property(.resourceType)?.child(.collection) == nil
        else { return nil }
        self.init(href: href, etag: response.etag, properties: response.properties)
    }
}

/// A resource with its body: from a multiget, or a GET.
public struct DAVResource: Sendable, Hashable {
    /// Normalised with `DAVHref`: the cache key.
    public var href: String
    public var etag: String?
    /// The vCard or iCalendar text. From a multiget, line ends are CRLF again after the XML parser
    /// made them LF; a server that stored bare LF would be reported with CRLF.
    public var body: Data

    public init(href: String, etag: String?, body: Data) {
        self.href = href
        self.etag = etag
        self.body = body
    }
}

extension Multistatus.Response {
    /// `getetag`, when reported and not empty.
    var etag: String? {
        guard let etag = property(.getETag)?.trimmedText, !etag.isEmpty else { return nil }
        return etag
    }
}

extension DAVElement {
    /// An `address-data` or `calendar-data` value as a body: without the leading whitespace a
    /// pretty-printing server puts before `BEGIN:`, and with the CRLF line ends vCard and iCalendar
    /// require (RFC 6350 §3.2, RFC 5545 §3.1) that the XML parser turned into LF (XML 1.0 §2.11), so
    /// the bytes are those a GET returns.
    public var objectData: Data {
        let utf8 = text.utf8
        let start = utf8.firstIndex { !isXMLWhitespace($0) } ?? utf8.endIndex
        var body: [UInt8] = []
        body.reserveCapacity(utf8.count + utf8.count / 32)
        var previous: UInt8 = 0
        for byte in utf8[start...] {
            if byte == UInt8(ascii: "\n") && previous != UInt8(ascii: "\r") { body.append(UInt8(ascii: "\r")) }
            body.append(byte)
            previous = byte
        }
        return Data(body)
    }
}

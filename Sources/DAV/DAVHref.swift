import Foundation

/// One canonical spelling of a resource's URL, so the same resource has the same cache key whatever
/// form the server used: Radicale answers `/a/x%40y.vcf`, Xandikos `/a/x@y.vcf`, and a PROPPATCH
/// answer may carry an absolute URL. The canonical form is an absolute `http(s)` URL string with a
/// lower-case scheme and host, no default port, no user info or fragment, dot segments removed, and
/// every path segment percent-decoded and re-encoded with one fixed set (RFC 3986 unreserved
/// characters stay literal, every other byte is `%XX`).
public enum DAVHref {
    /// The canonical absolute URL string of `href` (a path, a relative reference or an absolute URL)
    /// resolved against `base`, usually the request URL. An href that is not an http(s) URL (e.g.
    /// `mailto:`) comes back trimmed but otherwise unchanged, as it cannot name a DAV resource.
    public static func normalize(_ href: String, relativeTo base: URL) -> String {
        components(href, relativeTo: base)?.absoluteString ?? href.trimmingXMLWhitespace
    }

    /// The canonical path (with the query, if any) of `href`: what to send where a server expects a
    /// path on its own host, e.g. in a multiget's `DAV:href` list.
    public static func path(_ href: String, relativeTo base: URL) -> String {
        guard let parts = components(href, relativeTo: base) else {
            return href.trimmingXMLWhitespace
        }
        return parts.pathAndQuery
    }

    /// Whether two canonical hrefs name the same resource, treating a collection's URL with and
    /// without its trailing slash as one (servers and configuration disagree on it).
    static func sameResource(_ first: String, _ second: String) -> Bool {
        first == second || trimmingSlash(first) == trimmingSlash(second)
    }

    private static func trimmingSlash(_ href: String) -> Substring {
        href.hasSuffix("/") ? href.dropLast() : Substring(href)
    }

    // MARK: Parsing

    private struct Components {
        var scheme: String
        var authority: String
        var path: String
        var query: String?

        var pathAndQuery: String { path + (query.map { "?" + $0 } ?? "") }
        var absoluteString: String { scheme + "://" + authority + pathAndQuery }
    }

    private static func components(_ href: String, relativeTo base: URL) -> Components? {
        var (reference, query) = splitQuery(Substring(href.trimmingXMLWhitespace))
        if scheme(of: reference) != nil { return absoluteComponents(reference, query: query) }
        // Without an absolute http(s) base no relative href can resolve.
        let (baseReference, baseQuery) = splitQuery(Substring(base.absoluteString))
        guard let baseParts = absoluteComponents(baseReference, query: baseQuery) else { return nil }
        if reference.hasPrefix("//") {
            return absolute(scheme: baseParts.scheme, afterScheme: reference.dropFirst(2), query: query)
        }
        let path: Substring
        if reference.hasPrefix("/") {
            path = reference
        } else if reference.isEmpty {
            path = Substring(baseParts.path)
            query = query ?? baseParts.query.map { Substring($0) }
        } else {
            let directory = baseParts.path[...(baseParts.path.lastIndex(of: "/") ?? baseParts.path.startIndex)]
            path = Substring(directory + reference)
        }
        return Components(
            scheme: baseParts.scheme, authority: baseParts.authority, path: canonicalPath(path),
            query: query.map(String.init))
    }

    /// Cuts off the fragment and splits off the query.
    private static func splitQuery(_ reference: Substring) -> (Substring, query: Substring?) {
        let withoutFragment = reference.firstIndex(of: "#").map { reference[..<$0] } ?? reference
        guard let mark = withoutFragment.firstIndex(of: "?") else { return (withoutFragment, nil) }
        return (withoutFragment[..<mark], withoutFragment[withoutFragment.index(after: mark)...])
    }

    /// `http://…` or `https://…`; nil for any other scheme.
    private static func absoluteComponents(_ reference: Substring, query: Substring?) -> Components? {
        guard let scheme = scheme(of: reference) else { return nil }
        let lowered = scheme.lowercased()
        let rest = reference[reference.index(after: scheme.endIndex)...]
        guard lowered == "http" || lowered == "https", rest.hasPrefix("//") else { return nil }
        return absolute(scheme: lowered, afterScheme: rest.dropFirst(2), query: query)
    }

    private static func absolute(scheme: String, afterScheme rest: Substring, query: Substring?) -> Components {
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        return Components(
            scheme: scheme, authority: canonicalAuthority(rest[..<slash], scheme: scheme),
            path: canonicalPath(slash == rest.endIndex ? "/" : rest[slash...]), query: query.map(String.init))
    }

    /// `scheme ":"` at the start (RFC 3986 §3.1), or nil for a path or relative reference.
    private static func scheme(of reference: Substring) -> Substring? {
        guard let colon = reference.firstIndex(of: ":") else { return nil }
        let candidate = reference[..<colon]
        guard let first = candidate.first, first.isASCII, first.isLetter,
            candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        return candidate
    }

    /// Drops user info and the scheme's default port; lower-cases the host.
    private static func canonicalAuthority(_ authority: Substring, scheme: String) -> String {
        let hostAndPort = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        var host = hostAndPort
        var port: Substring = ""
        let hostEnd = hostAndPort.hasPrefix("[") ? hostAndPort.firstIndex(of: "]") : hostAndPort.startIndex
        if let hostEnd, let colon = hostAndPort[hostEnd...].lastIndex(of: ":") {
            host = hostAndPort[..<colon]
            port = hostAndPort[hostAndPort.index(after: colon)...]
        }
        let defaultPort = scheme == "https" ? "443" : "80"
        let keepsPort = !port.isEmpty && port != defaultPort
        return host.lowercased() + (keepsPort ? ":" + port : "")
    }

    /// Re-encodes every segment and removes `.` and `..` segments (RFC 3986 §5.2.4), keeping empty
    /// segments and the trailing slash that marks a collection.
    private static func canonicalPath(_ path: Substring) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var output: [String] = []
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            let canonical = canonicalSegment(segment)
            switch canonical {
            case ".":
                if isLast { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(canonical)
            }
        }
        return "/" + output.joined(separator: "/")
    }

    /// Decodes `%XX` escapes to bytes (a malformed escape is taken literally), then encodes every
    /// byte outside the unreserved set.
    private static func canonicalSegment(_ segment: Substring) -> String {
        let input = Array(segment.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        var encoded = ""
        encoded.reserveCapacity(bytes.count)
        for byte in bytes {
            if isUnreserved(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded +=
                    "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return encoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }
}

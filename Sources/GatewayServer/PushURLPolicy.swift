import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where the gateway may POST push messages (RFC 8620 §7.2, §8.6): an https URL whose host does not
/// resolve to a loopback, private, link-local or unspecified address, so that a client cannot make the
/// gateway reach hosts on its own network. Configuration may allow either, for tests and closed networks.
struct PushURLPolicy: Sendable {
    var allowInsecureURLs: Bool
    var allowPrivateAddresses: Bool

    /// Nil when `url` may be used, else why not.
    func refusal(for text: String) async -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else { return "The push URL is not an absolute URL." }
        guard scheme == "https" || (scheme == "http" && allowInsecureURLs) else {
            return "A push URL must begin with https:// (RFC 8620 §7.2)."
        }
        guard !allowPrivateAddresses else { return nil }
        let addresses = await Self.resolve(host)
        guard !addresses.isEmpty else { return "The push URL's host \(host) does not resolve." }
        if let found = addresses.first(where: Self.isInternal) {
            return "The push URL's host resolves to \(found), which push may not reach."
        }
        return nil
    }

    /// The numeric addresses of `host` (getaddrinfo, off the caller's thread).
    static func resolve(_ host: String) async -> [String] {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return await Task.detached {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(name, nil, &hints, &list) == 0, let first = list else { return [] }
            defer { freeaddrinfo(first) }
            var addresses: [String] = []
            var entry: UnsafeMutablePointer<addrinfo>? = first
            while let current = entry {
                var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                if getnameinfo(
                    current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                    NI_NUMERICHOST) == 0
                {
                    addresses.append(
                        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
                }
                entry = current.pointee.ai_next
            }
            return addresses
        }.value
    }

    /// Loopback, private (RFC 1918, RFC 4193), link-local, carrier-grade NAT and unspecified addresses.
    static func isInternal(_ address: String) -> Bool {
        let lower = address.lowercased()
        if lower.contains(":") {
            let mapped = lower.hasPrefix("::ffff:") ? String(lower.dropFirst(7)) : nil
            if let mapped, !mapped.contains(":") { return isInternal(mapped) }
            return lower == "::1" || lower == "::" || lower.hasPrefix("fc") || lower.hasPrefix("fd")
                || lower.hasPrefix("fe8") || lower.hasPrefix("fe9") || lower.hasPrefix("fea") || lower.hasPrefix("feb")
        }
        let parts = lower.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 4 else { return true }
        switch (parts[0], parts[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168): return true
        case (172, 16...31), (100, 64...127): return true
        default: return false
        }
    }
}

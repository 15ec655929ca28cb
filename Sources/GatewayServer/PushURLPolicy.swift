import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where the gateway may POST push messages (RFC 8620 §7.2, §8.6): an https URL whose host does not
/// resolve to a loopback, private, link-local or unspecified address, so that a client cannot make the
/// gateway reach hosts on its own network. Configuration may allow either, for tests and closed networks.
///
/// The check names the addresses it accepted, and delivery connects to those and no others (the host
/// name still used for TLS): a name that resolved to a public address when checked and to an internal
/// one when connecting (DNS rebinding) reaches nothing.
struct PushURLPolicy: Sendable {
    var allowInsecureURLs: Bool
    var allowPrivateAddresses: Bool
    /// The numeric addresses of a host name; getaddrinfo unless a test gives another.
    var resolve: @Sendable (String) async -> [String] = PushURLPolicy.systemResolve

    /// A URL that may be used, and the addresses delivery may connect to: IPv4 first, at most one of each
    /// family. Empty for a URL whose host is an address literal.
    struct Target: Sendable, Equatable {
        var url: String
        var host: String
        var addresses: [String]
    }

    enum Checked: Sendable, Equatable {
        case allowed(Target)
        case refused(String)
    }

    func check(_ text: String) async -> Checked {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host(), !host.isEmpty
        else { return .refused("The push URL is not an absolute URL.") }
        guard scheme == "https" || (scheme == "http" && allowInsecureURLs) else {
            return .refused("A push URL must begin with https:// (RFC 8620 §7.2).")
        }
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let isLiteral = Self.isAddressLiteral(name)
        let resolved = isLiteral ? [name] : await resolve(name)
        guard !resolved.isEmpty else { return .refused("The push URL's host \(name) does not resolve.") }
        if !allowPrivateAddresses, let found = resolved.first(where: Self.isInternal) {
            return .refused("The push URL's host resolves to \(found), which push may not reach.")
        }
        let pinned = [resolved.first { !$0.contains(":") }, resolved.first { $0.contains(":") }].compactMap { $0 }
        return .allowed(Target(url: text, host: name, addresses: isLiteral ? [] : pinned))
    }

    static func isAddressLiteral(_ name: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, name, &v4) == 1 || inet_pton(AF_INET6, name, &v6) == 1
    }

    /// The numeric addresses of `host` (getaddrinfo, off the caller's thread).
    @Sendable static func systemResolve(_ name: String) async -> [String] {
        await Task.detached {
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
                    let address = String(
                        decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    if !addresses.contains(address) { addresses.append(address) }
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

import Foundation

/// base64url without padding (RFC 4648 §5): JMAP ids (RFC 8620 §1.2) and push keys (RFC 8291 §3.2).
extension Data {
    public var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes base64url, with or without padding; nil for anything else.
    public init?(base64URLEncoded text: String) {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !standard.contains("=") || standard.count % 4 == 0 else { return nil }
        if !standard.contains("=") { standard += String(repeating: "=", count: (4 - standard.count % 4) % 4) }
        self.init(base64Encoded: standard)
    }
}

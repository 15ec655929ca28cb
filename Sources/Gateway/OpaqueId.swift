import Crypto
import Foundation

/// Opaque, URL-safe ids (RFC 8620 §1.2) derived deterministically from a key.
public enum OpaqueId {
    /// The first `length` bytes of SHA-256(key), as base64url without padding.
    public static func make(_ key: String, length: Int = 12) -> String {
        let digest = SHA256.hash(data: Data(key.utf8))
        return Data(digest.prefix(length)).base64URLEncoded
    }
}

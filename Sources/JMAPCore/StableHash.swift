import Foundation

/// FNV-1a, 64-bit: a small deterministic hash for opaque strings that must be equal across
/// processes (session state). Not for anything security-related.
public enum StableHash {
    public static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    public static func hex(of data: Data) -> String {
        // Through the raw bytes: Data's own iterator costs a call per byte.
        let hash = data.withUnsafeBytes { fnv1a($0) }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

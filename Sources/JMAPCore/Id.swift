/// The `Id` data type (RFC 8620 §1.2): 1–255 octets of URL-safe base64 characters.
public enum Id {
    public static func isValid(_ id: String) -> Bool {
        let bytes = id.utf8
        guard (1...255).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_")
        }
    }
}

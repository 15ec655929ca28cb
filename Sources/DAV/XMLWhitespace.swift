extension String {
    /// The string without leading and trailing XML whitespace (space, tab, CR, LF). Foundation's
    /// `trimmingCharacters(in:)` goes through NSString on Linux and dominated multistatus parsing;
    /// this works on UTF-8 bytes and returns `self` untouched when there is nothing to trim.
    var trimmingXMLWhitespace: String {
        let utf8 = self.utf8
        guard let first = utf8.first, let last = utf8.last, isXMLWhitespace(first) || isXMLWhitespace(last) else {
            return self
        }
        guard let start = utf8.firstIndex(where: { !isXMLWhitespace($0) }),
            let end = utf8.lastIndex(where: { !isXMLWhitespace($0) })
        else { return "" }
        return String(self[start...end])
    }
}

@inline(__always)
func isXMLWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}

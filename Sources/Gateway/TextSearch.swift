import Foundation

/// A search string of a FilterCondition, parsed once into folded terms. RFC 9610 §3.3 and
/// draft-ietf-jmap-calendars-27 §5.11.1 define text matching alike (case-insensitive tokens, quoted
/// phrases), so contacts and calendars share it.
struct TextQuery: Sendable, Hashable, ExpressibleByStringLiteral {
    /// What the client sent.
    let source: String
    /// Every term must match for the query to match; none means every record matches.
    let terms: [Term]

    struct Term: Sendable, Hashable {
        /// The folded text.
        var text: [UInt8]
        /// A phrase must start and end on word boundaries; a token may match anywhere.
        var isPhrase: Bool
        /// The digits of a term that looks like a phone number, to match phone numbers digit by digit.
        var phoneDigits: [UInt8]?

        init(_ text: String, isPhrase: Bool) {
            self.text = TextFolding.fold(text)
            self.isPhrase = isPhrase
            let phoneCharacters = Set("0123456789+-(). /".utf8)
            if self.text.contains(where: TextFolding.isDigit), self.text.allSatisfy(phoneCharacters.contains) {
                phoneDigits = self.text.filter(TextFolding.isDigit)
            }
        }

        /// Whether the term occurs in a folded value.
        func matches(_ value: [UInt8]) -> Bool {
            TextFolding.contains(value, text, wholeWords: isPhrase)
        }
    }

    init(_ source: String) {
        self.source = source
        self.terms = Self.parse(source).filter { !$0.text.isEmpty }
    }

    init(stringLiteral value: String) {
        self.init(value)
    }

    /// Splits on whitespace outside phrases; a double or single quote opening a term starts a phrase if a
    /// matching unescaped quote closes it. `\"`, `\'` and `\\` escape the character everywhere.
    private static func parse(_ source: String) -> [Term] {
        let scalars = Array(source.unicodeScalars)
        let escapable: Set<Unicode.Scalar> = ["\"", "'", "\\"]
        var terms: [Term] = []
        var token = String.UnicodeScalarView()
        func endToken() {
            if !token.isEmpty { terms.append(Term(String(token), isPhrase: false)) }
            token = String.UnicodeScalarView()
        }
        /// The index of the quote closing a phrase that opens at `start`, if any.
        func closingQuote(_ quote: Unicode.Scalar, after start: Int) -> Int? {
            var index = start + 1
            while index < scalars.count {
                if scalars[index] == "\\", index + 1 < scalars.count, escapable.contains(scalars[index + 1]) {
                    index += 2
                } else if scalars[index] == quote {
                    return index
                } else {
                    index += 1
                }
            }
            return nil
        }
        /// The characters between two indices, escapes resolved.
        func unescaped(_ range: Range<Int>) -> String {
            var result = String.UnicodeScalarView()
            var index = range.lowerBound
            while index < range.upperBound {
                if scalars[index] == "\\", index + 1 < range.upperBound, escapable.contains(scalars[index + 1]) {
                    index += 1
                }
                result.append(scalars[index])
                index += 1
            }
            return String(result)
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.properties.isWhitespace {
                endToken()
                index += 1
            } else if token.isEmpty, scalar == "\"" || scalar == "'", let end = closingQuote(scalar, after: index) {
                terms.append(Term(unescaped(index + 1..<end), isPhrase: true))
                index = end + 1
            } else if scalar == "\\", index + 1 < scalars.count, escapable.contains(scalars[index + 1]) {
                token.append(scalars[index + 1])
                index += 2
            } else {
                token.append(scalar)
                index += 1
            }
        }
        endToken()
        return terms
    }
}

/// Case- and diacritic-insensitive matching on UTF-8 bytes.
enum TextFolding {
    /// The string lowercased (ß as ss, final ς as σ), NFKD-decomposed without combining diacritical marks,
    /// whitespace runs as one space and trimmed. ASCII takes a fast path.
    static func fold(_ string: String) -> [UInt8] {
        var folded = FoldedBytes(capacity: string.utf8.count)
        if string.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in string.utf8 { folded.append(ascii: byte) }
            return folded.bytes
        }
        return foldLatin(string) ?? foldUnicode(string)
    }

    /// Strings of ASCII and the Latin blocks up to U+024F, folded a scalar at a time from a table: as
    /// `foldUnicode` folds them (no scalar there is a combining mark, so NFKD reorders nothing), without
    /// decomposing the whole string.
    private static func foldLatin(_ string: String) -> [UInt8]? {
        var folded = FoldedBytes(capacity: string.utf8.count)
        for scalar in string.unicodeScalars {
            if scalar.isASCII {
                folded.append(ascii: UInt8(truncatingIfNeeded: scalar.value))
                continue
            }
            guard scalar.value < latinEnd else { return nil }
            for byte in latinTable[Int(scalar.value) - 0x80] {
                if byte < 0x80 { folded.append(ascii: byte) } else { folded.appendByte(byte) }
            }
        }
        return folded.bytes
    }

    private static let latinEnd: UInt32 = 0x250

    /// The folded form of each scalar from U+0080 to U+024F, computed by `foldUnicode` between two
    /// letters so that whitespace stays a space.
    static let latinTable: [[UInt8]] = (0x80..<latinEnd).map { value in
        guard let scalar = Unicode.Scalar(value) else { return [] }
        return Array(foldUnicode("a" + String(scalar) + "a").dropFirst().dropLast())
    }

    /// The general case: NFKD, then per scalar.
    static func foldUnicode(_ string: String) -> [UInt8] {
        var folded = FoldedBytes(capacity: string.utf8.count)
        for scalar in string.decomposedStringWithCompatibilityMapping.unicodeScalars {
            if scalar.isASCII {
                folded.append(ascii: UInt8(truncatingIfNeeded: scalar.value))
                continue
            }
            let properties = scalar.properties
            if isDiacritic(scalar) {
                continue
            } else if properties.isWhitespace {
                folded.appendSpace()
            } else if properties.changesWhenLowercased {
                for lower in properties.lowercaseMapping.unicodeScalars where !isDiacritic(lower) {
                    folded.append(lower)
                }
            } else {
                folded.append(scalar)
            }
        }
        return folded.bytes
    }

    /// Folded UTF-8 being built: whitespace runs become one space, none leading or trailing.
    private struct FoldedBytes {
        var bytes: [UInt8] = []
        private var pendingSpace = false

        init(capacity: Int) {
            bytes.reserveCapacity(capacity)
        }

        mutating func appendSpace() {
            pendingSpace = !bytes.isEmpty
        }

        mutating func append(ascii byte: UInt8) {
            switch byte {
            case 0x09...0x0D, 0x20:
                appendSpace()
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                appendByte(byte + 0x20)
            default:
                appendByte(byte)
            }
        }

        /// A lowercase non-ASCII scalar, with ß as ss and final ς as σ.
        mutating func append(_ scalar: Unicode.Scalar) {
            let value: UInt32
            switch scalar {
            case "ß":
                appendByte(UInt8(ascii: "s"))
                appendByte(UInt8(ascii: "s"))
                return
            case "ς": value = ("σ" as Unicode.Scalar).value
            default: value = scalar.value
            }
            if value < 0x80 {
                append(ascii: UInt8(value))
            } else if value < 0x800 {
                appendByte(0xC0 | UInt8(value >> 6))
                bytes.append(0x80 | UInt8(value & 0x3F))
            } else if value < 0x10000 {
                appendByte(0xE0 | UInt8(value >> 12))
                bytes.append(0x80 | UInt8((value >> 6) & 0x3F))
                bytes.append(0x80 | UInt8(value & 0x3F))
            } else {
                appendByte(0xF0 | UInt8(value >> 18))
                bytes.append(0x80 | UInt8((value >> 12) & 0x3F))
                bytes.append(0x80 | UInt8((value >> 6) & 0x3F))
                bytes.append(0x80 | UInt8(value & 0x3F))
            }
        }

        mutating func appendByte(_ byte: UInt8) {
            if pendingSpace {
                bytes.append(UInt8(ascii: " "))
                pendingSpace = false
            }
            bytes.append(byte)
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// The combining diacritical mark blocks; other combining marks (e.g. kana voicing) are kept.
    private static func isDiacritic(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0300...0x036F, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE20...0xFE2F: true
        default: false
        }
    }

    /// Whether `needle` occurs in `haystack`; with `wholeWords`, only where it neither starts right after nor
    /// ends right before a letter or digit that continues one of its own words.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8], wholeWords: Bool) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        let checkStart = wholeWords && isWordScalar(scalar(in: needle, at: 0))
        let checkEnd = wholeWords && isWordScalar(scalar(endingAt: needle.count, in: needle))
        return haystack.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { needle in
                var start = 0
                let last = haystack.count - needle.count
                while start <= last {
                    if haystack[start] == first,
                        memcmp(haystack.baseAddress! + start, needle.baseAddress!, needle.count) == 0,
                        !checkStart || start == 0 || !isWordScalar(scalar(endingAt: start, in: haystack)),
                        !checkEnd || start + needle.count == haystack.count
                            || !isWordScalar(scalar(in: haystack, at: start + needle.count))
                    {
                        return true
                    }
                    start += 1
                }
                return false
            }
        }
    }

    /// Letters and digits of scripts that separate words with spaces; in scripts that do not (Han, kana,
    /// Thai...), any character boundary is a word boundary.
    private static func isWordScalar(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        if scalar.isASCII {
            let byte = UInt8(scalar.value)
            return isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
        }
        let properties = scalar.properties
        guard properties.isAlphabetic || properties.numericType != nil, !properties.isIdeographic else {
            return false
        }
        switch scalar.value {
        case 0x0E00...0x0EFF, 0x1000...0x109F, 0x1780...0x17FF, 0x3040...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F:
            return false
        default:
            return true
        }
    }

    /// The scalar whose UTF-8 starts at `index`.
    private static func scalar(in bytes: some RandomAccessCollection<UInt8>, at index: Int) -> Unicode.Scalar? {
        let start = bytes.index(bytes.startIndex, offsetBy: index)
        var iterator = bytes[start...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar }
        return nil
    }

    /// The scalar whose UTF-8 ends just before `end`.
    private static func scalar(endingAt end: Int, in bytes: some RandomAccessCollection<UInt8>) -> Unicode.Scalar? {
        var start = end - 1
        while start > 0, bytes[bytes.index(bytes.startIndex, offsetBy: start)] & 0xC0 == 0x80 { start -= 1 }
        return start >= 0 ? scalar(in: bytes, at: start) : nil
    }
}

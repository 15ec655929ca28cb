import Foundation

/// Why some bytes are not JSON, and where: `offset` counts bytes from the start of the input.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// The input ended inside a value (or held no value at all).
        case unexpectedEndOfInput
        /// A byte that cannot start or continue a value here.
        case unexpectedCharacter(UInt8)
        /// A number that breaks RFC 8259's grammar: a leading zero, a lone `-`, `1.`, `1e`.
        case invalidNumber
        /// A number too large for a `Double`, such as `1e400`.
        case numberOutOfRange
        /// A `\` followed by something other than `"` `\` `/` `b` `f` `n` `r` `t` `u`.
        case invalidEscape
        /// `\u` followed by something other than four hex digits.
        case invalidUnicodeEscape
        /// A `\uD800`–`\uDFFF` escape that is not half of a high-low surrogate pair.
        case unpairedSurrogate
        /// An unescaped U+0000–U+001F inside a string.
        case controlCharacterInString(UInt8)
        /// Bytes that are not well-formed UTF-8.
        case invalidUTF8
        /// Arrays and objects nested deeper than `JSONReader.maximumDepth`.
        case tooDeeplyNested
        /// Something other than whitespace after the value.
        case trailingData
        /// The value is well-formed but is not an object where one was required.
        case expectedObject
    }

    public let reason: Reason
    public let offset: Int

    public init(_ reason: Reason, offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        let what =
            switch reason {
            case .unexpectedEndOfInput: "Unexpected end of input"
            case .unexpectedCharacter(let byte):
                byte >= 0x20 && byte < 0x7F
                    ? "Unexpected character '\(Character(Unicode.Scalar(byte)))'"
                    : "Unexpected byte 0x\(String(byte, radix: 16))"
            case .invalidNumber: "Invalid number"
            case .numberOutOfRange: "Number out of range"
            case .invalidEscape: "Invalid escape sequence"
            case .invalidUnicodeEscape: "Invalid \\u escape"
            case .unpairedSurrogate: "Unpaired UTF-16 surrogate in \\u escape"
            case .controlCharacterInString(let byte):
                "Unescaped control character 0x\(String(byte, radix: 16)) in string"
            case .invalidUTF8: "Invalid UTF-8"
            case .tooDeeplyNested: "Too many nested arrays or objects (more than \(JSONReader.maximumDepth))"
            case .trailingData: "Unexpected data after the JSON value"
            case .expectedObject: "Expected a JSON object"
            }
        return "\(what) at byte offset \(offset)."
    }
}

/// Parses UTF-8 JSON text (RFC 8259) into a `JSONValue`.
///
/// - Whitespace is space, tab, LF and CR. A leading UTF-8 byte order mark is skipped.
/// - Numbers: an integer literal (no `.`, no exponent) that fits `Int` is `.int` (`-0` is `.int(0)`);
///   any other integer literal, and every literal with a fraction or exponent (`1.0`, `1e2`), is `.double`.
///   Numbers beyond `Double`'s range (`1e400`) are an error; tiny ones round to zero.
/// - Strings: all RFC 8259 escapes; `\u` surrogate pairs are combined; an unpaired surrogate is an
///   error (as Foundation's `JSONDecoder` has it), never replaced by U+FFFD. Raw bytes must be
///   well-formed UTF-8.
/// - Objects: duplicate keys are allowed and the last one wins.
/// - Nesting deeper than `maximumDepth` arrays/objects is an error, never a stack overflow.
/// - Anything but whitespace after the value is an error; trailing commas are errors.
public enum JSONReader {
    /// The deepest nesting of arrays and objects read (the top-level array or object is depth 1).
    public static let maximumDepth = 512

    public static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        try data.withUnsafeBytes { parse($0) }.get()
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBytes { parse($0) }.get()
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }.get()
    }

    /// Parses bytes that must hold a JSON object at the top level.
    public static func parseObject(_ data: Data) throws(JSONParseError) -> JSONObject {
        let value = try parse(data)
        guard case .object(let object) = value else {
            throw JSONParseError(.expectedObject, offset: data.withUnsafeBytes { Parser.valueStart(in: $0) })
        }
        return object
    }

    /// Where the members named `keys` of the JSON object in `buffer` are: each range runs from the
    /// key's opening quote to the end of its value. The other values are skipped unread and checked
    /// for their structure only (strings, nesting), so this suits JSON the program wrote itself.
    static func memberRanges(_ buffer: UnsafeRawBufferPointer, keys: Set<String>) throws(JSONParseError)
        -> [Range<Int>]
    {
        guard let base = buffer.baseAddress, !buffer.isEmpty else {
            throw JSONParseError(.unexpectedEndOfInput, offset: 0)
        }
        var parser = Parser(base: base.assumingMemoryBound(to: UInt8.self), count: buffer.count)
        return try parser.memberRanges(keys: keys)
    }

    static func parse(_ buffer: UnsafeRawBufferPointer) -> Result<JSONValue, JSONParseError> {
        guard let base = buffer.baseAddress, !buffer.isEmpty else {
            return .failure(JSONParseError(.unexpectedEndOfInput, offset: 0))
        }
        var parser = Parser(base: base.assumingMemoryBound(to: UInt8.self), count: buffer.count)
        return Result { () throws(JSONParseError) in try parser.parseDocument() }
    }
}

private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")

/// Exact powers of ten, for the exact fast path of `Parser.parseDouble`.
private let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22,
]

private struct Parser {
    let base: UnsafePointer<UInt8>
    let end: Int
    var position = 0
    /// Reused for strings with escapes.
    var scratch: [UInt8] = []
    /// The members of the objects being parsed, innermost last: collected first so that each
    /// dictionary is allocated once at its final size instead of growing (and rehashing) as it fills.
    var members: [Member] = []

    struct Member {
        var key: String
        var value: JSONValue
    }

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.end = count
    }

    /// The offset of the first byte of the value in `buffer`: after a byte order mark and whitespace.
    static func valueStart(in buffer: UnsafeRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        var parser = Parser(base: base.assumingMemoryBound(to: UInt8.self), count: buffer.count)
        parser.skipByteOrderMark()
        parser.skipWhitespace()
        return parser.position
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipByteOrderMark()
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if position < end { throw JSONParseError(.trailingData, offset: position) }
        return value
    }

    mutating func skipByteOrderMark() {
        if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { position = 3 }
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < end {
            switch base[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// The error for the byte at `position`, or for the end of input.
    func unexpected() -> JSONParseError {
        position < end
            ? JSONParseError(.unexpectedCharacter(base[position]), offset: position)
            : JSONParseError(.unexpectedEndOfInput, offset: end)
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard position < end else { throw unexpected() }
        switch base[position] {
        case quote: return .string(try parseString())
        case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        default: throw unexpected()
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let bytes = literal.utf8Start
        for index in 0..<count {
            guard position < end, base[position] == bytes[index] else { throw unexpected() }
            position += 1
        }
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONObject {
        guard depth <= JSONReader.maximumDepth else { throw JSONParseError(.tooDeeplyNested, offset: position) }
        position += 1
        skipWhitespace()
        if position < end && base[position] == UInt8(ascii: "}") {
            position += 1
            return [:]
        }
        let first = members.count
        while true {
            guard position < end, base[position] == quote else { throw unexpected() }
            let key = try parseString()
            skipWhitespace()
            guard position < end, base[position] == UInt8(ascii: ":") else { throw unexpected() }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append(Member(key: key, value: value))
            skipWhitespace()
            guard position < end else { throw unexpected() }
            switch base[position] {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                position += 1
                var object = JSONObject(minimumCapacity: members.count - first)
                for index in first..<members.count {
                    // Duplicate keys: the last one wins.
                    object[members[index].key] = members[index].value
                }
                members.removeSubrange(first...)
                return object
            default:
                throw unexpected()
            }
        }
    }

    mutating func memberRanges(keys: Set<String>) throws(JSONParseError) -> [Range<Int>] {
        skipByteOrderMark()
        skipWhitespace()
        guard position < end, base[position] == UInt8(ascii: "{") else {
            throw JSONParseError(.expectedObject, offset: position)
        }
        position += 1
        skipWhitespace()
        var ranges: [Range<Int>] = []
        if position < end && base[position] == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                guard position < end, base[position] == quote else { throw unexpected() }
                let start = position
                let key = try parseString()
                skipWhitespace()
                guard position < end, base[position] == UInt8(ascii: ":") else { throw unexpected() }
                position += 1
                skipWhitespace()
                try skipValue()
                if keys.contains(key) { ranges.append(start..<position) }
                skipWhitespace()
                guard position < end else { throw unexpected() }
                if base[position] == UInt8(ascii: "}") {
                    position += 1
                    break
                }
                guard base[position] == UInt8(ascii: ",") else { throw unexpected() }
                position += 1
                skipWhitespace()
            }
        }
        skipWhitespace()
        if position < end { throw JSONParseError(.trailingData, offset: position) }
        return ranges
    }

    /// Moves past the value at `position` without building it: strings to their closing quote,
    /// arrays and objects to their matching bracket, anything else to the next delimiter.
    mutating func skipValue() throws(JSONParseError) {
        var depth = 0
        repeat {
            guard position < end else { throw unexpected() }
            switch base[position] {
            case quote:
                position += 1
                while position < end && base[position] != quote {
                    position += base[position] == backslash ? 2 : 1
                }
                guard position < end else { throw unexpected() }
                position += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                guard depth <= JSONReader.maximumDepth else {
                    throw JSONParseError(.tooDeeplyNested, offset: position)
                }
                position += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { throw unexpected() }
                depth -= 1
                position += 1
            case UInt8(ascii: ","), UInt8(ascii: ":"), 0x20, 0x0A, 0x0D, 0x09:
                guard depth > 0 else { throw unexpected() }
                position += 1
            default:
                // A number or literal: up to the next delimiter.
                let start = position
                while position < end && !Self.endsScalar(base[position]) { position += 1 }
                if position == start { throw unexpected() }
            }
        } while depth > 0
    }

    static func endsScalar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ":"), quote, 0x20, 0x0A, 0x0D, 0x09:
            true
        default: false
        }
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> [JSONValue] {
        guard depth <= JSONReader.maximumDepth else { throw JSONParseError(.tooDeeplyNested, offset: position) }
        position += 1
        var array: [JSONValue] = []
        skipWhitespace()
        if position < end && base[position] == UInt8(ascii: "]") {
            position += 1
            return array
        }
        while true {
            array.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < end else { throw unexpected() }
            switch base[position] {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                position += 1
                return array
            default:
                throw unexpected()
            }
        }
    }

    // MARK: Strings

    /// Parses the string whose opening quote is at `position`.
    mutating func parseString() throws(JSONParseError) -> String {
        let start = position + 1
        var index = start
        var ascii = true
        while index < end {
            let byte = base[index]
            if byte == quote {
                position = index + 1
                return try makeString(start: start, count: index - start, ascii: ascii)
            }
            if byte == backslash { return try parseEscapedString(start: start, escape: index, ascii: ascii) }
            if byte < 0x20 { throw JSONParseError(.controlCharacterInString(byte), offset: index) }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        throw JSONParseError(.unexpectedEndOfInput, offset: end)
    }

    /// The string of the `count` bytes at `start`, checking that they are UTF-8 unless known to be ASCII.
    func makeString(start: Int, count: Int, ascii: Bool) throws(JSONParseError) -> String {
        let bytes = UnsafeBufferPointer(start: base + start, count: count)
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        if let string = String(validating: bytes, as: UTF8.self) { return string }
        throw JSONParseError(.invalidUTF8, offset: start + firstInvalidUTF8(bytes))
    }

    /// Parses the rest of a string that holds an escape: the string's content starts at `start`, and
    /// the first `\` is at `escape`.
    mutating func parseEscapedString(start: Int, escape: Int, ascii: Bool) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: escape - start))
        // Raw (unescaped) non-ASCII bytes are checked here, so the scratch buffer needs no second check.
        if !ascii { try checkUTF8(from: start, to: escape) }
        var index = escape
        while index < end {
            let byte = base[index]
            if byte == quote {
                position = index + 1
                return scratch.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
            }
            if byte == backslash {
                index = try parseEscape(at: index)
                continue
            }
            // A run of plain bytes.
            let runStart = index
            var runASCII = true
            while index < end {
                let byte = base[index]
                if byte == quote || byte == backslash { break }
                if byte < 0x20 { throw JSONParseError(.controlCharacterInString(byte), offset: index) }
                if byte >= 0x80 { runASCII = false }
                index += 1
            }
            if !runASCII { try checkUTF8(from: runStart, to: index) }
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: index - runStart))
        }
        throw JSONParseError(.unexpectedEndOfInput, offset: end)
    }

    /// Appends the character of the escape at `index` to `scratch`, returning the index after it.
    mutating func parseEscape(at index: Int) throws(JSONParseError) -> Int {
        guard index + 1 < end else { throw JSONParseError(.unexpectedEndOfInput, offset: end) }
        let unescaped: UInt8
        switch base[index + 1] {
        case quote: unescaped = quote
        case backslash: unescaped = backslash
        case UInt8(ascii: "/"): unescaped = UInt8(ascii: "/")
        case UInt8(ascii: "b"): unescaped = 0x08
        case UInt8(ascii: "f"): unescaped = 0x0C
        case UInt8(ascii: "n"): unescaped = 0x0A
        case UInt8(ascii: "r"): unescaped = 0x0D
        case UInt8(ascii: "t"): unescaped = 0x09
        case UInt8(ascii: "u"):
            let unit = try hexQuad(at: index + 2)
            var scalar = UInt32(unit)
            var next = index + 6
            switch unit {
            case 0xD800...0xDBFF:
                guard next + 1 < end, base[next] == backslash, base[next + 1] == UInt8(ascii: "u") else {
                    throw JSONParseError(.unpairedSurrogate, offset: index)
                }
                let low = try hexQuad(at: next + 2)
                guard (0xDC00...0xDFFF).contains(low) else { throw JSONParseError(.unpairedSurrogate, offset: index) }
                scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                next += 6
            case 0xDC00...0xDFFF:
                throw JSONParseError(.unpairedSurrogate, offset: index)
            default:
                break
            }
            appendUTF8(scalar)
            return next
        default:
            throw JSONParseError(.invalidEscape, offset: index)
        }
        scratch.append(unescaped)
        return index + 2
    }

    /// The four hex digits at `index`.
    func hexQuad(at index: Int) throws(JSONParseError) -> UInt16 {
        var value: UInt16 = 0
        for offset in 0..<4 {
            guard index + offset < end else { throw JSONParseError(.unexpectedEndOfInput, offset: end) }
            let byte = base[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: throw JSONParseError(.invalidUnicodeEscape, offset: index - 2)
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(0xC0 | UInt8(scalar >> 6))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(0xE0 | UInt8(scalar >> 12))
            scratch.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        default:
            scratch.append(0xF0 | UInt8(scalar >> 18))
            scratch.append(0x80 | UInt8((scalar >> 12) & 0x3F))
            scratch.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        }
    }

    func checkUTF8(from start: Int, to stop: Int) throws(JSONParseError) {
        let invalid = firstInvalidUTF8(UnsafeBufferPointer(start: base + start, count: stop - start))
        if start + invalid < stop { throw JSONParseError(.invalidUTF8, offset: start + invalid) }
    }

    // MARK: Numbers

    /// Parses the number that starts at `position` (with `-` or a digit).
    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var index = start
        let negative = base[index] == UInt8(ascii: "-")
        if negative { index += 1 }

        // Integer part: `0` or a non-zero digit and more digits.
        let integerStart = index
        guard index < end, isDigit(base[index]) else { throw JSONParseError(.invalidNumber, offset: start) }
        if base[index] == UInt8(ascii: "0") {
            index += 1
            if index < end && isDigit(base[index]) { throw JSONParseError(.invalidNumber, offset: start) }
        } else {
            while index < end && isDigit(base[index]) { index += 1 }
        }
        let integerEnd = index

        var fractionEnd = index
        var hasFraction = false
        if index < end && base[index] == UInt8(ascii: ".") {
            hasFraction = true
            index += 1
            let fractionStart = index
            while index < end && isDigit(base[index]) { index += 1 }
            guard index > fractionStart else { throw JSONParseError(.invalidNumber, offset: start) }
            fractionEnd = index
        }

        var hasExponent = false
        var exponent = 0
        var exponentOverflow = false
        if index < end && (base[index] == UInt8(ascii: "e") || base[index] == UInt8(ascii: "E")) {
            hasExponent = true
            index += 1
            var exponentNegative = false
            if index < end && (base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-")) {
                exponentNegative = base[index] == UInt8(ascii: "-")
                index += 1
            }
            let exponentStart = index
            while index < end && isDigit(base[index]) {
                if exponent < 100_000 {
                    exponent = exponent * 10 + Int(base[index] &- UInt8(ascii: "0"))
                } else {
                    exponentOverflow = true
                }
                index += 1
            }
            guard index > exponentStart else { throw JSONParseError(.invalidNumber, offset: start) }
            if exponentNegative { exponent = -exponent }
        }
        position = index

        if !hasFraction && !hasExponent {
            let digits = integerEnd - integerStart
            if digits <= 18 {
                var value = 0
                for offset in integerStart..<integerEnd {
                    value = value &* 10 &+ Int(base[offset] &- UInt8(ascii: "0"))
                }
                return .int(negative ? -value : value)
            }
            var magnitude: UInt64 = 0
            var overflow = false
            for offset in integerStart..<integerEnd {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(base[offset] &- UInt8(ascii: "0")))
                if overflow1 || overflow2 {
                    overflow = true
                    break
                }
                magnitude = sum
            }
            if !overflow {
                if !negative && magnitude <= UInt64(Int.max) { return .int(Int(magnitude)) }
                if negative && magnitude <= UInt64(Int.max) + 1 { return .int(Int(truncatingIfNeeded: 0 &- magnitude)) }
            }
        }

        // Exact fast path (Clinger): at most 19 significant digits giving a mantissa below 2^53,
        // scaled by an exactly representable power of ten, is one correctly rounded operation.
        if !exponentOverflow {
            var mantissa: UInt64 = 0
            var digits = 0
            for offset in integerStart..<integerEnd {
                mantissa = mantissa &* 10 &+ UInt64(base[offset] &- UInt8(ascii: "0"))
                if mantissa != 0 { digits += 1 }
            }
            var scale = exponent
            if hasFraction {
                for offset in (integerEnd + 1)..<fractionEnd {
                    mantissa = mantissa &* 10 &+ UInt64(base[offset] &- UInt8(ascii: "0"))
                    if mantissa != 0 { digits += 1 }
                    scale -= 1
                }
            }
            if digits <= 19 && mantissa <= 1 << 53 && scale >= -22 && scale <= 22 {
                var value = Double(mantissa)
                value = scale < 0 ? value / powersOfTen[-scale] : value * powersOfTen[scale]
                return .double(negative ? -value : value)
            }
        }

        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: index - start), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw JSONParseError(.numberOutOfRange, offset: start) }
        return .double(value)
    }

    @inline(__always)
    func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}

/// The offset of the first byte of `bytes` that is not part of well-formed UTF-8 (Unicode table 3-7),
/// or `bytes.count`.
func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var index = 0
    let count = bytes.count
    while index < count {
        let lead = bytes[index]
        if lead < 0x80 {
            index += 1
            continue
        }
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: return index
        }
        guard index + length <= count else { return index }
        let second = bytes[index + 1]
        guard second >= low && second <= high else { return index }
        for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 {
            return index
        }
        index += length
    }
    return count
}

/// Why a `JSONValue` could not be written.
public struct JSONWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// A double that is infinite or NaN: JSON has no way to write it.
        case nonFiniteNumber(Double)
        /// Arrays and objects nested deeper than `JSONWriter.maximumDepth`.
        case tooDeeplyNested
    }

    public let reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .nonFiniteNumber(let value): "Unable to encode \(value) directly in JSON."
        case .tooDeeplyNested: "Too many nested arrays or objects (more than \(JSONWriter.maximumDepth))."
        }
    }
}

/// Writes a `JSONValue` as compact UTF-8 JSON, byte for byte as `JSONCoding.makeEncoder()` would:
///
/// - object keys are sorted byte-wise by their UTF-8 encoding (which is Unicode scalar order, and what
///   `JSONEncoder`'s `.sortedKeys` produces; canonically equivalent spellings are not normalised);
/// - `/` is never escaped; `"` and `\` are; control characters U+0000–U+001F are written as `\b` `\t`
///   `\n` `\f` `\r` or `\u00xx` (lower-case hex); everything else, including non-ASCII, is written as is;
/// - integers are written in decimal;
/// - doubles are written as Swift's shortest round-tripping `description`, with a trailing `.0`
///   dropped as `JSONEncoder` does: `.double(2.0)` is written `2` (and so reads back as `.int(2)`),
///   `.double(-0.0)` is written `-0`, `.double(1e300)` is written `1e+300` (and reads back as `.double`);
/// - infinite and NaN doubles throw `JSONWriteError`, as does nesting deeper than `maximumDepth`.
public enum JSONWriter {
    /// The deepest nesting of arrays and objects written; the same limit `JSONReader` reads.
    public static let maximumDepth = 512

    /// Appends the JSON text of `value` to `buffer`.
    public static func write(_ value: JSONValue, into buffer: inout [UInt8]) throws(JSONWriteError) {
        var writer = Writer(buffer: buffer)
        buffer = []
        defer { buffer = writer.buffer }
        try writer.write(value, depth: 0)
    }

    /// Appends the JSON text of `object` to `buffer`.
    public static func write(_ object: JSONObject, into buffer: inout [UInt8]) throws(JSONWriteError) {
        var writer = Writer(buffer: buffer)
        buffer = []
        defer { buffer = writer.buffer }
        try writer.writeObject(object, depth: 1)
    }

    /// The JSON text of `value` as UTF-8.
    public static func bytes(_ value: JSONValue) throws(JSONWriteError) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(256)
        try write(value, into: &buffer)
        return buffer
    }

    /// The JSON text of `object` as UTF-8.
    public static func bytes(_ object: JSONObject) throws(JSONWriteError) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(256)
        try write(object, into: &buffer)
        return buffer
    }

    /// The JSON text of `value`.
    public static func string(_ value: JSONValue) throws(JSONWriteError) -> String {
        String(decoding: try bytes(value), as: UTF8.self)
    }

    /// Whether `a` sorts before `b` comparing their UTF-8 bytes: the order object keys are written in.
    static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        let result = a.utf8.withContiguousStorageIfAvailable { a in
            b.utf8.withContiguousStorageIfAvailable { b in
                let common = min(a.count, b.count)
                for index in 0..<common where a[index] != b[index] {
                    return a[index] < b[index]
                }
                return a.count < b.count
            }
        }
        if let result = result ?? nil { return result }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

private struct Writer {
    var buffer: [UInt8]

    mutating func write(_ value: JSONValue, depth: Int) throws(JSONWriteError) {
        switch value {
        case .null: append("null")
        case .bool(let value): value ? append("true") : append("false")
        case .int(let value): writeInt(value)
        case .double(let value): try writeDouble(value)
        case .string(let value): writeString(value)
        case .array(let elements): try writeArray(elements, depth: depth + 1)
        case .object(let object): try writeObject(object, depth: depth + 1)
        case .encoded(let encoded): buffer.append(contentsOf: encoded.bytes)
        }
    }

    mutating func writeArray(_ elements: [JSONValue], depth: Int) throws(JSONWriteError) {
        guard depth <= JSONWriter.maximumDepth else { throw JSONWriteError(.tooDeeplyNested) }
        buffer.append(UInt8(ascii: "["))
        var first = true
        for element in elements {
            if first {
                first = false
            } else {
                buffer.append(UInt8(ascii: ","))
            }
            try write(element, depth: depth)
        }
        buffer.append(UInt8(ascii: "]"))
    }

    mutating func writeObject(_ object: JSONObject, depth: Int) throws(JSONWriteError) {
        guard depth <= JSONWriter.maximumDepth else { throw JSONWriteError(.tooDeeplyNested) }
        buffer.append(UInt8(ascii: "{"))
        if object.count == 1, let (key, value) = object.first {
            writeString(key)
            buffer.append(UInt8(ascii: ":"))
            try write(value, depth: depth)
        } else if !object.isEmpty {
            // Sorting the positions rather than the members spares copying every key and value.
            var order = Array(object.indices)
            order.sort { JSONWriter.keyPrecedes(object.keys[$0], object.keys[$1]) }
            var first = true
            for index in order {
                if first {
                    first = false
                } else {
                    buffer.append(UInt8(ascii: ","))
                }
                writeString(object.keys[index])
                buffer.append(UInt8(ascii: ":"))
                try write(object.values[index], depth: depth)
            }
        }
        buffer.append(UInt8(ascii: "}"))
    }

    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }

    mutating func writeInt(_ value: Int) {
        if value >= 0 && value < 10 {
            buffer.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        // 20 bytes hold Int.min's digits and sign.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = value.magnitude
            var start = 20
            repeat {
                let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: 10)
                start -= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remainder)
                magnitude = quotient
            } while magnitude != 0
            if value < 0 {
                start -= 1
                digits[start] = UInt8(ascii: "-")
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    mutating func writeDouble(_ value: Double) throws(JSONWriteError) {
        guard value.isFinite else { throw JSONWriteError(.nonFiniteNumber(value)) }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        buffer.append(contentsOf: text.utf8)
    }

    mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { bytes in writeString(bytes) }
    }

    mutating func writeString(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(UInt8(ascii: "\""))
        guard let base = bytes.baseAddress else {
            buffer.append(UInt8(ascii: "\""))
            return
        }
        let count = bytes.count
        var runStart = 0
        var index = 0
        while index < count {
            let byte = base[index]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if runStart < index {
                buffer.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: index - runStart))
            }
            writeEscape(byte)
            index += 1
            runStart = index
        }
        if runStart < count {
            buffer.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: count - runStart))
        }
        buffer.append(UInt8(ascii: "\""))
    }

    mutating func writeEscape(_ byte: UInt8) {
        let short: UInt8? =
            switch byte {
            case UInt8(ascii: "\""): UInt8(ascii: "\"")
            case UInt8(ascii: "\\"): UInt8(ascii: "\\")
            case 0x08: UInt8(ascii: "b")
            case 0x09: UInt8(ascii: "t")
            case 0x0A: UInt8(ascii: "n")
            case 0x0C: UInt8(ascii: "f")
            case 0x0D: UInt8(ascii: "r")
            default: nil
            }
        if let short {
            buffer.append(UInt8(ascii: "\\"))
            buffer.append(short)
        } else {
            buffer.append(contentsOf: [
                UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)],
            ])
        }
    }
}

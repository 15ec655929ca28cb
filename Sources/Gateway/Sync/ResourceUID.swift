import DAV
import Foundation
import Store

/// The UID of a vCard or iCalendar body, read without a full parse: the store indexes it so a
/// create can detect a UID already present and a move can find its source. Scans bytes, since it
/// runs on every fetched resource.
enum ResourceUID {
    static func extract(from body: Data) -> String? {
        body.withUnsafeBytes { raw -> String? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lineStart = 0
            while lineStart < bytes.count {
                let lineEnd = (lineStart..<bytes.count).first { bytes[$0] == UInt8(ascii: "\n") } ?? bytes.count
                if let value = uidValue(bytes, lineStart, lineEnd) {
                    return unfolded(value, bytes, after: lineEnd)
                }
                lineStart = lineEnd + 1
            }
            return nil
        }
    }

    /// `UID:x`, `UID;VALUE=text:x` or `item1.UID:x` → the bytes of x on this line.
    private static func uidValue(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [UInt8]? {
        var nameStart = start
        var index = start
        while index < end, bytes[index] != UInt8(ascii: ":"), bytes[index] != UInt8(ascii: ";") {
            if bytes[index] == UInt8(ascii: ".") { nameStart = index + 1 }
            index += 1
        }
        guard index < end, index - nameStart == 3,
            bytes[nameStart] | 0x20 == UInt8(ascii: "u"), bytes[nameStart + 1] | 0x20 == UInt8(ascii: "i"),
            bytes[nameStart + 2] | 0x20 == UInt8(ascii: "d")
        else { return nil }
        while index < end, bytes[index] != UInt8(ascii: ":") { index += 1 }
        guard index < end else { return nil }
        var valueEnd = end
        if valueEnd > index + 1, bytes[valueEnd - 1] == UInt8(ascii: "\r") { valueEnd -= 1 }
        return Array(bytes[(index + 1)..<valueEnd])
    }

    /// Appends folded continuation lines (RFC 6350 §3.2, RFC 5545 §3.1: CRLF followed by a space or tab).
    private static func unfolded(_ value: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, after lineEnd: Int) -> String? {
        var value = value
        var next = lineEnd + 1
        while next < bytes.count, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") {
            let end = (next..<bytes.count).first { bytes[$0] == UInt8(ascii: "\n") } ?? bytes.count
            var contentEnd = end
            if contentEnd > next + 1, bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            value += bytes[(next + 1)..<contentEnd]
            next = end + 1
        }
        let text = String(decoding: value, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }
}

extension FetchedObject {
    /// A resource as the server sent it, for the cache, with its UID read from the body.
    init(_ resource: DAVResource) {
        self.init(
            href: resource.href, etag: resource.etag, uid: ResourceUID.extract(from: resource.body), body: resource.body
        )
    }
}

import Foundation

/// The UID of a vCard or iCalendar body, read without a full parse: the store indexes it so a
/// create can detect a UID already present and a move can find its source.
enum ResourceUID {
    static func extract(from body: Data) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        var lines = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .makeIterator()
        var current: Substring? = lines.next()
        while let line = current {
            var logical = String(line.hasSuffix("\r") ? line.dropLast() : line)
            var next = lines.next()
            // Unfold (RFC 6350 §3.2, RFC 5545 §3.1): a line starting with a space or tab continues the last.
            while let continuation = next, continuation.first == " " || continuation.first == "\t" {
                logical += continuation.dropFirst().trimmingCharacters(in: .init(charactersIn: "\r"))
                next = lines.next()
            }
            if let value = uidValue(logical) { return value }
            current = next
        }
        return nil
    }

    /// `UID:x`, `UID;VALUE=text:x` or `item.UID:x` → x.
    private static func uidValue(_ line: String) -> String? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let name = line[..<colon].split(separator: ";").first.map { $0.split(separator: ".").last ?? $0 } ?? ""
        guard name.uppercased() == "UID" else { return nil }
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }
}

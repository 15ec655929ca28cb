import ContentLine
import Foundation

/// The vCard versions the parser understands and the writer can produce.
///
/// 2.1 (vCard 2.1, IMC), 3.0 (RFC 2426) and 4.0 (RFC 6350) differ mostly in parameter syntax and
/// in how binary data and preferences are written, so the writer needs to know which one it emits.
public enum VCardVersion: String, Sendable, Hashable, CaseIterable {
    case v2_1 = "2.1"
    case v3_0 = "3.0"
    case v4_0 = "4.0"
}

/// One vCard parameter: its name as written and its values, unquoted and RFC 6868-decoded.
///
/// vCard 2.1 bare parameters (`TEL;HOME;VOICE:`) are stored under the name they imply
/// (`TYPE`, `ENCODING` or `VALUE`) so that readers need not know about that syntax.
public typealias VCardParameter = ContentLine.Parameter

/// One content line of a vCard.
///
/// `value` is the raw value text (escapes and transfer encodings still applied) so that nothing
/// is interpreted before the converter knows the value type. The text the property was parsed
/// from is kept in `source` and written back verbatim as long as the property is not changed:
/// that is what lets an update rewrite only the lines a client actually changed.
public struct VCardProperty: Sendable, Hashable, ContentLineProperty {
    public var group: String? { didSet { source = nil } }
    public var name: String { didSet { source = nil } }
    public var parameters: [VCardParameter] { didSet { source = nil } }
    public var value: String { didSet { source = nil } }
    /// The original (folded, CRLF-terminated lines, without the final CRLF) text; `nil` once changed.
    public private(set) var source: String?

    public init(group: String? = nil, name: String, parameters: [VCardParameter] = [], value: String) {
        self.group = group
        self.name = name
        self.parameters = parameters
        self.value = value
        self.source = nil
    }

    init(group: String?, name: String, parameters: [VCardParameter], value: String, source: String?) {
        self.init(group: group, name: name, parameters: parameters, value: value)
        self.source = source
    }

    /// TYPE values, lower-cased and split at commas (some producers put `TYPE="a,b"` in one value).
    public var types: [String] {
        (parameter("TYPE") ?? []).flatMap { $0.split(separator: ",").map { String($0).lowercased() } }
    }

    /// The value with vCard 2.1 QUOTED-PRINTABLE and CHARSET undone; escapes are still in place.
    public var decodedValue: String {
        guard let encoding = firstParameter("ENCODING")?.uppercased(), encoding == "QUOTED-PRINTABLE" else {
            return value
        }
        // Decoded line breaks are written as the TEXT escape, so that `value`-like text stays one line.
        return VCardValueCoding.decodeQuotedPrintable(value, charset: firstParameter("CHARSET"))
            .replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\r", with: "\\n")
    }

    /// The value as TEXT (RFC 6350 §3.4): escapes undone.
    public var text: String {
        VCardValueCoding.unescape(decodedValue)
    }

    /// The value as a structured value: components split at `;`, each split into its list at `,`.
    public var components: [[String]] {
        VCardValueCoding.splitStructured(decodedValue)
    }

    /// The value as a comma-separated list of TEXT values (CATEGORIES, NICKNAME).
    public var listValues: [String] {
        VCardValueCoding.split(decodedValue, at: ",").map(VCardValueCoding.unescape)
    }

    /// Whether the value is inline binary data (`ENCODING=b` in 3.0, `ENCODING=BASE64` in 2.1).
    public var isInlineBinary: Bool {
        guard let encoding = firstParameter("ENCODING")?.uppercased() else { return false }
        return encoding == "B" || encoding == "BASE64"
    }
}

/// A problem the parser recovered from, with the 1-based physical line number in the input.
public typealias VCardDiagnostic = ContentLineDiagnostic

/// One vCard: its content lines in input order, without BEGIN and END.
public struct VCard: Sendable, Hashable {
    public var properties: [VCardProperty]

    public init(properties: [VCardProperty] = []) {
        self.properties = properties
    }

    /// The VERSION value as written, if any.
    public var declaredVersion: String? {
        properties.first { $0.upperName == "VERSION" }?.value.trimmingCharacters(in: .whitespaces)
    }

    /// The version the card is read as. Cards without a (known) VERSION are read as 3.0, the
    /// most common version of the old exports that omit it; 3.0 rules are also the most lenient.
    public var version: VCardVersion {
        declaredVersion.flatMap(VCardVersion.init(rawValue:)) ?? .v3_0
    }

    /// The properties named `name` (case-insensitive).
    public func properties(named name: String) -> [VCardProperty] {
        let upper = name.uppercased()
        return properties.filter { $0.upperName == upper }
    }
}

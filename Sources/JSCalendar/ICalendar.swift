import ContentLine
import Foundation

/// One iCalendar parameter: its name as written and its values, unquoted and RFC 6868-decoded
/// (RFC 5545 §3.2; multi-valued parameters such as MEMBER keep one entry per value).
public typealias ICalParameter = ContentLine.Parameter

/// One content line (RFC 5545 §3.1).
///
/// `value` is the raw value text (escapes still in place) so nothing is interpreted before the
/// value type is known. `source` is the text the property was parsed from (folded physical lines
/// joined by CRLF): an untouched property is written back byte for byte, which is what lets the
/// update path rewrite only what a client changed.
public struct ICalProperty: Sendable, Hashable, ContentLineProperty {
    public var name: String { didSet { source = nil } }
    public var parameters: [ICalParameter] { didSet { source = nil } }
    public var value: String { didSet { source = nil } }
    /// The original text without the final line break; `nil` once the property changed.
    public private(set) var source: String?

    public init(name: String, parameters: [ICalParameter] = [], value: String) {
        self.name = name
        self.parameters = parameters
        self.value = value
        self.source = nil
    }

    init(name: String, parameters: [ICalParameter], value: String, source: String?) {
        self.init(name: name, parameters: parameters, value: value)
        self.source = source
    }

    /// The value as TEXT (RFC 5545 §3.3.11), escapes undone.
    public var text: String { ICalValueCoding.unescape(value) }

    /// The value as a list of TEXT values split at unescaped commas (CATEGORIES, RESOURCES).
    public var textList: [String] {
        TextValue.split(value, at: ",").map(ICalValueCoding.unescape)
    }

    /// The value type: the VALUE parameter, else the property's default (RFC 5545 §3.2.20).
    public var valueType: String {
        if let explicit = firstParameter("VALUE") { return explicit.uppercased() }
        return ICalValueCoding.defaultValueType(upperName)
    }
}

/// A component (RFC 5545 §3.6): its properties and subcomponents in input order. Unknown
/// components are kept like known ones.
public struct ICalComponent: Sendable, Hashable {
    public var name: String
    public var properties: [ICalProperty]
    public var components: [ICalComponent]

    public init(name: String, properties: [ICalProperty] = [], components: [ICalComponent] = []) {
        self.name = name
        self.properties = properties
        self.components = components
    }

    public var upperName: String { name.uppercased() }

    /// The properties named `name` (case-insensitive).
    public func properties(named name: String) -> [ICalProperty] {
        let upper = name.uppercased()
        return properties.filter { $0.upperName == upper }
    }

    /// The first property named `name`.
    public func property(_ name: String) -> ICalProperty? {
        let upper = name.uppercased()
        return properties.first { $0.upperName == upper }
    }

    /// The subcomponents named `name` (case-insensitive).
    public func components(named name: String) -> [ICalComponent] {
        let upper = name.uppercased()
        return components.filter { $0.upperName == upper }
    }

    /// UID as text.
    public var uid: String? { property("UID")?.text }
}

/// A problem the parser recovered from, with the 1-based physical line number.
public typealias ICalDiagnostic = ContentLineDiagnostic

/// An iCalendar stream (RFC 5545 §3.4): usually one VCALENDAR component.
public struct ICalendar: Sendable, Hashable {
    public var components: [ICalComponent]

    public init(components: [ICalComponent] = []) {
        self.components = components
    }

    /// The first VCALENDAR (or the first component when a producer omitted VCALENDAR).
    public var calendar: ICalComponent? {
        components.first { $0.upperName == "VCALENDAR" } ?? components.first
    }

    /// One VCALENDAR holding everything: the first VCALENDAR's properties, the components of
    /// every VCALENDAR, and components that producers put outside any VCALENDAR (RFC 5545 §3.4
    /// allows several objects per stream; the conversion draft §2.1.1 defines one).
    public var mergedCalendar: ICalComponent {
        let calendars = components.filter { $0.upperName == "VCALENDAR" }
        if calendars.count == 1, components.count == 1 { return calendars[0] }
        var merged = calendars.first ?? ICalComponent(name: "VCALENDAR")
        merged.components = []
        for component in components {
            if component.upperName == "VCALENDAR" {
                merged.components += component.components
            } else {
                merged.components.append(component)
            }
        }
        return merged
    }

    /// Parses text; see `ICalParser`.
    public static func parse(_ text: String) -> (calendar: ICalendar, diagnostics: [ICalDiagnostic]) {
        ICalParser.parse(text)
    }

    /// Serializes with CRLF and folding; see `ICalWriter`.
    public func serialized() -> String { ICalWriter.serialize(self) }
}

import Foundation

/// A parsed XML element: enough of a DOM to read DAV property values, which can nest
/// (`resourcetype`, `supported-report-set`, `current-user-privilege-set`).
public struct DAVElement: Sendable, Hashable {
    public var name: XMLName
    public var attributes: [String: String]
    public var children: [DAVElement]
    /// Character data directly inside this element.
    public var text: String

    public init(name: XMLName, attributes: [String: String] = [:], children: [DAVElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    public func child(_ name: XMLName) -> DAVElement? {
        children.first { $0.name == name }
    }

    public func children(_ name: XMLName) -> [DAVElement] {
        children.filter { $0.name == name }
    }

    /// All descendants (depth first) with the name.
    public func descendants(_ name: XMLName) -> [DAVElement] {
        children.flatMap { ($0.name == name ? [$0] : []) + $0.descendants(name) }
    }

    /// The trimmed text content.
    public var trimmedText: String { text.trimmingXMLWhitespace }

    /// The `DAV:href` values inside (e.g. of `current-user-principal` or a home set).
    public var hrefs: [String] { descendants(.href).map(\.trimmedText).filter { !$0.isEmpty } }
}

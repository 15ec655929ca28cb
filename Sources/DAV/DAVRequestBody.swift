import Foundation

/// XML request bodies. They are built as `Element` trees and rendered in one place, so every text
/// and attribute value is escaped and every namespace gets its prefix once; no body is assembled
/// by concatenating user input.
public enum DAVRequestBody {
    /// An element of a request body.
    public struct Element: Sendable, Hashable {
        public var name: XMLName
        /// Unqualified attributes (e.g. `name` of `C:comp`), rendered sorted by name.
        public var attributes: [String: String]
        public var text: String
        public var children: [Element]

        public init(_ name: XMLName, attributes: [String: String] = [:], text: String = "", children: [Element] = []) {
            self.name = name
            self.attributes = attributes
            self.text = text
            self.children = children
        }

        /// Renders the element; the root also declares every namespace its subtree used.
        fileprivate func render(_ namespaces: inout NamespacePrefixes, declaringNamespaces: Bool = false) -> String {
            let tag = namespaces.qualified(name)
            let content = DAVRequestBody.escape(text) + children.map { $0.render(&namespaces) }.joined()
            let declarations = declaringNamespaces ? namespaces.declarations : ""
            let attributes = attributes.sorted { $0.key < $1.key }.map {
                " \($0.key)=\"\(DAVRequestBody.escape($0.value))\""
            }
            return "<\(tag)\(declarations)\(attributes.joined())" + (content.isEmpty ? "/>" : ">\(content)</\(tag)>")
        }
    }

    /// Renders a document with all namespace declarations on the root element.
    public static func document(_ root: Element) -> Data {
        var namespaces = NamespacePrefixes()
        return Data(
            ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + root.render(&namespaces, declaringNamespaces: true)).utf8)
    }

    /// `<prop>` with one empty element per property name, as PROPFIND and REPORTs ask for them.
    public static func prop(_ properties: [XMLName]) -> Element {
        Element(.prop, children: properties.map { Element($0) })
    }

    public static func propfind(_ properties: [XMLName]) -> Data {
        document(Element(.dav("propfind"), children: [prop(properties)]))
    }

    /// Escapes text for XML content or attribute values. A carriage return becomes `&#13;` so it
    /// survives the receiving parser's line-end normalisation (iCalendar and vCard lines end in
    /// CRLF); characters XML 1.0 cannot carry at all (most C0 controls) are dropped.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\r": escaped += "&#13;"
            case "\t", "\n": escaped.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": break
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

/// Gives each namespace a prefix (`d` for DAV:) and renders the `xmlns` declarations.
struct NamespacePrefixes {
    private var prefixes: [String: String] = [DAVNamespace.dav: "d"]
    private var order: [String] = [DAVNamespace.dav]

    mutating func qualified(_ name: XMLName) -> String {
        if let prefix = prefixes[name.namespace] { return "\(prefix):\(name.name)" }
        let prefix = "n\(order.count)"
        prefixes[name.namespace] = prefix
        order.append(name.namespace)
        return "\(prefix):\(name.name)"
    }

    var declarations: String {
        order.compactMap { namespace in
            prefixes[namespace].map { " xmlns:\($0)=\"\(DAVRequestBody.escape(namespace))\"" }
        }.joined()
    }
}

import Foundation

/// XML request bodies. Element names come from `XMLName`, so prefixes are assigned here once.
public enum DAVRequestBody {
    public static func propfind(_ properties: [XMLName]) -> Data {
        var namespaces = NamespacePrefixes()
        let props = properties.map { "<\(namespaces.qualified($0))/>" }.joined()
        return Data(
            """
            <?xml version="1.0" encoding="utf-8"?>
            <d:propfind\(namespaces.declarations)><d:prop>\(props)</d:prop></d:propfind>
            """.utf8)
    }

    /// Escapes text for XML content or attribute values.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
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

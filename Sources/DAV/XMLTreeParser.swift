import Foundation

/// Parses a small DAV document (a `DAV:error` body, an MKCOL answer) into one element tree. A
/// multistatus, which can be large, is streamed by `MultistatusParser` instead.
enum XMLTreeParser {
    static func parse(_ data: Data, maxSize: Int) throws(MultistatusError) -> DAVElement {
        let tree = try SafeXMLParser.parse(data, maxSize: maxSize, handler: TreeHandler())
        guard let root = tree.root else { throw .malformed("no root element") }
        return root
    }
}

private struct TreeHandler: SAXHandler {
    var builder = ElementBuilder()
    var root: DAVElement?

    mutating func start(_ name: XMLName, attributes: [String: String]) {
        builder.start(name, attributes: attributes)
    }

    mutating func end(_ name: XMLName) {
        if let element = builder.end() { root = element }
    }

    mutating func characters(_ text: String) {
        builder.characters(text)
    }
}

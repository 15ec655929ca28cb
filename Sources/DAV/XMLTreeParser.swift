import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses DAV XML safely: namespaces on, external entities off, any DTD refused outright (DAV
/// never needs one, and it is the door to entity-expansion attacks), and a size cap.
enum XMLTreeParser {
    static func parse(_ data: Data, maxSize: Int) throws(XMLTreeParserError) -> DAVElement {
        guard data.count <= maxSize else { throw .tooLarge }
        if data.range(of: Data("<!DOCTYPE".utf8)) != nil || data.range(of: Data("<!doctype".utf8)) != nil {
            throw .malformed("document type declarations are not accepted")
        }
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        let builder = TreeBuilder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            let reason = builder.error ?? parser.parserError.map { String(describing: $0) } ?? "not well-formed XML"
            throw .malformed(reason)
        }
        return root
    }
}

enum XMLTreeParserError: Error, Sendable {
    case tooLarge
    case malformed(String)
}

/// Builds the element tree from XMLParser's events. Used by one parse call on one thread.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [DAVElement] = []
    var root: DAVElement?
    var error: String?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        stack.append(DAVElement(name: XMLName(namespaceURI ?? "", elementName), attributes: attributes))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let element = stack.popLast() else { return }
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        error = error ?? String(describing: parseError)
    }
}

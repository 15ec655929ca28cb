import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Runs XMLParser over DAV XML safely: namespaces on, external entities off, any DTD refused outright
/// (DAV never needs one, and it is the door to entity-expansion attacks), and a size cap. Every DAV
/// document goes through here, whether read as a stream of responses or as one small tree.
enum SafeXMLParser {
    /// Feeds the document's events to `handler` and returns it in its final state.
    static func parse<Handler: SAXHandler>(
        _ data: Data, maxSize: Int, handler: Handler
    ) throws(MultistatusError) -> Handler {
        guard data.count <= maxSize else { throw .tooLarge }
        if data.range(of: Data("<!DOCTYPE".utf8)) != nil || data.range(of: Data("<!doctype".utf8)) != nil {
            throw .malformed("document type declarations are not accepted")
        }
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        let bridge = SAXBridge(handler)
        parser.delegate = bridge
        let parsed = parser.parse()
        if let failure = bridge.failure { throw failure }
        guard parsed else {
            throw .malformed(parser.parserError.map { String(describing: $0) } ?? "not well-formed XML")
        }
        return bridge.handler
    }
}

/// The SAX events a DAV reader cares about, with names already namespace-resolved. Throwing stops
/// the parse.
protocol SAXHandler {
    mutating func start(_ name: XMLName, attributes: [String: String]) throws(MultistatusError)
    mutating func end(_ name: XMLName) throws(MultistatusError)
    mutating func characters(_ text: String)
}

/// Forwards XMLParser's delegate calls to a `SAXHandler`. (Not a delegate base class: on Linux a
/// subclass's delegate methods would not be called.)
private final class SAXBridge<Handler: SAXHandler>: NSObject, XMLParserDelegate {
    var handler: Handler
    var failure: MultistatusError?

    init(_ handler: Handler) {
        self.handler = handler
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        guard failure == nil else { return }
        do {
            try handler.start(XMLName(namespaceURI ?? "", elementName), attributes: attributes)
        } catch {
            fail(parser, error)
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard failure == nil else { return }
        do {
            try handler.end(XMLName(namespaceURI ?? "", elementName))
        } catch {
            fail(parser, error)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard failure == nil else { return }
        handler.characters(string)
    }

    func parser(_ parser: XMLParser, foundCDATA cdataBlock: Data) {
        guard failure == nil else { return }
        handler.characters(String(decoding: cdataBlock, as: UTF8.self))
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if failure == nil { failure = .malformed(String(describing: parseError)) }
    }

    private func fail(_ parser: XMLParser, _ error: MultistatusError) {
        failure = error
        parser.abortParsing()
    }
}

/// Builds `DAVElement` subtrees from SAX events: a property value inside a streamed multistatus, or
/// a whole small document such as a `DAV:error` body.
struct ElementBuilder {
    private var stack: [DAVElement] = []

    var isBuilding: Bool { !stack.isEmpty }

    mutating func start(_ name: XMLName, attributes: [String: String]) {
        stack.append(DAVElement(name: name, attributes: attributes))
    }

    mutating func characters(_ text: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += text
    }

    /// Closes the innermost element; returns the subtree's root once it is complete.
    mutating func end() -> DAVElement? {
        guard let element = stack.popLast() else { return nil }
        guard !stack.isEmpty else { return element }
        stack[stack.count - 1].children.append(element)
        return nil
    }
}

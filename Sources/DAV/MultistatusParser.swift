import Foundation

/// The SAX state machine behind `Multistatus.forEachResponse`: keeps only the response being read
/// (property values become `DAVElement` subtrees) and hands each one on when it ends.
struct MultistatusParser: SAXHandler {
    private let onResponse: (Multistatus.Response) throws(MultistatusError) -> Void
    private(set) var syncToken: String?
    /// Nesting depth of the current element: 1 is `multistatus`, 2 `response`, 3 `propstat`, 4
    /// `prop`, 5 a property.
    private var depth = 0
    private var text = ""
    private var response: Draft?
    private var propstat: Multistatus.PropStat?
    private var inProp = false
    private var tree = ElementBuilder()

    private struct Draft {
        var hrefs: [String] = []
        var status: Int?
        var propstats: [Multistatus.PropStat] = []
        var error: DAVElement?
    }

    init(onResponse: @escaping (Multistatus.Response) throws(MultistatusError) -> Void) {
        self.onResponse = onResponse
    }

    mutating func start(_ name: XMLName, attributes: [String: String]) throws(MultistatusError) {
        depth += 1
        if tree.isBuilding {
            tree.start(name, attributes: attributes)
            return
        }
        text = ""
        switch depth {
        case 1:
            guard name == .multistatus else { throw .malformed("expected DAV:multistatus, got \(name)") }
        case 2 where name == .response:
            response = Draft()
        case 3 where response != nil && name == .propstat:
            propstat = Multistatus.PropStat(status: 200, properties: [])
        case 3 where response != nil && name == .error:
            tree.start(name, attributes: attributes)
        case 4 where propstat != nil:
            inProp = name == .prop
        case 5 where inProp:
            tree.start(name, attributes: attributes)
        default:
            break
        }
    }

    mutating func end(_ name: XMLName) throws(MultistatusError) {
        defer { depth -= 1 }
        if tree.isBuilding {
            guard let element = tree.end() else { return }
            if depth == 5 {
                propstat?.properties.append(element)
            } else {
                response?.error = element
            }
            return
        }
        let value = text.trimmingXMLWhitespace
        switch (depth, name) {
        case (2, .response):
            try finishResponse()
        case (2, .syncToken):
            syncToken = value
        case (3, .href):
            if !value.isEmpty { response?.hrefs.append(value) }
        case (3, .status):
            response?.status = Multistatus.statusCode(value)
        case (3, .propstat):
            if let propstat { response?.propstats.append(propstat) }
            propstat = nil
        case (4, .status):
            propstat?.status = Multistatus.statusCode(value) ?? 200
        case (4, .prop):
            inProp = false
        default:
            break
        }
    }

    mutating func characters(_ string: String) {
        if tree.isBuilding {
            tree.characters(string)
        } else {
            text += string
        }
    }

    private mutating func finishResponse() throws(MultistatusError) {
        guard let draft = response, let href = draft.hrefs.first else {
            throw .malformed("a DAV:response has no href")
        }
        response = nil
        try onResponse(
            Multistatus.Response(
                href: href, additionalHrefs: Array(draft.hrefs.dropFirst()), status: draft.status,
                propstats: draft.propstats, error: draft.error))
    }
}

import Foundation

/// What a multiget returned.
public struct MultigetResult: Sendable, Hashable {
    /// In the order the hrefs were requested.
    public var resources: [DAVResource]
    /// Requested hrefs (normalised) that are gone: answered 404, or silently left out of the answer
    /// as DAViCal does.
    public var missing: [String]

    public init(resources: [DAVResource] = [], missing: [String] = []) {
        self.resources = resources
        self.missing = missing
    }
}

extension DAVClient {
    /// Fetches bodies and ETags of the given members with addressbook-multiget (RFC 6352 §8.7) or
    /// calendar-multiget (RFC 4791 §7.9), `batchSize` hrefs per REPORT. Hrefs may be in any form
    /// `DAVHref` accepts; they are sent as canonical paths, which every tested server accepts.
    public func multiget(
        _ url: URL, kind: DAVCollection.Kind, hrefs: [String], batchSize: Int = 100
    ) async throws(DAVError) -> MultigetResult {
        var seen = Set<String>()
        let requested = hrefs.map { DAVHref.normalize($0, relativeTo: url) }.filter { seen.insert($0).inserted }
        let size = max(1, batchSize)
        var result = MultigetResult()
        for start in stride(from: 0, to: requested.count, by: size) {
            let batch = Array(requested[start..<min(requested.count, start + size)])
            let response = try await send(
                "REPORT", url,
                // RFC 6352 requires Depth 0 on addressbook-multiget; RFC 4791 says not to send one.
                headers: kind == .addressBook ? [("Depth", "0")] : [],
                body: DAVRequestBody.multiget(kind: kind, paths: batch.map { DAVHref.path($0, relativeTo: url) }),
                expecting: [207])
            let answered = try multigetBatch(response, collection: url, kind: kind, requested: batch)
            result.resources += answered.resources
            result.missing += answered.missing
        }
        return result
    }

    /// Reads one multiget answer. An href answered with an error other than 404, or with a success
    /// but no body, fails the whole batch rather than be taken for deleted.
    func multigetBatch(
        _ response: DAVResponse, collection url: URL, kind: DAVCollection.Kind, requested: [String]
    ) throws(DAVError) -> MultigetResult {
        let dataName: XMLName = kind == .addressBook ? .addressData : .calendarData
        var found: [String: DAVResource] = [:]
        var order: [String] = []
        var failure: DAVError?
        try forEachResponse(in: response) { (response) throws(MultistatusError) in
            for raw in response.hrefs {
                let href = DAVHref.normalize(raw, relativeTo: url)
                switch response.failureStatus {
                case 404, 410:
                    continue
                case let status?:
                    failure = failure ?? DAVError.from(status: status, url: href)
                case nil:
                    guard let data = response.property(dataName) else {
                        throw .malformed("no \(dataName) for \(href)")
                    }
                    let resource = DAVResource(href: href, etag: response.etag, body: data.objectData)
                    if found.updateValue(resource, forKey: href) == nil { order.append(href) }
                }
            }
        }
        if let failure { throw failure }
        // In the order asked for; whatever was asked for and not answered with a body is gone (404, or
        // left out). Anything answered but not asked for comes last.
        let asked = Set(requested)
        return MultigetResult(
            resources: requested.compactMap { found[$0] }
                + order.filter { !asked.contains($0) }.compactMap { found[$0] },
            missing: requested.filter { found[$0] == nil })
    }
}

extension DAVRequestBody {
    /// `CARDDAV:addressbook-multiget` or `CALDAV:calendar-multiget` asking for the ETag and body.
    static func multiget(kind: DAVCollection.Kind, paths: [String]) -> Data {
        let (report, data): (XMLName, XMLName) =
            kind == .addressBook
            ? (.carddav("addressbook-multiget"), .addressData) : (.caldav("calendar-multiget"), .calendarData)
        return document(Element(report, children: [prop([.getETag, data])] + paths.map { Element(.href, text: $0) }))
    }
}

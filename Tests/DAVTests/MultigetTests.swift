import Foundation
import Testing

@testable import DAV

/// addressbook-multiget and calendar-multiget answers (RFC 6352 §8.7, RFC 4791 §7.9).
@Suite struct MultigetTests {
    let client = TestDAV.client(.init(name: "alice", password: "unused"))

    func batch(_ recording: String, collection: String, requested: [String]) throws -> MultigetResult {
        let url = try TestDAV.url(collection)
        return try client.multigetBatch(
            TestDAV.response(207, TestDAV.recorded(recording), url: collection), collection: url, kind: .addressBook,
            requested: requested.map { DAVHref.normalize($0, relativeTo: url) })
    }

    @Test(arguments: [
        ("radicale-multiget-missing", "http://127.0.0.1:5232/alice/rec-ab/"),
        ("xandikos-multiget-missing", "http://127.0.0.1:8081/alice/contacts/rec-ab/"),
    ])
    func answered404IsMissingAndBodiesAreRead(recording: String, collection: String) throws {
        let result = try batch(
            recording, collection: collection, requested: ["a@b.vcf", "missing.vcf", "x%40y%20z.vcf"])
        #expect(result.missing == [collection + "missing.vcf"])
        #expect(Set(result.resources.map(\.href)) == [collection + "a%40b.vcf", collection + "x%40y%20z.vcf"])
        let two = try #require(result.resources.first { $0.href.hasSuffix("a%40b.vcf") })
        #expect(
            TestDAV.text(two.body) == "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c2\r\nFN:Two\r\nN:Two;;;;\r\nEND:VCARD\r\n")
        #expect(two.etag?.hasPrefix("\"") == true)
    }

    /// DAViCal leaves a missing href out of the answer instead of answering 404.
    @Test func omittedHrefIsMissing() throws {
        let collection = "http://127.0.0.1:5232/alice/rec-ab/"
        let result = try batch(
            "radicale-multiget-missing", collection: collection,
            requested: ["a%40b.vcf", "missing.vcf", "x@y z.vcf", "/alice/rec-ab/omitted.vcf"])
        #expect(result.missing == [collection + "missing.vcf", collection + "omitted.vcf"])
        #expect(result.resources.count == 2)
    }

    @Test func otherErrorStatusesFailTheBatchInsteadOfLookingDeleted() throws {
        let xml = """
            <d:multistatus xmlns:d="DAV:"><d:response><d:href>/c/x.vcf</d:href>
            <d:status>HTTP/1.1 403 Forbidden</d:status></d:response></d:multistatus>
            """
        #expect {
            try client.multigetBatch(
                TestDAV.response(207, Data(xml.utf8), url: "http://h/c/"), collection: TestDAV.url("http://h/c/"),
                kind: .addressBook, requested: ["http://h/c/x.vcf"])
        } throws: { isDAVError($0) { $0 == .forbidden(url: "http://h/c/x.vcf") } }
    }

    @Test func requestBodyListsPathsAndAsksForData() throws {
        let card = try XMLTreeParser.parse(
            DAVRequestBody.multiget(kind: .addressBook, paths: ["/a/x%40y.vcf"]), maxSize: 1 << 16)
        #expect(card.name == .carddav("addressbook-multiget"))
        #expect(card.child(.prop)?.children.map(\.name) == [.getETag, .addressData])
        #expect(card.hrefs == ["/a/x%40y.vcf"])
        let event = try XMLTreeParser.parse(
            DAVRequestBody.multiget(kind: .calendar, paths: ["/c/1.ics", "/c/2.ics"]), maxSize: 1 << 16)
        #expect(event.name == .caldav("calendar-multiget"))
        #expect(event.child(.prop)?.children.map(\.name) == [.getETag, .calendarData])
        #expect(event.hrefs.count == 2)
    }
}

import Foundation
import Testing

@testable import DAV

/// The streaming multistatus reader: one `DAV:response` at a time, in document order.
@Suite struct MultistatusStreamingTests {
    @Test func responsesArriveOneAtATimeWithTheirProperties() throws {
        var hrefs: [String] = []
        var bodies: [String] = []
        let token = try Multistatus.forEachResponse(in: TestDAV.recorded("xandikos-multiget-missing"), maxSize: 1 << 20)
        {
            hrefs.append($0.href)
            bodies.append($0.property(.addressData)?.text ?? "")
        }
        #expect(token == nil)
        #expect(
            hrefs == [
                "/alice/contacts/rec-ab/a@b.vcf", "/alice/contacts/rec-ab/missing.vcf",
                "/alice/contacts/rec-ab/x@y%20z.vcf",
            ])
        #expect(bodies[0].hasPrefix("BEGIN:VCARD\nVERSION:3.0\nUID:c2\n"))
        #expect(bodies[1].isEmpty)
    }

    @Test func syncTokenBeforeTheResponsesIsRead() throws {
        // Radicale writes the token first, Xandikos last.
        var count = 0
        let token = try Multistatus.forEachResponse(
            in: TestDAV.recorded("radicale-sync-initial-tombstone"), maxSize: 1 << 20
        ) { _ in count += 1 }
        #expect(token?.hasPrefix("http://radicale.org/ns/sync/") == true)
        #expect(count == 3)
    }

    @Test func errorFromTheHandlerStopsTheParse() throws {
        var seen = 0
        #expect {
            try Multistatus.forEachResponse(in: TestDAV.recorded("radicale-members-depth1"), maxSize: 1 << 20) {
                (_) throws(MultistatusError) in
                seen += 1
                throw .malformed("stop")
            }
        } throws: { error in
            if case MultistatusError.malformed("stop") = error { return true }
            return false
        }
        #expect(seen == 1)
    }

    @Test func sharedStatusHrefsAndResponseErrorsAreKept() throws {
        let xml = """
            <D:multistatus xmlns:D="DAV:">
              <D:response><D:href>/a/1.vcf</D:href><D:href>/a/2.vcf</D:href>
                <D:status>HTTP/1.1 404 Not Found</D:status></D:response>
            </D:multistatus>
            """
        let multistatus = try Multistatus(data: Data(xml.utf8), maxSize: 1 << 20)
        #expect(multistatus.responses.first?.hrefs == ["/a/1.vcf", "/a/2.vcf"])
        #expect(multistatus.responses.first?.failureStatus == 404)

        let truncated = try Multistatus(data: TestDAV.recorded("rfc6578-sync-truncated-507"), maxSize: 1 << 20)
        #expect(truncated.responses.last?.status == 507)
        #expect(truncated.responses.last?.error?.child(.dav("number-of-matches-within-limits")) != nil)
        // The line break inside <D:href ...> is whitespace, not part of the href.
        #expect(truncated.responses.first?.href == "http://webdav.example.com/home/cyrusdaboo/test.doc")
    }

    @Test func nestedPropertyValuesAreTrees() throws {
        let multistatus = try Multistatus(data: TestDAV.recorded("xandikos-calendar-depth0"), maxSize: 1 << 20)
        let response = try #require(multistatus.responses.first)
        #expect(response.property(.resourceType)?.child(.calendar) != nil)
        #expect(response.property(.supportedReportSet)?.descendants(.dav("sync-collection")).count == 1)
        #expect(response.property(.calendarDescription)?.text == "desc <x>")
    }

    @Test func aResponseWithoutHrefIsMalformed() {
        let xml =
            #"<d:multistatus xmlns:d="DAV:"><d:response><d:status>HTTP/1.1 200 OK</d:status></d:response></d:multistatus>"#
        #expect(throws: MultistatusError.self) { try Multistatus(data: Data(xml.utf8), maxSize: 1 << 20) }
    }
}

import Foundation
import Testing

@testable import DAV

/// Reading PROPFIND and PROPPATCH answers about a collection and its members.
@Suite struct CollectionAnswerTests {
    let client = TestDAV.client(.init(name: "alice", password: "unused"))

    @Test(arguments: [
        ("radicale-members-depth1", "http://127.0.0.1:5232/alice/rec-ab/"),
        ("xandikos-members-depth1", "http://127.0.0.1:8081/alice/contacts/rec-ab/"),
    ])
    func membersLeaveOutTheCollection(recording: String, collection: String) throws {
        let members = try client.members(
            in: TestDAV.response(207, TestDAV.recorded(recording), url: collection), collection: TestDAV.url(collection)
        )
        #expect(members.map(\.href) == [collection + "a%40b.vcf", collection + "x%40y%20z.vcf"])
        #expect(members.allSatisfy { $0.etag?.isEmpty == false })
        #expect(members.allSatisfy { $0.contentType?.hasPrefix("text/vcard") == true })
    }

    @Test func membersLeaveOutSubcollectionsAndErrors() throws {
        let xml = """
            <d:multistatus xmlns:d="DAV:">
              <d:response><d:href>/c/sub/</d:href><d:propstat><d:prop><d:getetag>"s"</d:getetag>
                <d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
              <d:response><d:href>/c/gone.vcf</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>
              <d:response><d:href>/c/x.vcf</d:href><d:propstat><d:prop><d:getetag>"x"</d:getetag><d:resourcetype/>
                </d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
            </d:multistatus>
            """
        let members = try client.members(
            in: TestDAV.response(207, Data(xml.utf8), url: "http://h/c/"), collection: TestDAV.url("http://h/c/"))
        #expect(
            members == [DAVMember(href: "http://h/c/x.vcf", etag: "\"x\"", properties: members.first?.properties ?? [])]
        )
    }

    @Test func collectionStateReadsTheCollectionsOwnProperties() throws {
        let url = "http://127.0.0.1:8081/alice/calendars/rec-cal/"
        let collection = try client.collection(
            in: TestDAV.response(207, TestDAV.recorded("xandikos-calendar-depth0"), url: url), url: TestDAV.url(url))
        #expect(collection.kind == .calendar)
        #expect(collection.displayName == "New2")
        #expect(collection.description == "desc <x>")
        #expect(collection.color == "#FF0000FF")
        #expect(collection.ctag == "2c88c77306d5e2f3bb2cfc02cf0ba625f0851ae0")
        #expect(collection.syncToken == collection.ctag)
        #expect(collection.supportsSyncCollection)
    }

    /// Xandikos answers a PROPFIND on a missing path with 207 and a 404 inside.
    @Test func missingCollectionInsideA207IsNotFound() throws {
        let xml = """
            <ns0:multistatus xmlns:ns0="DAV:"><ns0:response><ns0:href>http://h/c/</ns0:href>
            <ns0:status>HTTP/1.1 404 Not Found</ns0:status></ns0:response></ns0:multistatus>
            """
        #expect {
            try client.collection(
                in: TestDAV.response(207, Data(xml.utf8), url: "http://h/c/"), url: TestDAV.url("http://h/c/"))
        } throws: { isDAVError($0) { $0 == .notFound(url: "http://h/c/") } }
    }

    /// Xandikos applies the properties it can and reports 403 for the rest; that is a failure.
    @Test func proppatchWithARejectedPropertyFails() throws {
        let url = "http://127.0.0.1:8081/alice/calendars/rec-cal/"
        #expect {
            try client.checkPropertyUpdate(
                TestDAV.response(207, TestDAV.recorded("xandikos-proppatch-partial-403"), url: url),
                url: TestDAV.url(url))
        } throws: { isDAVError($0) { $0 == .propertiesRejected(url: url, statuses: ["{DAV:}getetag": 403]) } }
    }

    @Test func proppatchWithEveryPropertySetSucceeds() throws {
        let xml = """
            <multistatus xmlns="DAV:" xmlns:ICAL="http://apple.com/ns/ical/"><response><href>/alice/rec-cal/</href>
            <propstat><prop><displayname /><ICAL:calendar-order /></prop><status>HTTP/1.1 200 OK</status></propstat>
            </response></multistatus>
            """
        try client.checkPropertyUpdate(
            TestDAV.response(207, Data(xml.utf8), url: "http://h/"), url: TestDAV.url("http://h/"))
    }

    /// Apple's calendar-order and CalDAV's calendar-timezone (RFC 4791 §5.2.2) come with the listing; an
    /// order that is no integer is no order, and an empty time zone (Radicale keeps a cleared one) none.
    @Test func calendarOrderAndTimeZoneAreRead() throws {
        func calendar(order: String, timeZone: String) throws -> DAVCollection {
            let xml = """
                <multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/">
                <response><href>/alice/cal/</href><propstat><prop>
                <resourcetype><collection/><C:calendar/></resourcetype><A:calendar-order>\(order)</A:calendar-order>
                <C:calendar-timezone>\(timeZone)</C:calendar-timezone></prop><status>HTTP/1.1 200 OK</status></propstat>
                </response></multistatus>
                """
            return try client.collection(
                in: TestDAV.response(207, Data(xml.utf8), url: "http://h/alice/cal/"),
                url: TestDAV.url("http://h/alice/cal/"))
        }
        let ordered = try calendar(order: " 12 ", timeZone: "BEGIN:VCALENDAR&#13;\nEND:VCALENDAR")
        #expect(ordered.order == 12)
        #expect(ordered.timeZone == "BEGIN:VCALENDAR\r\nEND:VCALENDAR")
        let unordered = try calendar(order: "first", timeZone: "  ")
        #expect(unordered.order == nil)
        #expect(unordered.timeZone == nil)
    }

    /// A property the caller marked optional may be refused; 424 (RFC 4918 §11.4) is no refusal, and a
    /// refused property the caller needs fails the request.
    @Test func refusedOptionalPropertiesAreTellable() {
        let optional: Set<XMLName> = [.calendarOrder, .calendarTimezone]
        #expect(
            DAVClient.refusedOptional(
                ["{http://apple.com/ns/ical/}calendar-order": 403, "{DAV:}displayname": 424], optional: optional)
                == [.calendarOrder])
        #expect(DAVClient.refusedOptional(["{DAV:}displayname": 403], optional: optional) == nil)
        #expect(DAVClient.refusedOptional(["{DAV:}displayname": 424], optional: optional) == [])
    }
}

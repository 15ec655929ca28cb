import Foundation
import Testing

@testable import DAV

/// Request bodies are rendered from element trees with every value escaped: parsing them back gives
/// the values unchanged.
@Suite struct RequestBodyTests {
    func parse(_ data: Data) throws -> DAVElement {
        try XMLTreeParser.parse(data, maxSize: 1 << 20)
    }

    @Test func userTextIsEscapedAndCarriageReturnsSurvive() throws {
        let hostile = "A & <B> \"q\" 'a' </d:displayname><d:x>"
        let timeZone = "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n"
        let body = DAVRequestBody.document(
            .init(
                .dav("propertyupdate"),
                children: [
                    .init(
                        .dav("set"),
                        children: [
                            .init(
                                .prop,
                                children: [
                                    .init(.displayName, text: hostile), .init(.calendarTimezone, text: timeZone),
                                ])
                        ])
                ]))
        let prop = try #require(parse(body).child(.dav("set"))?.child(.prop))
        #expect(prop.children.count == 2)
        #expect(prop.child(.displayName)?.text == hostile)
        // Without &#13; the server's parser would turn CRLF into LF (XML 1.0 §2.11).
        #expect(prop.child(.calendarTimezone)?.text == timeZone)
    }

    @Test func charactersXMLCannotCarryAreDropped() throws {
        let body = DAVRequestBody.document(.init(.displayName, text: "a\u{0}b\u{1B}c\td"))
        #expect(try parse(body).text == "abc\td")
    }

    @Test func attributesAreEscaped() throws {
        let body = DAVRequestBody.document(.init(.caldav("comp"), attributes: ["name": "V\"E<V>&"]))
        #expect(try parse(body).attributes["name"] == "V\"E<V>&")
    }

    @Test func timeRangeIsInUTCBasicFormat() throws {
        let start = try TestDAV.date("2026-03-01T00:00:00Z")
        #expect(DAVRequestBody.utcDateTime(start) == "20260301T000000Z")
        let range = try parse(
            DAVRequestBody.document(DAVRequestBody.timeRange(start: start, end: start.addingTimeInterval(90))))
        #expect(range.attributes == ["start": "20260301T000000Z", "end": "20260301T000130Z"])
    }
}

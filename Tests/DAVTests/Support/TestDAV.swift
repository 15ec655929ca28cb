import Foundation
import TestSupport
import Testing

@testable import DAV

/// Shared pieces of the DAV tests: one HTTP pool, recorded answers, and sample vCards and events.
enum TestDAV {
    /// One pool for all DAV tests, alive until the test process exits.
    static let http = HTTPClientHandle(configuration: DAVClientConfiguration(timeout: .seconds(10)))

    static func client(_ user: TestBackends.User) -> DAVClient {
        DAVClient(
            httpClient: http.client, configuration: DAVClientConfiguration(),
            credentials: .basic(username: user.name, password: user.password))
    }

    /// A body recorded from a real server (see Recorded/README.md).
    static func recorded(_ name: String, _ fileExtension: String = "xml") throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "Recorded/\(name)", withExtension: fileExtension))
        return try Data(contentsOf: url)
    }

    /// A response as `DAVClient.send` would return it, for the parsing steps of each operation.
    static func response(_ status: Int, _ body: Data, url: String) throws -> DAVResponse {
        DAVResponse(url: try #require(URL(string: url)), status: status, headers: [:], body: body)
    }

    static func url(_ string: String) throws -> URL {
        try #require(URL(string: string))
    }

    static func vCard(uid: String, name: String) -> Data {
        Data("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:\(uid)\r\nFN:\(name)\r\nN:\(name);;;;\r\nEND:VCARD\r\n".utf8)
    }

    /// A one-hour event at `start` (UTC, `yyyyMMddTHHmmss`).
    static func event(uid: String, start: String, end: String) -> Data {
        Data(
            """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            PRODID:-//jmap-gateway//tests//EN\r
            BEGIN:VEVENT\r
            UID:\(uid)\r
            DTSTAMP:20260101T000000Z\r
            DTSTART:\(start)Z\r
            DTEND:\(end)Z\r
            SUMMARY:Test \(uid)\r
            END:VEVENT\r
            END:VCALENDAR\r

            """.utf8)
    }

    static func date(_ iso: String) throws -> Date {
        try Date(iso, strategy: .iso8601)
    }

    static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }
}

/// Matches a thrown `DAVError` against an expected case, ignoring the URL it carries.
func isDAVError(_ error: any Error, _ expected: (DAVError) -> Bool) -> Bool {
    guard let error = error as? DAVError else { return false }
    return expected(error)
}

import Foundation

/// A calendar object resource that matched a calendar-query.
public struct CalendarQueryMatch: Sendable, Hashable {
    /// Normalised with `DAVHref`.
    public var href: String
    public var etag: String?
    /// The iCalendar text, when it was asked for.
    public var calendarData: Data?

    public init(href: String, etag: String?, calendarData: Data? = nil) {
        self.href = href
        self.etag = etag
        self.calendarData = calendarData
    }
}

/// Time-range searches the server evaluates, recurrences included (RFC 4791 §7.8, §7.10), so the
/// gateway need not expand every event itself.
extension DAVClient {
    /// The calendar's objects with a `component` (VEVENT, VTODO, ...) overlapping [start, end)
    /// (calendar-query with a `time-range` filter, RFC 4791 §9.9).
    public func calendarQuery(
        _ url: URL, start: Date, end: Date, component: String = "VEVENT", includeData: Bool = false
    ) async throws(DAVError) -> [CalendarQueryMatch] {
        let filter = DAVRequestBody.Element(
            .caldav("filter"),
            children: [
                .init(
                    .caldav("comp-filter"), attributes: ["name": "VCALENDAR"],
                    children: [
                        .init(
                            .caldav("comp-filter"), attributes: ["name": component],
                            children: [DAVRequestBody.timeRange(start: start, end: end)])
                    ])
            ])
        let query = DAVRequestBody.Element(
            .caldav("calendar-query"),
            children: [DAVRequestBody.prop(includeData ? [.getETag, .calendarData] : [.getETag]), filter])
        let response = try await send(
            "REPORT", url, headers: [("Depth", "1")], body: DAVRequestBody.document(query), expecting: [207])
        return try members(in: response, collection: url).map { member in
            CalendarQueryMatch(
                href: member.href, etag: member.etag,
                calendarData: member.properties.first { $0.name == .calendarData }?.objectData)
        }
    }

    /// The busy time in [start, end) as an iCalendar text with one VFREEBUSY (free-busy-query, RFC
    /// 4791 §7.10). Xandikos labels it `application/octet-stream`, so the content type is not checked;
    /// the body is.
    public func freeBusyQuery(_ url: URL, start: Date, end: Date) async throws(DAVError) -> String {
        let body = DAVRequestBody.document(
            .init(.caldav("free-busy-query"), children: [DAVRequestBody.timeRange(start: start, end: end)]))
        let response = try await send("REPORT", url, headers: [("Depth", "1")], body: body, expecting: [200])
        let text = String(decoding: response.body, as: UTF8.self)
        guard text.contains("BEGIN:VFREEBUSY") else {
            throw .malformedResponse(url: url.absoluteString, reason: "free-busy answer without a VFREEBUSY")
        }
        return text
    }
}

extension DAVRequestBody {
    /// `CALDAV:time-range` with UTC date-times (RFC 4791 §9.9).
    static func timeRange(start: Date, end: Date) -> Element {
        Element(.caldav("time-range"), attributes: ["start": utcDateTime(start), "end": utcDateTime(end)])
    }

    /// `20260301T000000Z` (RFC 5545 §3.3.5, form #2).
    static func utcDateTime(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(dateSeparator: .omitted, dateTimeSeparator: .standard, timeSeparator: .omitted))
    }
}

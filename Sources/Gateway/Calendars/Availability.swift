import Foundation
import JSCalendar
import JSON

/// Principal/getAvailability's busy periods (draft-ietf-jmap-calendars-27 §2.2), computed from the
/// cached events with the gateway's own recurrence expansion.
enum Availability {
    /// §2.2 BusyPeriod busyStatus, in the order that wins where periods overlap.
    enum BusyStatus: String, Comparable, Sendable {
        case tentative, unavailable, confirmed

        private var rank: Int {
            switch self {
            case .tentative: 0
            case .unavailable: 1
            case .confirmed: 2
            }
        }

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    }

    struct BusyPeriod: Sendable, Equatable {
        var start: Date
        var end: Date
        var status: BusyStatus
        /// The event, when the caller may see its details; periods without one are merged.
        var event: JSONObject?
        var accountId: String?

        var json: JSONObject {
            [
                "utcStart": .string(EventInstances.utcDateTime(start)),
                "utcEnd": .string(EventInstances.utcDateTime(end)),
                "busyStatus": .string(status.rawValue),
                "event": event.map(JSONValue.object) ?? .null,
                "accountId": accountId.map(JSONValue.string) ?? .null,
            ]
        }
    }

    /// How a calendar counts (§4 includeInAvailability).
    enum Inclusion: String, Sendable {
        case all, attending, none
    }

    /// The busy status of one occurrence for the principal with `addresses`, or nil when it does not
    /// count (§2.2): secret, free, cancelled, or — for an `attending` calendar — not attended.
    static func status(
        of occurrence: JSONObject, inclusion: Inclusion, addresses: Set<String>
    ) -> BusyStatus? {
        if inclusion == .none { return nil }
        if occurrence["privacy"]?.stringValue == "secret" { return nil }
        if (occurrence["freeBusyStatus"]?.stringValue ?? "busy") != "busy" { return nil }
        let status = occurrence["status"]?.stringValue ?? "confirmed"
        if status == "cancelled" { return nil }
        let own = (occurrence["participants"]?.objectValue?.values ?? [:].values).compactMap(\.objectValue).first {
            participant in
            participant["calendarAddress"]?.stringValue.map { addresses.contains(CalendarAddress.normalized($0)) }
                ?? false
        }
        let participation = own?["participationStatus"]?.stringValue ?? (own == nil ? nil : "needs-action")
        if inclusion == .attending, participation != "accepted", participation != "tentative" { return nil }
        if status == "tentative" || participation == "tentative" { return .tentative }
        if status == "confirmed", participation == nil || participation == "accepted" { return .confirmed }
        return .unavailable
    }

    /// §2.2: periods without an event merged and split so that none overlap, and two that touch differ
    /// in busyStatus; where they overlap, confirmed wins over unavailable, which wins over tentative.
    /// Periods with an event are kept as they are. The result is in start order.
    static func merged(_ periods: [BusyPeriod]) -> [BusyPeriod] {
        let detailed = periods.filter { $0.event != nil }
        let bare = periods.filter { $0.event == nil && $0.end > $0.start }
        let boundaries = Array(Set(bare.flatMap { [$0.start, $0.end] })).sorted()
        var result: [BusyPeriod] = []
        for (start, end) in zip(boundaries, boundaries.dropFirst()) {
            guard let status = bare.filter({ $0.start < end && $0.end > start }).map(\.status).max() else { continue }
            if let last = result.last, last.end == start, last.status == status {
                result[result.count - 1].end = end
            } else {
                result.append(BusyPeriod(start: start, end: end, status: status))
            }
        }
        return (result + detailed).sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    }
}

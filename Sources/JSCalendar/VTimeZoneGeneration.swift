import Foundation

/// Builds VTIMEZONE components from Foundation's time zone database.
///
/// RFC 5545 §3.2.19 and §3.6.5 require a VTIMEZONE for every TZID an object uses, and CalDAV
/// servers check it (RFC 4791 §4.1). JSCalendar names zones by IANA id only (RFC 8984 §4.7.2), so
/// when a JMAP client puts an event into a zone the stored object does not define, the definition
/// has to be made here.
enum VTimeZoneGeneration {
    /// Years of transitions written after the first year needed: long enough for the events a
    /// calendar client shows, short enough to keep the object small. Recurrences beyond it fall
    /// back to the last observance, which is how clients read any VTIMEZONE (RFC 5545 §3.6.5).
    static let span = 10

    /// A VTIMEZONE for the IANA zone `identifier` covering `year` to `year + span`: one
    /// observance a transition (STANDARD or DAYLIGHT, by Foundation's DST flag) plus one at the
    /// start of the range, so that every instant in the range has an observance before it. Nil for
    /// unknown ids and UTC, which needs no VTIMEZONE.
    static func component(for identifier: String, fromYear year: Int) -> ICalComponent? {
        guard identifier != "Etc/UTC", identifier != "UTC", let zone = TimeZone(identifier: identifier) else {
            return nil
        }
        let startSeconds = LocalDateTime(year: year, month: 1, day: 1).secondsSinceEpoch
        let endSeconds = LocalDateTime(year: year + span + 1, month: 1, day: 1).secondsSinceEpoch
        var component = ICalComponent(name: "VTIMEZONE")
        component.properties.append(ICalProperty(name: "TZID", value: identifier))
        let start = Date(timeIntervalSince1970: TimeInterval(startSeconds))
        let initialOffset = zone.secondsFromGMT(for: start)
        component.components.append(
            observance(
                zone: zone, at: start, from: initialOffset, to: initialOffset,
                local: LocalDateTime(secondsSinceEpoch: startSeconds + initialOffset)))
        var cursor = start
        // Bounded: a zone has a few transitions a year; 4 a year is far more than any has.
        for _ in 0..<(4 * (span + 1)) {
            guard let transition = zone.nextDaylightSavingTimeTransition(after: cursor),
                transition.timeIntervalSince1970 < TimeInterval(endSeconds)
            else { break }
            let before = zone.secondsFromGMT(for: transition.addingTimeInterval(-1))
            let after = zone.secondsFromGMT(for: transition)
            let seconds = Int(transition.timeIntervalSince1970)
            // DTSTART of an observance is the onset in the local time before it (RFC 5545 §3.6.5).
            component.components.append(
                observance(
                    zone: zone, at: transition, from: before, to: after,
                    local: LocalDateTime(secondsSinceEpoch: seconds + before)))
            cursor = transition
        }
        return component
    }

    static func observance(zone: TimeZone, at date: Date, from: Int, to: Int, local: LocalDateTime) -> ICalComponent {
        var observance = ICalComponent(name: zone.isDaylightSavingTime(for: date) ? "DAYLIGHT" : "STANDARD")
        observance.properties.append(ICalProperty(name: "DTSTART", value: local.icalDateTime))
        observance.properties.append(ICalProperty(name: "TZOFFSETFROM", value: offsetText(from)))
        observance.properties.append(ICalProperty(name: "TZOFFSETTO", value: offsetText(to)))
        if let name = zone.abbreviation(for: date) {
            observance.properties.append(ICalProperty(name: "TZNAME", value: name))
        }
        return observance
    }

    /// UTC-OFFSET (RFC 5545 §3.3.14): `+hhmm`, `+hhmmss` when there are seconds; "-0000" is not
    /// allowed, so zero is "+0000".
    static func offsetText(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let magnitude = abs(seconds)
        let hours = magnitude / 3600
        let minutes = magnitude % 3600 / 60
        let rest = magnitude % 60
        var text = sign + String(format: "%02d%02d", hours, minutes)
        if rest != 0 { text += String(format: "%02d", rest) }
        return text
    }

    /// The TZID parameter values used anywhere in `component` outside VTIMEZONEs.
    static func referencedTZIDs(_ component: ICalComponent) -> Set<String> {
        guard component.upperName != "VTIMEZONE" else { return [] }
        var result = Set(component.properties.compactMap { $0.firstParameter("TZID") })
        for child in component.components { result.formUnion(referencedTZIDs(child)) }
        return result
    }

    /// Adds a VTIMEZONE to `calendar` (a VCALENDAR) for every IANA TZID its components use that
    /// it does not define, before its first component. The range starts in the year of the
    /// earliest value written in that zone. TZIDs in `leaving` are left alone: the update path
    /// passes those the stored object already used, so that an edit adds a definition only for
    /// a zone the edit introduced and leaves the rest of the object as it was.
    static func addingMissingTimeZones(to calendar: ICalComponent, leaving: Set<String> = []) -> ICalComponent {
        let defined = Set(calendar.components(named: "VTIMEZONE").compactMap { $0.property("TZID")?.text })
            .union(leaving)
        var firstYear: [String: Int] = [:]
        var order: [String] = []
        func collect(_ component: ICalComponent) {
            guard component.upperName != "VTIMEZONE" else { return }
            for property in component.properties {
                guard let tzid = property.firstParameter("TZID"), !defined.contains(tzid) else { continue }
                let year = ICalDateTime.parse(property.value, tzid: tzid)?.local.year ?? Int.max
                if firstYear[tzid] == nil { order.append(tzid) }
                firstYear[tzid] = min(firstYear[tzid] ?? Int.max, year)
            }
            component.components.forEach(collect)
        }
        calendar.components.forEach(collect)
        var generated: [ICalComponent] = []
        for tzid in order {
            guard let iana = TimeZoneResolver.ianaIdentifier(for: tzid), iana == tzid,
                let year = firstYear[tzid], year != Int.max,
                let component = component(for: iana, fromYear: year)
            else { continue }
            generated.append(component)
        }
        var result = calendar
        result.components = generated + result.components
        return result
    }
}

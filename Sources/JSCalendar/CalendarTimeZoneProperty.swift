import Foundation

/// The CalDAV `calendar-timezone` property (RFC 4791 §5.2.2): an iCalendar object holding exactly one
/// VTIMEZONE, the zone in which the server reads a calendar's floating times. JMAP names the same thing
/// by IANA id (the Calendar's `timeZone`, draft-ietf-jmap-calendars-27 §4); this turns one into the other.
public enum CalendarTimeZoneProperty {
    /// The property's text for the IANA zone `identifier`: a VCALENDAR with one VTIMEZONE whose TZID is
    /// the id itself and whose transitions start in `year` (see `VTimeZoneGeneration`). Nil for an id
    /// that is not IANA.
    public static func text(for identifier: String, fromYear year: Int) -> String? {
        guard isIANAIdentifier(identifier) else { return nil }
        guard let zone = VTimeZoneGeneration.component(for: identifier, fromYear: year) ?? utc(identifier) else {
            return nil
        }
        let calendar = ICalComponent(
            name: "VCALENDAR",
            properties: [
                ICalProperty(name: "VERSION", value: "2.0"),
                ICalProperty(name: "PRODID", value: "-//jmap-gateway//calendar-timezone//EN"),
            ],
            components: [zone])
        return ICalWriter.serialize(calendar)
    }

    /// The IANA id the property's VTIMEZONE stands for: its TZID when that is one, else what the TZID
    /// maps to (Windows names, prefixed ids: `TimeZoneResolver`), else its `X-LIC-LOCATION`. Nil when
    /// the text holds no VTIMEZONE or none of these names a known zone.
    public static func identifier(in text: String) -> String? {
        let roots = ICalendar.parse(text).calendar.components
        guard
            let zone = roots.lazy.compactMap({ component in
                component.upperName == "VTIMEZONE" ? component : component.components(named: "VTIMEZONE").first
            }).first
        else { return nil }
        for candidate in [zone.property("TZID")?.text, zone.property("X-LIC-LOCATION")?.text].compactMap({ $0 }) {
            if isIANAIdentifier(candidate) { return candidate }
            if let mapped = TimeZoneResolver.ianaIdentifier(for: candidate) { return mapped }
        }
        return nil
    }

    /// Whether `identifier` is, exactly as spelt, a zone of the IANA Time Zone Database that this system
    /// knows (JMAP's TimeZoneId: draft-ietf-jmap-calendars-27 §4, RFC 8984 §4.7.2).
    /// Asks the system's tzdata rather than `TimeZone.knownTimeZoneIdentifiers`, which on Linux is ICU's
    /// canonical list and lacks names such as Asia/Kolkata and UTC.
    public static func isIANAIdentifier(_ identifier: String) -> Bool {
        // Foundation reads "UTC" as GMT, under that name.
        identifier == "UTC" || TimeZone(identifier: identifier)?.identifier == identifier
    }

    /// UTC needs no transitions, so `VTimeZoneGeneration` makes no VTIMEZONE for it; the property
    /// still has to hold one.
    private static func utc(_ identifier: String) -> ICalComponent? {
        guard identifier == "UTC" || identifier == "Etc/UTC" else { return nil }
        let standard = ICalComponent(
            name: "STANDARD",
            properties: [
                ICalProperty(name: "DTSTART", value: "19700101T000000"),
                ICalProperty(name: "TZOFFSETFROM", value: "+0000"),
                ICalProperty(name: "TZOFFSETTO", value: "+0000"),
                ICalProperty(name: "TZNAME", value: "UTC"),
            ])
        return ICalComponent(
            name: "VTIMEZONE", properties: [ICalProperty(name: "TZID", value: identifier)], components: [standard])
    }
}

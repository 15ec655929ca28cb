import Foundation

/// A time zone an iCalendar value can refer to (RFC 5545 §3.2.19, §3.6.5).
public enum ICalTimeZone: Sendable, Hashable {
    /// Floating time: the same wall time everywhere (RFC 5545 §3.3.5 form #1). Converted to UTC
    /// by reading the wall time as UTC unless the caller supplies a zone.
    case floating
    case utc
    /// An IANA zone (Foundation's tz database).
    case iana(TimeZone)
    /// A VTIMEZONE whose TZID is no IANA name, evaluated from its own observances.
    case custom(CustomTimeZone)

    /// The IANA id (or "Etc/UTC"), for JSCalendar's `timeZone`; nil for floating and custom.
    public var ianaIdentifier: String? {
        switch self {
        case .floating, .custom: return nil
        case .utc: return "Etc/UTC"
        case .iana(let zone): return zone.identifier
        }
    }

    /// The UTC offset in seconds at a UTC instant.
    public func offset(atUTC seconds: Int) -> Int {
        switch self {
        case .floating, .utc: return 0
        case .iana(let zone): return zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        case .custom(let zone): return zone.offset(atUTC: seconds)
        }
    }

    /// The UTC instant (seconds since 1970) of a wall time. A wall time that occurs twice (DST
    /// ends) is the first occurrence; one in a gap (DST starts) is read with the offset before
    /// the gap, so it lands after it (RFC 5545 §3.3.5).
    public func utcSeconds(of local: LocalDateTime) -> Int {
        let wall = local.secondsSinceEpoch
        switch self {
        case .floating, .utc: return wall
        default:
            let before = offset(atUTC: wall - 86400)
            let after = offset(atUTC: wall + 86400)
            var valid: [Int] = []
            for candidate in [before, after] where offset(atUTC: wall - candidate) == candidate {
                valid.append(wall - candidate)
            }
            if let first = valid.min() { return first }
            // Neither: an offset change within the day other than at this time; try the exact one.
            let guess = offset(atUTC: wall - before)
            if offset(atUTC: wall - guess) == guess { return wall - guess }
            return wall - before
        }
    }

    public func date(of local: LocalDateTime) -> Date {
        Date(timeIntervalSince1970: TimeInterval(utcSeconds(of: local)))
    }

    /// The wall time of a UTC instant in this zone.
    public func local(ofUTC seconds: Int) -> LocalDateTime {
        LocalDateTime(secondsSinceEpoch: seconds + offset(atUTC: seconds))
    }
}

/// A time zone defined by a VTIMEZONE's STANDARD and DAYLIGHT observances (RFC 5545 §3.6.5):
/// their onsets are expanded once (up to 2200 or 2,000 onsets) into a sorted transition list.
public struct CustomTimeZone: Sendable, Hashable {
    public var tzid: String
    /// (UTC onset in seconds, offset after it), sorted.
    var transitions: [(Int, Int)]
    var initialOffset: Int

    public static func == (lhs: CustomTimeZone, rhs: CustomTimeZone) -> Bool {
        lhs.tzid == rhs.tzid && lhs.initialOffset == rhs.initialOffset
            && lhs.transitions.map(\.0) == rhs.transitions.map(\.0)
            && lhs.transitions.map(\.1) == rhs.transitions.map(\.1)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(tzid) }

    public init?(_ component: ICalComponent) {
        tzid = component.property("TZID")?.text ?? ""
        var transitions: [(Int, Int)] = []
        var earliest: (Int, Int)? = nil
        for observance in component.components
        where observance.upperName == "STANDARD" || observance.upperName == "DAYLIGHT" {
            guard let to = observance.property("TZOFFSETTO").flatMap({ UTCOffset.parse($0.value) }) else { continue }
            let from = observance.property("TZOFFSETFROM").flatMap { UTCOffset.parse($0.value) } ?? to
            guard let startProperty = observance.property("DTSTART"),
                let start = ICalDateTime.parse(startProperty.value)
            else { continue }
            var onsets: [LocalDateTime] = [start.local]
            for rruleProperty in observance.properties(named: "RRULE") {
                guard var rule = RecurrenceRule.parse(rruleProperty.value) else { continue }
                if let until = rule.until, until.zone == .utc {
                    // UNTIL is UTC in VTIMEZONE rules: compare in local standard (pre-onset) time.
                    rule.until = ICalDateTime(local: until.local.adding(seconds: from), zone: .floating)
                }
                let untilLocal = rule.until?.local
                onsets += RecurrenceIterator.occurrences(
                    of: rule, start: start.local, isDate: false,
                    stopAfter: LocalDateTime(year: 2200, month: 1, day: 1),
                    isPastUntil: { candidate in untilLocal.map { candidate > $0 } ?? false }, limit: 1000)
            }
            for rdate in observance.properties(named: "RDATE") {
                for item in rdate.value.split(separator: ",") {
                    if let value = ICalDateTime.parse(String(item)) { onsets.append(value.local) }
                }
            }
            for onset in Set(onsets) {
                let utc = onset.secondsSinceEpoch - from
                transitions.append((utc, to))
                if earliest == nil || utc < earliest?.0 ?? 0 { earliest = (utc, from) }
            }
        }
        guard !transitions.isEmpty else { return nil }
        transitions.sort { $0.0 < $1.0 }
        self.transitions = transitions
        self.initialOffset = earliest?.1 ?? transitions[0].1
    }

    public func offset(atUTC seconds: Int) -> Int {
        var low = 0
        var high = transitions.count
        while low < high {
            let mid = (low + high) / 2
            if transitions[mid].0 <= seconds { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? initialOffset : transitions[low - 1].1
    }
}

/// Resolves TZID parameter values of one iCalendar object (RFC 5545 §3.2.19) to zones:
/// an IANA name as is; a Windows name via CLDR's table; a prefixed id
/// ("/freeassociation.sourceforge.net/Tzfile/Europe/London", "/mozilla.org/…/Europe/Berlin") by
/// its IANA-looking suffix; an Outlook display name by its city list; otherwise the object's own
/// VTIMEZONE; and if there is none, floating (reported by `isResolved`).
public struct TimeZoneResolver: Sendable {
    public private(set) var definitions: [String: ICalComponent] = [:]

    /// The zone of each defined TZID, resolved once: building a zone from its VTIMEZONE on every
    /// lookup was most of an expansion's time.
    private var resolved: [String: ICalTimeZone] = [:]

    public init(calendar: ICalComponent?) {
        for component in calendar?.components(named: "VTIMEZONE") ?? [] {
            if let tzid = component.property("TZID")?.text { definitions[tzid] = component }
        }
        for tzid in definitions.keys { resolved[tzid] = resolve(tzid) }
    }

    public init(_ calendar: ICalendar) {
        self.init(calendar: calendar.calendar)
    }

    /// The IANA id a TZID stands for, if one can be determined without a VTIMEZONE.
    public static func ianaIdentifier(for tzid: String) -> String? {
        let trimmed = tzid.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        if let known = knownIANA(trimmed) { return known }
        if let windows = WindowsZones.ianaByWindowsName[trimmed] { return windows }
        // "(UTC+01:00) Amsterdam, Berlin, …" / "(GMT+01.00) …"
        // Older Outlook versions write "US and Canada" for "US & Canada", and some omit the offset.
        var cities = trimmed.replacingOccurrences(of: " and ", with: " & ")
        if cities.hasPrefix("("), let close = cities.firstIndex(of: ")") {
            cities = cities[cities.index(after: close)...].trimmingCharacters(in: .whitespaces)
        }
        if let match = WindowsZones.ianaByDisplayCities[cities] { return match }
        if let windows = WindowsZones.ianaByWindowsName[cities] { return windows }
        // Quoted or prefixed ids: try successively shorter "Area/Location" suffixes.
        let unquoted = trimmed.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        let parts = unquoted.split(separator: "/").map(String.init)
        if parts.count >= 2 {
            for start in 0..<(parts.count - 1) {
                let candidate = parts[start...].joined(separator: "/")
                if let known = knownIANA(candidate) { return known }
            }
        }
        return nil
    }

    /// An IANA name that Foundation knows, in its canonical spelling. Abbreviations such as
    /// "EST" are accepted by Foundation but are not IANA names; only ids with a "/" or the
    /// UTC/GMT family qualify.
    static func knownIANA(_ id: String) -> String? {
        let upper = id.uppercased()
        if ["UTC", "GMT", "Z", "ETC/UTC", "ETC/GMT", "UNIVERSAL", "ZULU", "ETC/UCT", "UCT"].contains(upper) {
            return "Etc/UTC"
        }
        guard id.contains("/"), TimeZone(identifier: id) != nil else { return nil }
        return canonicalByLowercase[id.lowercased()] ?? id
    }

    /// Foundation's zone ids by their lower-case spelling, built once.
    private static let canonicalByLowercase: [String: String] = Dictionary(
        TimeZone.knownTimeZoneIdentifiers.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })

    /// The zone for a TZID; `nil` TZID means floating.
    public func zone(for tzid: String?) -> ICalTimeZone {
        guard let tzid else { return .floating }
        return resolved[tzid] ?? resolve(tzid)
    }

    private func resolve(_ tzid: String) -> ICalTimeZone {
        if let iana = Self.ianaIdentifier(for: tzid) {
            if iana == "Etc/UTC" { return .utc }
            if let zone = TimeZone(identifier: iana) { return .iana(zone) }
        }
        if let definition = definitions[tzid], let custom = CustomTimeZone(definition) { return .custom(custom) }
        return .floating
    }

    /// Whether a TZID can be evaluated (IANA, mapped, or defined by a VTIMEZONE).
    public func isResolved(_ tzid: String) -> Bool {
        if case .floating = zone(for: tzid) { return false }
        return true
    }

    /// The zone of a DATE-TIME value.
    public func zone(of value: ICalDateTime) -> ICalTimeZone {
        switch value.zone {
        case .floating: return .floating
        case .utc: return .utc
        case .tzid(let id): return zone(for: id)
        }
    }

    /// The UTC instant of a value; DATE values are midnight in `floatingZone`.
    public func utcSeconds(of value: ICalDateTime, floatingZone: ICalTimeZone = .utc) -> Int {
        if value.isDate { return floatingZone.utcSeconds(of: value.local) }
        let zone = zone(of: value)
        if case .floating = zone { return floatingZone.utcSeconds(of: value.local) }
        return zone.utcSeconds(of: value.local)
    }
}

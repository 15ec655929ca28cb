import Foundation

/// Expands recurring components into instances (RFC 5545 §3.8.5): RRULE (and the deprecated
/// EXRULE), RDATE, EXDATE and RECURRENCE-ID overrides, in the wall time of DTSTART's zone so
/// that instances keep their local time across DST changes.
public enum RecurrenceExpander {
    /// One instance of a (possibly recurring) event or to-do.
    public struct Instance: Sendable, Hashable {
        /// The instance's original start (its RECURRENCE-ID), as written in DTSTART's form.
        public var recurrenceId: ICalDateTime
        public var utcStart: Date
        public var utcEnd: Date
        /// Whether a RECURRENCE-ID component replaced the generated instance.
        public var isOverride: Bool
        /// The RECURRENCE-ID of the override whose properties the instance has: its own, or that
        /// of the RANGE=THISANDFUTURE override it follows (RFC 5545 §3.8.4.4); nil for the master's.
        public var overrideId: ICalDateTime?

        public init(
            recurrenceId: ICalDateTime, utcStart: Date, utcEnd: Date, isOverride: Bool, overrideId: ICalDateTime? = nil
        ) {
            self.recurrenceId = recurrenceId
            self.utcStart = utcStart
            self.utcEnd = utcEnd
            self.isOverride = isOverride
            self.overrideId = overrideId ?? (isOverride ? recurrenceId : nil)
        }
    }

    /// A RANGE=THISANDFUTURE override (RFC 5545 §3.8.4.4): the instances after it, by RECURRENCE-ID,
    /// move by the wall-clock shift it gives its own instance and take its duration and properties.
    struct RangeOverride {
        var key: Int
        var id: ICalDateTime
        /// Wall-clock seconds, in the series' zone, from the RECURRENCE-ID to the override's start.
        var shift: Int
        var span: Span
        var isCancelled: Bool
    }

    /// Instances of the logical event made of `components` (a master and/or its overrides,
    /// all with the same UID) overlapping `window` (RFC 4791 §9.9), in start order, at most
    /// `limit`. Floating and DATE values are read in `floatingZone`. Overrides with
    /// STATUS:CANCELLED are excluded instances and not returned.
    public static func instances(
        of components: [ICalComponent], resolver: TimeZoneResolver, in window: ClosedRange<Date>, limit: Int,
        floatingZone: ICalTimeZone = .utc
    ) -> [Instance] {
        guard limit > 0 else { return [] }
        let master = components.first { $0.property("RECURRENCE-ID") == nil }
        var overrides: [Int: ICalComponent] = [:]
        for component in components {
            guard let property = component.property("RECURRENCE-ID"), let id = ICalDateTime.parse(property) else {
                continue
            }
            overrides[resolver.utcSeconds(of: id, floatingZone: floatingZone)] = component
        }
        var result: [Instance] = []
        var seenOverrides = Set<Int>()
        let windowStart = Int(window.lowerBound.timeIntervalSince1970.rounded(.down))
        let windowEnd = Int(min(window.upperBound.timeIntervalSince1970, 253_402_300_799).rounded(.up))

        func add(_ instance: Instance) {
            if overlaps(start: instance.utcStart, end: instance.utcEnd, window: window) { result.append(instance) }
        }
        func addOverride(_ key: Int, _ component: ICalComponent) {
            seenOverrides.insert(key)
            if component.property("STATUS")?.text.uppercased() == "CANCELLED" { return }
            guard let property = component.property("RECURRENCE-ID"), let id = ICalDateTime.parse(property),
                let range = utcRange(of: component, resolver: resolver, floatingZone: floatingZone)
            else { return }
            add(Instance(recurrenceId: id, utcStart: range.start, utcEnd: range.end, isOverride: true))
        }

        if let master, let startProperty = master.property("DTSTART"), let start = ICalDateTime.parse(startProperty) {
            let zone: ICalTimeZone = {
                if start.isDate { return floatingZone }
                if case .floating = resolver.zone(of: start) { return floatingZone }
                return resolver.zone(of: start)
            }()
            let span = Span(master, start: start, resolver: resolver, floatingZone: floatingZone)
            let ranges = rangeOverrides(overrides, zone: zone, resolver: resolver, floatingZone: floatingZone)
            let earliestShift = ranges.map(\.shift).min() ?? 0
            let latestShift = ranges.map(\.shift).max() ?? 0
            var excluded = Set<Int>()
            var excludedDates = Set<Int>()
            for exdate in master.properties(named: "EXDATE") {
                for item in exdate.value.split(separator: ",") {
                    guard let value = ICalDateTime.parse(String(item), tzid: exdate.firstParameter("TZID")) else {
                        continue
                    }
                    if value.isDate {
                        excludedDates.insert(value.local.dayNumber)
                    } else {
                        excluded.insert(resolver.utcSeconds(of: value, floatingZone: zone))
                    }
                }
            }
            /// Each start with the span an RDATE PERIOD gives it (nil: the component's).
            var starts: [(local: LocalDateTime, utc: Int, period: Span?)] = []
            func emit(_ local: LocalDateTime, period: Span? = nil) {
                let utc = zone.utcSeconds(of: local)
                if excluded.contains(utc) || excludedDates.contains(local.dayNumber) { return }
                starts.append((local, utc, period))
            }
            let rules = master.properties(named: "RRULE").compactMap {
                RecurrenceRule.parse($0.value, tzid: start.tzid)
            }
            // Local bound: the window end plus the largest possible UTC offset and the largest
            // backward shift of a RANGE=THISANDFUTURE override.
            let stopAfter = LocalDateTime(secondsSinceEpoch: windowEnd + 2 * 86400 - min(0, earliestShift))
            let budget = limit + overrides.count + excluded.count + excludedDates.count + 1
            // Only instances that reach the window (or would, moved by the latest RANGE=THISANDFUTURE
            // shift) count against the budget: counting earlier ones would spend a small limit (an "is
            // there any instance?" check) before the window.
            let shift = max(0, latestShift)
            func reachesWindow(_ local: LocalDateTime) -> Bool {
                let utc = zone.utcSeconds(of: local)
                return utc + shift >= windowStart
                    || span.end(forLocal: local, utcStart: utc, zone: zone) + shift > windowStart
            }
            if rules.isEmpty {
                emit(start.local)
            }
            for rule in rules {
                var inWindow = 0
                RecurrenceIterator.visit(
                    rule: rule, start: start.local, isDate: start.isDate, stopAfter: stopAfter,
                    isPastUntil: { isPastUntil(rule.until, $0, zone: zone, resolver: resolver) }
                ) { local in
                    emit(local)
                    if reachesWindow(local) { inWindow += 1 }
                    return inWindow < budget
                }
            }
            for rdate in master.properties(named: "RDATE") {
                let tzid = rdate.firstParameter("TZID")
                for item in rdate.value.split(separator: ",") {
                    let parts = item.split(separator: "/", maxSplits: 1).map(String.init)
                    guard let text = parts.first, let value = ICalDateTime.parse(text, tzid: tzid) else { continue }
                    let local =
                        value.isDate || value.zone == .floating
                        ? value.local : zone.local(ofUTC: resolver.utcSeconds(of: value, floatingZone: zone))
                    // A PERIOD's end or duration is that instance's (jscalendar-icalendar §2.3.33:
                    // it becomes the override's duration).
                    var period: Span?
                    if parts.count == 2 {
                        if let duration = ICalDuration.parse(parts[1]) {
                            period = Span(exactSeconds: nil, nominal: duration, isDate: false)
                        } else if let end = ICalDateTime.parse(parts[1], tzid: tzid) {
                            let startUTC = resolver.utcSeconds(of: value, floatingZone: zone)
                            let endUTC = resolver.utcSeconds(of: end, floatingZone: zone)
                            period = Span(exactSeconds: max(0, endUTC - startUTC), nominal: nil, isDate: false)
                        }
                    }
                    emit(local, period: period)
                }
            }
            // EXRULE (RFC 2445 §4.8.5.2, deprecated by RFC 5545 Appendix A.3) removes the starts it
            // generates up to the last one gathered; DTSTART, which every rule yields first, stays.
            if let last = starts.map(\.local).max(), master.property("EXRULE") != nil {
                var ruleExcluded = Set<Int>()
                for property in master.properties(named: "EXRULE") {
                    guard let rule = RecurrenceRule.parse(property.value, tzid: start.tzid) else { continue }
                    var isFirst = true
                    RecurrenceIterator.visit(
                        rule: rule, start: start.local, isDate: start.isDate, stopAfter: last,
                        isPastUntil: { isPastUntil(rule.until, $0, zone: zone, resolver: resolver) }
                    ) { local in
                        if isFirst {
                            isFirst = false
                        } else {
                            ruleExcluded.insert(zone.utcSeconds(of: local))
                        }
                        return true
                    }
                }
                starts.removeAll { ruleExcluded.contains($0.utc) }
            }
            var seenStarts = Set<Int>()
            // Of two equal starts the RDATE PERIOD's is kept: it is the more explicit.
            let ordered = starts.sorted { ($0.utc, $0.period == nil ? 1 : 0) < ($1.utc, $1.period == nil ? 1 : 0) }
            for (local, utc, period) in ordered where seenStarts.insert(utc).inserted {
                if let override = overrides[utc] {
                    addOverride(utc, override)
                    continue
                }
                var id = start
                id.local = local
                // The latest RANGE=THISANDFUTURE override before this instance, if any, applies.
                guard let range = ranges.last(where: { $0.key < utc }) else {
                    let end = (period ?? span).end(forLocal: local, utcStart: utc, zone: zone)
                    add(
                        Instance(
                            recurrenceId: id, utcStart: Date(timeIntervalSince1970: TimeInterval(utc)),
                            utcEnd: Date(timeIntervalSince1970: TimeInterval(end)), isOverride: false))
                    continue
                }
                if range.isCancelled { continue }
                let shifted = local.adding(seconds: range.shift)
                let shiftedUTC = zone.utcSeconds(of: shifted)
                let end = range.span.end(forLocal: shifted, utcStart: shiftedUTC, zone: zone)
                add(
                    Instance(
                        recurrenceId: id, utcStart: Date(timeIntervalSince1970: TimeInterval(shiftedUTC)),
                        utcEnd: Date(timeIntervalSince1970: TimeInterval(end)), isOverride: false,
                        overrideId: range.id))
            }
        }
        // A to-do with DUE and no DTSTART is one instance at DUE (as `utcRange` reads it).
        if let master, master.property("DTSTART") == nil, let due = master.property("DUE").flatMap(ICalDateTime.parse),
            let range = utcRange(of: master, resolver: resolver, floatingZone: floatingZone)
        {
            add(Instance(recurrenceId: due, utcStart: range.start, utcEnd: range.end, isOverride: false))
        }
        // Overrides that match no generated instance are still instances (RFC 5545 §3.8.4.4).
        for (key, component) in overrides where !seenOverrides.contains(key) { addOverride(key, component) }
        result.sort { ($0.utcStart, $0.utcEnd) < ($1.utcStart, $1.utcEnd) }
        return Array(result.prefix(limit))
    }

    /// Instances of every event or to-do with `uid` in `calendar`.
    public static func instances(
        uid: String, in calendar: ICalendar, window: ClosedRange<Date>, limit: Int, floatingZone: ICalTimeZone = .utc
    ) -> [Instance] {
        let root = calendar.calendar
        let components = (root?.components ?? []).filter {
            ($0.upperName == "VEVENT" || $0.upperName == "VTODO") && $0.uid == uid
        }
        return instances(
            of: components, resolver: TimeZoneResolver(calendar: root), in: window, limit: limit,
            floatingZone: floatingZone)
    }

    /// The RANGE=THISANDFUTURE overrides among `overrides`, by RECURRENCE-ID.
    static func rangeOverrides(
        _ overrides: [Int: ICalComponent], zone: ICalTimeZone, resolver: TimeZoneResolver, floatingZone: ICalTimeZone
    ) -> [RangeOverride] {
        var result: [RangeOverride] = []
        for (key, component) in overrides {
            guard let property = component.property("RECURRENCE-ID"),
                property.firstParameter("RANGE")?.uppercased() == "THISANDFUTURE",
                let id = ICalDateTime.parse(property)
            else { continue }
            let startValue = component.property("DTSTART").flatMap(ICalDateTime.parse) ?? id
            let startUTC = resolver.utcSeconds(of: startValue, floatingZone: floatingZone)
            let shift = zone.local(ofUTC: startUTC).secondsSinceEpoch - zone.local(ofUTC: key).secondsSinceEpoch
            result.append(
                RangeOverride(
                    key: key, id: id, shift: shift,
                    span: Span(component, start: startValue, resolver: resolver, floatingZone: floatingZone),
                    isCancelled: component.property("STATUS")?.text.uppercased() == "CANCELLED"))
        }
        return result.sorted { $0.key < $1.key }
    }

    static func isPastUntil(
        _ until: ICalDateTime?, _ local: LocalDateTime, zone: ICalTimeZone, resolver: TimeZoneResolver
    ) -> Bool {
        guard let until else { return false }
        if until.isDate { return local.dayNumber > until.local.dayNumber }
        if until.zone == .floating { return local > until.local }
        return zone.utcSeconds(of: local) > resolver.utcSeconds(of: until, floatingZone: zone)
    }

    /// RFC 4791 §9.9: a component with a positive duration overlaps [start, end) of the window
    /// when it starts before the window ends and ends after the window starts; a zero-duration
    /// one when it starts inside the window.
    public static func overlaps(start: Date, end: Date, window: ClosedRange<Date>) -> Bool {
        if end > start { return start < window.upperBound && end > window.lowerBound }
        return start >= window.lowerBound && start < window.upperBound
            || (start == window.lowerBound && window.lowerBound == window.upperBound)
    }

    /// The UTC start and end of a single (non-recurring or override) VEVENT/VTODO: DTEND, DUE or
    /// DURATION; a DATE start without either lasts one day, a DATE-TIME start zero (RFC 5545
    /// §3.6.1). An override without DTSTART starts at its RECURRENCE-ID; a VTODO without either
    /// uses DUE for both.
    public static func utcRange(
        of component: ICalComponent, resolver: TimeZoneResolver, floatingZone: ICalTimeZone = .utc
    ) -> (start: Date, end: Date)? {
        // An override without DTSTART is not moved: it starts at its RECURRENCE-ID.
        let startValue =
            component.property("DTSTART").flatMap(ICalDateTime.parse)
            ?? component.property("RECURRENCE-ID").flatMap(ICalDateTime.parse)
        let dueValue = component.property("DUE").flatMap(ICalDateTime.parse)
        guard let start = startValue ?? dueValue else { return nil }
        let zone: ICalTimeZone = {
            if start.isDate { return floatingZone }
            if case .floating = resolver.zone(of: start) { return floatingZone }
            return resolver.zone(of: start)
        }()
        let utc = zone.utcSeconds(of: start.local)
        let end =
            startValue == nil
            ? utc
            : Span(component, start: start, resolver: resolver, floatingZone: floatingZone).end(
                forLocal: start.local, utcStart: utc, zone: zone)
        return (Date(timeIntervalSince1970: TimeInterval(utc)), Date(timeIntervalSince1970: TimeInterval(end)))
    }

    /// RFC 4791 §9.9 time-range match of one component (all its instances for a recurring one).
    public static func matchesTimeRange(
        _ components: [ICalComponent], resolver: TimeZoneResolver, window: ClosedRange<Date>,
        floatingZone: ICalTimeZone = .utc
    ) -> Bool {
        !instances(of: components, resolver: resolver, in: window, limit: 1, floatingZone: floatingZone).isEmpty
    }

    /// How long each instance lasts: DTEND/DUE gives the same exact duration to every instance,
    /// DURATION the same nominal one (RFC 5545 §3.8.5.3). Between two DATE or floating values the
    /// exact duration is one of wall time (they have no zone, §3.3.4, §3.3.5): an all-day event
    /// ends at midnight even where the floating zone changes its offset in between.
    struct Span {
        var exactSeconds: Int?
        var nominal: ICalDuration?
        var wallSeconds: Int?
        var isDate: Bool

        init(exactSeconds: Int?, nominal: ICalDuration?, isDate: Bool) {
            self.exactSeconds = exactSeconds
            self.nominal = nominal
            self.isDate = isDate
        }

        init(_ component: ICalComponent, start: ICalDateTime, resolver: TimeZoneResolver, floatingZone: ICalTimeZone) {
            isDate = start.isDate
            let endProperty = component.property("DTEND") ?? component.property("DUE")
            if let endProperty, let end = ICalDateTime.parse(endProperty) {
                let startZone: ICalTimeZone = start.isDate ? floatingZone : resolver.zone(of: start)
                let endZone: ICalTimeZone = end.isDate ? floatingZone : resolver.zone(of: end)
                if Self.isWall(start, resolver), Self.isWall(end, resolver) {
                    wallSeconds = max(0, end.local.secondsSinceEpoch - start.local.secondsSinceEpoch)
                } else {
                    let startUTC = Self.utc(start, startZone, floatingZone)
                    let endUTC = Self.utc(end, endZone, floatingZone)
                    exactSeconds = max(0, endUTC - startUTC)
                }
            } else if let duration = component.property("DURATION").flatMap({ ICalDuration.parse($0.value) }) {
                nominal = duration
            } else if start.isDate {
                nominal = ICalDuration(days: 1)
            } else {
                exactSeconds = 0
            }
        }

        /// A DATE or floating value: a wall time in no zone.
        static func isWall(_ value: ICalDateTime, _ resolver: TimeZoneResolver) -> Bool {
            if value.isDate { return true }
            if case .floating = resolver.zone(of: value) { return true }
            return false
        }

        static func utc(_ value: ICalDateTime, _ zone: ICalTimeZone, _ floating: ICalTimeZone) -> Int {
            if case .floating = zone { return floating.utcSeconds(of: value.local) }
            return zone.utcSeconds(of: value.local)
        }

        func end(forLocal local: LocalDateTime, utcStart: Int, zone: ICalTimeZone) -> Int {
            if let exactSeconds { return utcStart + exactSeconds }
            if let wallSeconds { return max(utcStart, zone.utcSeconds(of: local.adding(seconds: wallSeconds))) }
            guard let nominal else { return utcStart }
            let wallEnd = local.adding(days: nominal.signedDays)
            let end = zone.utcSeconds(of: wallEnd) + nominal.signedSeconds
            return max(utcStart, end)
        }
    }
}

import Foundation
import JSON
import Testing

@testable import JSCalendar

/// Cross-check of the expander against the corpus *.json expansions. calcard wrote one JSON
/// document per iCalendar object of each .ics stream (concatenated in one file when there are
/// several), from `ICalendar.expand_dates(Pacific/Auckland, 100)`: floating and DATE values and
/// unknown TZIDs are read in Pacific/Auckland, at most 100 rule iterations per object, overrides
/// credited to their own "comp_id" (the component's index in a pre-order walk with VCALENDAR = 0).
/// We expand each UID's master and overrides together with Auckland as the floating zone and
/// compare, per component, the UTC start and end of every instance it gave (instances after a
/// RANGE=THISANDFUTURE override are credited to it, as calcard does); a component's list may be
/// a prefix of ours (calcard's shared limit). Every remaining difference is a deviation below,
/// counted per file, in one of these classes where RFC 5545 decides for us:
/// - end of day: calcard ends a DATE-TIME start without DTEND/DURATION (and a to-do's DUE alone)
///   at 23:59:59 of its day; §3.6.1 gives it no duration.
/// - first instance: DTSTART not matching its RRULE is the first instance for us (§3.8.5.3,
///   §3.6.1), calcard drops it (and does not count it towards COUNT).
/// - zones: calcard ignores a VTIMEZONE whose TZID is no IANA name and reads the time in Auckland,
///   we evaluate it (§3.6.5); calcard reads a DATE with a TZID in that zone, we read it floating
///   (§3.2.19: TZID MUST NOT be applied to DATE); calcard expands a recurring UTC DTSTART in
///   Auckland wall time (§3.3.5: UTC is absolute); calcard's zone data is wrong in 2100.
/// - recurrence set: calcard lists an RDATE equal to another start twice (§3.8.5.2: duplicates are
///   ignored), expands the RDATEs of a RECURRENCE-ID component (§3.8.4.4: an override is one
///   instance), keeps an EXDATE'd start (§3.8.5.1), and matches an override only with the master's
///   SEQUENCE (§3.8.4.4: an instance is referenced by UID and RECURRENCE-ID).
/// - not instances: VFREEBUSY, VJOURNAL and CREATED/COMPLETED-only to-dos, which the expander does
///   not read (it expands events and to-dos by DTSTART, or DUE alone).
/// - invalid input read differently: DTEND before DTSTART or a negative DURATION (§3.8.2.2,
///   §3.8.2.5: we clamp to no duration), value text against its VALUE (§3.2.20), duplicate DTSTART
///   or UID masters, RSCALE=CHINESE (RFC 7529; we expand only Gregorian), and so on per file.
@Suite struct ExpansionCorpusTests {
    static let endOfDay = "calcard ends a DATE-TIME start without DTEND at 23:59:59; RFC 5545 §3.6.1: no duration"
    static let firstInstance = "DTSTART off the rule is the first instance (RFC 5545 §3.8.5.3); calcard drops it"
    static let vtimezone = "calcard reads a non-IANA TZID in Auckland; we evaluate its VTIMEZONE (RFC 5545 §3.6.5)"
    static let dateTZID = "DATE with TZID: floating for us (RFC 5545 §3.2.19), midnight in the TZID for calcard"
    static let utcRule = "calcard expands a recurring UTC DTSTART in Auckland wall time (RFC 5545 §3.3.5)"
    static let year2100 = "calcard's zone data has the wrong offset in 2100; the tz database's rules go on"
    static let duplicateRDATE = "calcard lists an RDATE equal to DTSTART twice (RFC 5545 §3.8.5.2: duplicates ignored)"
    static let overrideRDATE =
        "RDATE in a RECURRENCE-ID component: one instance (RFC 5545 §3.8.4.4); calcard expands the RDATEs"
    static let sequence =
        "calcard matches an override only at the master's SEQUENCE (RFC 5545 §3.8.4.4: UID+RECURRENCE-ID)"
    static let notInstance = "VFREEBUSY/VJOURNAL/CREATED-only VTODO: not instances of the expander (events, to-dos)"
    static let negative = "end before start (RFC 5545 §3.8.2.2, §3.8.2.5): we clamp to no duration, calcard keeps it"

    /// Files where we deliberately differ: how many components differ and why.
    static let deviations: [String: (count: Int, reason: String)] = [
        "006.json": (1, firstInstance),
        "008.json": (2, endOfDay + "; " + negative),
        "009.json": (2, endOfDay + "; " + negative),
        "010.json": (1, vtimezone),
        "016.json": (1, notInstance),
        "017.json": (1, negative),
        "019.json": (1, utcRule),
        "021.json": (1, "DTSTART and DTEND in two zones: calcard subtracts wall times; exact for us (RFC 5545 §3.6.1)"),
        "022.json": (1, dateTZID),
        "025.json": (1, notInstance),
        "027.json": (
            1, "TZID \"(GMT +01:00)\" without VTIMEZONE: floating for us (RFC 5545 §3.2.19), +01:00 for calcard"
        ),
        "030.json": (1, year2100),
        "031.json": (1, "two masters with one UID (RFC 5545 §3.8.4.7): we expand the first only"),
        "034.json": (128, "VALUE=DATE with DATE-TIME text (RFC 5545 §3.2.20): we keep the time, calcard cuts it"),
        "035.json": (1, dateTZID),
        "036.json": (2, notInstance),
        "038.json": (1, "DURATION:PT1W is invalid (RFC 5545 §3.3.6): we use the one-day default, calcard a week"),
        "041.json": (1, vtimezone),
        "044.json": (1, sequence),
        "051.json": (1, "two DTSTARTs (RFC 5545 §3.6.1): we take the first, calcard the last; " + vtimezone),
        "057.json": (1, firstInstance + "; " + endOfDay),
        "058.json": (1, duplicateRDATE),
        "065.json": (1, "'SUMMARY=testevent' has no ':' (RFC 5545 §3.1): read as DTSTART's unfolded rest, invalid"),
        "080.json": (1, vtimezone),
        "083.json": (1, endOfDay),
        "084.json": (1, endOfDay),
        "087.json": (1, overrideRDATE),
        "088.json": (1, overrideRDATE + "; " + vtimezone),
        "089.json": (1, vtimezone),
        "096.json": (1, notInstance),
        "097.json": (1, notInstance),
        "102.json": (1, vtimezone),
        "107.json": (1, endOfDay),
        "108.json": (2, endOfDay + "; an override without DTSTART: calcard gives a DATE-TIME one day"),
        "109.json": (4, vtimezone + "; " + endOfDay),
        "111.json": (1, "two DTSTARTs (RFC 5545 §3.6.1): we take the first, calcard the last; " + vtimezone),
        "117.json": (1, "RSCALE=CHINESE (RFC 7529): calcard expands it as Gregorian; we give DTSTART only"),
        "148.json": (1, endOfDay),
        "150.json": (4, endOfDay),
        "161.json": (3, endOfDay),
        "162.json": (1, "VALUE=DATE-TIME with DATE text (RFC 5545 §3.2.20): a floating DATE for us, calcard midnight"),
        "172.json": (1, endOfDay),
        "177.json": (1, year2100),
        "181.json": (5, firstInstance),
        "186.json": (1, "EXDATE of DTSTART and RDATE excludes it (RFC 5545 §3.8.5.1); calcard lists it twice"),
        "198.json": (1, vtimezone),
        "201.json": (1, duplicateRDATE),
        "203.json": (1, duplicateRDATE),
        "205.json": (1, overrideRDATE),
        "206.json": (1, overrideRDATE),
        "207.json": (1, duplicateRDATE),
        "208.json": (1, duplicateRDATE),
        "213.json": (1, firstInstance),
        "217.json": (1, firstInstance + "; EXRULE (RFC 2445 §4.8.5.2) applied by us, ignored by calcard"),
        "219.json": (86, dateTZID),
        "221.json": (47, dateTZID),
        "222.json": (2, utcRule + "; " + firstInstance),
        "226.json": (1, year2100),
        "234.json": (1, endOfDay),
        "235.json": (1, notInstance),
        "236.json": (2, notInstance),
        "242.json": (1, endOfDay),
        "253.json": (1, "RDATE '20131210Z' is no DATE (RFC 5545 §3.3.4): we skip it, calcard reads the date"),
        "255.json": (1, "two RRULEs: we take their union, calcard the last one; " + firstInstance),
        "257.json": (1, endOfDay),
        "259.json": (1, sequence),
        "261.json": (1, vtimezone),
        "298.json": (
            2, "times in a DST gap or overlap (RFC 5545 §3.3.5): we read the first, drop duplicates; calcard reads UTC"
        ),
    ]

    static func flatten(_ component: ICalComponent, into list: inout [ICalComponent]) {
        list.append(component)
        for child in component.components { flatten(child, into: &list) }
    }

    /// The top-level JSON documents of a file that holds several, one after another (calcard
    /// writes one document per iCalendar object of the .ics stream, skipping objects that gave
    /// neither events nor errors).
    static func jsonDocuments(_ text: String) -> [JSONValue] {
        var documents: [JSONValue] = []
        var depth = 0
        var begin: String.Index?
        forEachJSONBracket(in: text) { index, bracket in
            if bracket == "{" || bracket == "[" {
                if depth == 0 { begin = index }
                depth += 1
            } else {
                depth -= 1
                if depth == 0, let begin, let value = parseJSON(String(text[begin...index])) {
                    documents.append(value)
                }
            }
        }
        return documents
    }

    static func isEvent(_ component: ICalComponent) -> Bool {
        component.upperName == "VEVENT" || component.upperName == "VTODO"
    }

    /// calcard's default zone for floating and DATE values and for unknown TZIDs.
    static let auckland = ICalTimeZone.iana(TimeZone(identifier: "Pacific/Auckland")!)

    @Test func corpusExpansionsMatch() throws {
        let files = Corpus.files(in: Corpus.ical, suffix: ".json")
        #expect(files.count > 200, "corpus not found")
        var compared = 0
        var matched = 0
        var unreadable: [String] = []
        var mismatches: [String] = []
        var deviating: [String] = []
        var explainedPerFile: [String: Int] = [:]
        for file in files {
            let name = file.lastPathComponent
            let documents = Self.jsonDocuments(Corpus.text(file))
            let icsURL = file.deletingPathExtension().appendingPathExtension("ics")
            let (calendar, _) = ICalParser.parse(Corpus.text(icsURL))
            // One document per iCalendar object with a component that has time ranges.
            let timed: Set<String> = ["VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY"]
            // A VCALENDAR nested in another (163.ics) is part of the same object, as for calcard.
            func hasTimed(_ component: ICalComponent) -> Bool {
                timed.contains(component.upperName) || component.components.contains(where: hasTimed)
            }
            let roots = calendar.components.filter(hasTimed)
            guard !documents.isEmpty, documents.count == roots.count else {
                unreadable.append("\(name): \(documents.count) documents for \(roots.count) objects")
                continue
            }
            for (document, root) in zip(documents, roots) {
                guard let events = document.objectValue?["events"]?.arrayValue else {
                    unreadable.append("\(name): no events")
                    continue
                }
                var flat: [ICalComponent] = []
                Self.flatten(root, into: &flat)
                let resolver = TimeZoneResolver(calendar: root.upperName == "VCALENDAR" ? root : nil)
                var expected: [Int: [[Int]]] = [:]
                for event in events {
                    guard let object = event.objectValue, let id = object["comp_id"]?.intValue,
                        let start = object["start"]?.stringValue, let end = object["end"]?.stringValue
                    else { continue }
                    expected[id, default: []].append([start, end].map { Int(utc($0).timeIntervalSince1970) })
                }
                // Ours: each UID's master and overrides expanded together (calcard matches overrides
                // to instances across the object), each instance credited to the component it came from.
                var ours: [Int: [[Int]]] = [:]
                var groups: [String: [Int]] = [:]
                for (index, component) in flat.enumerated() where Self.isEvent(component) {
                    groups[component.uid ?? "#\(index)", default: []].append(index)
                }
                for indices in groups.values {
                    let components = indices.map { flat[$0] }
                    let master = indices.first { flat[$0].property("RECURRENCE-ID") == nil }
                    var overrideIndex: [Int: Int] = [:]
                    for index in indices {
                        guard let property = flat[index].property("RECURRENCE-ID"),
                            let id = ICalDateTime.parse(property)
                        else { continue }
                        overrideIndex[resolver.utcSeconds(of: id, floatingZone: Self.auckland)] = index
                    }
                    // calcard lists at most 100 instances per object: 300 of ours cover every prefix compared.
                    let instances = RecurrenceExpander.instances(
                        of: components, resolver: resolver,
                        in: Date(timeIntervalSince1970: -2_208_988_800)...Date(timeIntervalSince1970: 253_402_300_799),
                        limit: 300, floatingZone: Self.auckland)
                    for instance in instances {
                        // Credited to the override whose properties it has (RANGE=THISANDFUTURE too).
                        let index: Int?
                        if let overrideId = instance.overrideId {
                            index = overrideIndex[resolver.utcSeconds(of: overrideId, floatingZone: Self.auckland)]
                        } else {
                            index = master
                        }
                        guard let index else { continue }
                        ours[index, default: []].append(
                            [Int(instance.utcStart.timeIntervalSince1970), Int(instance.utcEnd.timeIntervalSince1970)])
                    }
                }
                for (id, theirs) in expected.sorted(by: { $0.key < $1.key }) {
                    compared += 1
                    // calcard stops each object's expansion after 100 rule iterations in all: a
                    // component's list can be a prefix of the full expansion.
                    let mine = Array((ours[id] ?? []).prefix(theirs.count))
                    if theirs == mine {
                        matched += 1
                        continue
                    }
                    let firstDiff =
                        Array(zip(theirs, mine)).firstIndex { $0.0 != $0.1 } ?? min(theirs.count, mine.count)
                    func show(_ list: [[Int]]) -> String {
                        guard firstDiff < list.count else { return "-" }
                        return list[firstDiff].map { Date(timeIntervalSince1970: TimeInterval($0)).description }
                            .joined(separator: "/")
                    }
                    let line =
                        "\(name)#\(id): theirs \(theirs.count) ours \((ours[id] ?? []).count), first difference at "
                        + "\(firstDiff): \(show(theirs)) vs \(show(mine))"
                    if Self.deviations[name] != nil {
                        deviating.append(line)
                        explainedPerFile[name, default: 0] += 1
                    } else {
                        mismatches.append(line)
                    }
                }
            }
        }
        print(
            "expansion cross-check: \(compared) components, \(matched) equal, \(deviating.count) explained, "
                + "\(mismatches.count) differ, \(unreadable.count) unreadable json files"
        )
        for line in unreadable { print("  unreadable " + line) }
        // The explained differences are listed only on request: JSCALENDAR_SHOW_DEVIATIONS=1.
        if ProcessInfo.processInfo.environment["JSCALENDAR_SHOW_DEVIATIONS"] != nil {
            for line in deviating { print("  explained " + line) }
        }
        for line in mismatches { print("  " + line) }
        #expect(compared > 200)
        #expect(unreadable.isEmpty)
        // Every difference is explained, and each explained file differs exactly as counted.
        #expect(mismatches.isEmpty)
        for (name, deviation) in Self.deviations.sorted(by: { $0.key < $1.key }) {
            #expect(explainedPerFile[name, default: 0] == deviation.count, "\(name): \(deviation.reason)")
        }
    }
}

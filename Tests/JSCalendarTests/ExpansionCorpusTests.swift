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
/// compare UTC instants; a component's list may be a prefix of ours (calcard's shared limit).
@Suite struct ExpansionCorpusTests {
    /// Files where we deliberately differ, with the reason.
    static let deviations: [String: String] = [:]

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
        var inString = false
        var escaped = false
        var begin: String.Index?
        for index in text.indices {
            let character = text[index]
            if inString {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                }
                continue
            }
            switch character {
            case "\"": inString = true
            case "{", "[":
                if depth == 0 { begin = index }
                depth += 1
            case "}", "]":
                depth -= 1
                if depth == 0, let begin, let value = parseJSON(String(text[begin...index])) {
                    documents.append(value)
                }
            default: break
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
        for file in files {
            let name = file.lastPathComponent
            let documents = Self.jsonDocuments(Corpus.text(file))
            let icsURL = file.deletingPathExtension().appendingPathExtension("ics")
            let (calendar, _) = ICalParser.parse(Corpus.text(icsURL))
            // One document per iCalendar object with a component that has time ranges.
            let timed: Set<String> = ["VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY"]
            let roots = calendar.components.filter { root in
                timed.contains(root.upperName) || root.components.contains { timed.contains($0.upperName) }
            }
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
        for line in deviating { print("  explained " + line) }
        for line in mismatches { print("  " + line) }
        #expect(compared > 200)
        // Open triage (exact, so that a regression or an improvement shows). Causes seen so far,
        // not yet attributed per file: 034.json (128) writes DATE-TIME text under VALUE=DATE,
        // which calcard cuts to the date and we read with its time; calcard ends a DATE-TIME
        // start without DTEND/DURATION at the end of its day where RFC 5545 §3.6.1 gives zero
        // duration (008, 083, 148, 150, 161, ...); we expand no VJOURNAL/VFREEBUSY and no
        // DUE-only VTODO the way calcard does (016, 025, 036, 096, 097, 170); RANGE=THISANDFUTURE
        // is not applied by our expander (087, 088); TZIDs calcard could not resolve and read in
        // Auckland where we resolve them, or the reverse (010, 019, 027, 041, 080, 198, 219, 221);
        // Outlook VTIMEZONE rules far in the future (030, 177). 163.json: its document does not
        // pair with any object of 163.ics.
        #expect(unreadable.count == 1)
        #expect(mismatches.count == 345)
    }
}

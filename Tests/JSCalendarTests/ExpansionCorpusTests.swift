import Foundation
import JSON
import Testing

@testable import JSCalendar

/// Cross-check of the expander against the corpus *.json expansions (calcard: the first 100
/// instances of each component; "comp_id" is the component's index in a pre-order walk with
/// VCALENDAR = 0). Zoned instances compare as UTC instants; floating and DATE instances (which
/// that project placed in some default zone) compare as wall times.
@Suite struct ExpansionCorpusTests {
    /// Files where we deliberately differ, with the reason.
    static let deviations: [String: String] = [:]

    static func flatten(_ component: ICalComponent, into list: inout [ICalComponent]) {
        list.append(component)
        for child in component.components { flatten(child, into: &list) }
    }

    @Test func corpusExpansionsMatch() throws {
        let files = Corpus.files(in: Corpus.ical, suffix: ".json")
        #expect(files.count > 200, "corpus not found")
        var compared = 0
        var matched = 0
        var skippedUnparsable = 0
        var mismatches: [String] = []
        for file in files {
            let name = file.lastPathComponent
            guard let json = parseJSON(Corpus.text(file))?.objectValue,
                let events = json["events"]?.arrayValue
            else {
                skippedUnparsable += 1  // 7 files hold two concatenated JSON documents
                continue
            }
            let icsURL = file.deletingPathExtension().appendingPathExtension("ics")
            let (calendar, _) = ICalParser.parse(Corpus.text(icsURL))
            var flat: [ICalComponent] = []
            for root in calendar.components { Self.flatten(root, into: &flat) }
            let resolver = TimeZoneResolver(calendar)
            var expected: [Int: [(String, String)]] = [:]
            for event in events {
                guard let object = event.objectValue, let id = object["comp_id"]?.intValue,
                    let start = object["start"]?.stringValue, let end = object["end"]?.stringValue
                else { continue }
                expected[id, default: []].append((start, end))
            }
            for (id, list) in expected.sorted(by: { $0.key < $1.key }) {
                guard id < flat.count else {
                    mismatches.append("\(name)#\(id): no such component")
                    continue
                }
                let component = flat[id]
                compared += 1
                // The corpus expands each component on its own (overrides are separate comp_ids).
                let ours = RecurrenceExpander.instances(
                    of: [component], resolver: resolver,
                    in: Date(timeIntervalSince1970: -2_208_988_800)...Date(timeIntervalSince1970: 253_402_300_799),
                    limit: list.count)
                let floating: Bool = {
                    guard let start = component.property("DTSTART").flatMap(ICalDateTime.parse) else { return true }
                    if start.isDate { return true }
                    if case .floating = resolver.zone(of: start) { return true }
                    return false
                }()
                func key(_ text: String) -> Int {
                    if floating { return Int(utc(String(text.prefix(19)) + "Z").timeIntervalSince1970) }
                    return Int(utc(text).timeIntervalSince1970)
                }
                let theirs = list.map { [key($0.0), key($0.1)] }
                let mine = ours.map { [Int($0.utcStart.timeIntervalSince1970), Int($0.utcEnd.timeIntervalSince1970)] }
                if theirs == mine || Self.deviations[name] != nil {
                    matched += 1
                } else {
                    let firstDiff =
                        Array(zip(theirs, mine)).firstIndex { $0.0 != $0.1 } ?? min(theirs.count, mine.count)
                    mismatches.append(
                        "\(name)#\(id): theirs \(theirs.count) ours \(mine.count), first difference at \(firstDiff): "
                            + "\(firstDiff < list.count ? list[firstDiff].0 : "-") vs "
                            + "\(firstDiff < ours.count ? ours[firstDiff].utcStart.description : "-")")
                }
            }
        }
        print(
            "expansion cross-check: \(compared) components, \(matched) equal, \(mismatches.count) differ, \(skippedUnparsable) unparsable json files"
        )
        for mismatch in mismatches { print("  " + mismatch) }
        #expect(compared > 200)
        // Open work: 211 components (mostly floating/DATE events the corpus placed in a default
        // zone, Outlook custom zones, overrides) are not yet triaged; this guards against
        // regressions until each is fixed or justified.
        #expect(mismatches.count <= 211)
    }
}

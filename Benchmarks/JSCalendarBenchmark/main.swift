import Foundation
import JSCalendar
import JSON

// JSCalendar throughput benchmark: parse, iCalendar → JSCalendar, JSCalendar → iCalendar +
// serialise, and recurrence expansion, on the corpus's *.ics files and on a generated file of
// 10,000 VEVENTs. Each figure is the median of 5 timed runs after one warm-up run.
//
//   swift run -c release JSCalendarBenchmark [CORPUS_DIR]
//
// CORPUS_DIR is calcard's resources/ folder (or its ical/ folder). Without an argument it is
// $JSCALENDAR_BENCHMARK_CORPUS, else $JMAP_GATEWAY_CORPUS/calcard/resources, else
// ../shared/corpus/calcard/resources relative to the current directory. Without a corpus only
// the generated file is measured.

let runs = 5
/// $JSCALENDAR_BENCHMARK_EVENTS overrides the size of the generated file.
let generatedEventCount =
    ProcessInfo.processInfo.environment["JSCALENDAR_BENCHMARK_EVENTS"].flatMap { Int($0) } ?? 10_000
/// The most instances expanded per logical event (a master with its overrides).
let instanceCap = 1000
/// Each logical event expands over one year from its first start.
let windowSeconds: TimeInterval = 365 * 86400

// MARK: - Workloads

struct Workload {
    var name: String
    /// The iCalendar texts, one per file.
    var texts: [String]
    var bytes: Int { texts.reduce(0) { $0 + $1.utf8.count } }
}

func corpusDirectory() -> URL? {
    let environment = ProcessInfo.processInfo.environment
    let candidates: [String] = [
        CommandLine.arguments.dropFirst().first,
        environment["JSCALENDAR_BENCHMARK_CORPUS"],
        environment["JMAP_GATEWAY_CORPUS"].map { $0 + "/calcard/resources" },
        "../shared/corpus/calcard/resources",
    ].compactMap { $0 }
    for path in candidates {
        let url = URL(fileURLWithPath: path)
        for directory in [url.appendingPathComponent("ical"), url] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            if names.contains(where: { $0.hasSuffix(".ics") }) { return directory }
        }
        if CommandLine.arguments.count > 1 {
            // An explicit argument that holds no *.ics files is a mistake, not a fallback.
            FileHandle.standardError.write(Data("no *.ics files in \(path) or \(path)/ical\n".utf8))
            exit(2)
        }
    }
    return nil
}

func corpusWorkload(_ directory: URL) -> Workload {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasSuffix(".ics") }.sorted()
    let texts = names.compactMap { name -> String? in
        guard let data = try? Data(contentsOf: directory.appendingPathComponent(name)) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
    return Workload(name: "corpus (\(texts.count) files)", texts: texts)
}

// MARK: - The generated file

/// SplitMix64: a fixed seed gives the same file on every platform.
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
}

/// A proleptic Gregorian wall time, enough to write iCalendar values.
struct Wall {
    var day: Int  // days since 1970-01-01
    var minute: Int  // minutes since midnight

    var civil: (year: Int, month: Int, day: Int) { LocalDateTime.date(fromDayNumber: day) }

    static func days(year: Int, month: Int, day: Int) -> Int {
        LocalDateTime.dayNumber(year: year, month: month, day: day)
    }

    func adding(minutes: Int) -> Wall {
        let total = day * 1440 + minute + minutes
        return Wall(day: total / 1440, minute: total % 1440)
    }

    func adding(months: Int) -> Wall {
        let (y, m, d) = civil
        let index = y * 12 + (m - 1) + months
        return Wall(day: Wall.days(year: index / 12, month: index % 12 + 1, day: d), minute: minute)
    }

    var dateText: String {
        let (y, m, d) = civil
        return String(format: "%04d%02d%02d", y, m, d)
    }
    var dateTimeText: String { dateText + String(format: "T%02d%02d00", minute / 60, minute % 60) }

    /// RFC 5545 §3.8.5.3 BYDAY names; 1970-01-01 was a Thursday.
    var weekday: String { ["TH", "FR", "SA", "SU", "MO", "TU", "WE"][((day % 7) + 7) % 7] }
}

/// How an event's times are written: in a TZID, as UTC, floating, or as all-day dates.
enum TimeForm: CaseIterable {
    case newYork, berlin, tokyo, windowsEastern, customZone, utc, floating, allDay

    var tzid: String? {
        switch self {
        case .newYork: return "America/New_York"
        case .berlin: return "Europe/Berlin"
        case .tokyo: return "Asia/Tokyo"
        case .windowsEastern: return "Eastern Standard Time"
        case .customZone: return "Custom Central"
        case .utc, .floating, .allDay: return nil
        }
    }

    func property(_ name: String, _ wall: Wall) -> String {
        switch self {
        case .allDay: return "\(name);VALUE=DATE:\(wall.dateText)"
        case .utc: return "\(name):\(wall.dateTimeText)Z"
        case .floating: return "\(name):\(wall.dateTimeText)"
        default: return "\(name);TZID=\(tzid!):\(wall.dateTimeText)"
        }
    }

    func value(_ wall: Wall) -> String {
        switch self {
        case .allDay: return wall.dateText
        case .utc: return wall.dateTimeText + "Z"
        default: return wall.dateTimeText
        }
    }
}

/// A deterministic calendar of `count` VEVENTs (overrides included): 40% single, 20% daily,
/// 25% weekly, 15% monthly; recurring ones get EXDATEs (30%) and RECURRENCE-ID overrides (25%);
/// eight time forms (IANA, Windows and VTIMEZONE-defined TZIDs, UTC, floating, all-day); alarms
/// (50%) and attendees (40%); long, escaped, non-ASCII descriptions that need folding.
func generatedCalendar(count: Int) -> String {
    var random = Random(state: 20_250_101)
    var lines: [String] = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//jmap-gateway//JSCalendarBenchmark//EN", "CALSCALE:GREGORIAN",
    ]
    lines += [
        "BEGIN:VTIMEZONE", "TZID:America/New_York",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "TZNAME:EDT", "DTSTART:20070311T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "TZNAME:EST", "DTSTART:20071104T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "END:STANDARD", "END:VTIMEZONE",
        "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19810329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "DTSTART:19961027T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD", "END:VTIMEZONE",
        // No IANA name: evaluated from its observances.
        "BEGIN:VTIMEZONE", "TZID:Custom Central",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:-0600", "TZOFFSETTO:-0500", "DTSTART:20070311T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0600", "DTSTART:20071104T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "END:STANDARD", "END:VTIMEZONE",
    ]
    let forms = TimeForm.allCases
    let people = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
    let firstDay = Wall.days(year: 2025, month: 1, day: 1)
    var written = 0
    var index = 0
    while written < count {
        index += 1
        let uid = "bench-\(index)@example.com"
        let form = forms[random.int(forms.count)]
        let start = Wall(day: firstDay + random.int(365), minute: (7 + random.int(12)) * 60 + 15 * random.int(4))
        let minutes = [30, 45, 60, 90, 120][random.int(5)]
        let kind = random.int(100)
        var body: [String] = [
            "UID:\(uid)", "DTSTAMP:20250101T000000Z", "SEQUENCE:\(random.int(3))",
            "SUMMARY:Meeting \(index) \\; room \(random.int(40)), floor \(random.int(9))",
        ]
        if random.chance(30) {
            body.append(
                ICalWriter.fold(
                    "DESCRIPTION:Agenda for réunion \(index):\\n1. Review the numbers\\, "
                        + "then the plan\\n2. Überblick and next steps for the quarter\\n"
                        + String(repeating: "Notes. ", count: 1 + random.int(12))))
        }
        if random.chance(25) { body.append("LOCATION:Building \(random.int(7))\\, Room \(random.int(300))") }
        if random.chance(20) { body.append("CATEGORIES:Work,Project \(random.int(10))") }
        body.append(form.property("DTSTART", start))
        if form == .allDay {
            body.append(form.property("DTEND", Wall(day: start.day + 1 + random.int(2), minute: 0)))
        } else if random.chance(70) {
            body.append(form.property("DTEND", start.adding(minutes: minutes)))
        } else {
            body.append("DURATION:PT\(minutes)M")
        }
        // Occurrence k of the rule below (each rule has DTSTART's own weekday / month day in it).
        var occurrence: ((Int) -> Wall)? = nil
        var occurrences = 1
        var weeklyDays = 1  // COUNT counts both BYDAY days: occurrence(k) exists for k < COUNT / 2
        if kind >= 40 {
            var rule: String
            if kind < 60 {
                let interval = 1 + random.int(3)
                occurrences = 5 + random.int(60)
                rule = "FREQ=DAILY" + (interval > 1 ? ";INTERVAL=\(interval)" : "")
                occurrence = { Wall(day: start.day + $0 * interval, minute: start.minute) }
            } else if kind < 85 {
                occurrences = 4 + random.int(52)
                let extra = ["MO", "TU", "WE", "TH", "FR"][random.int(5)]
                rule = "FREQ=WEEKLY;BYDAY=" + (extra == start.weekday ? extra : "\(start.weekday),\(extra)")
                occurrence = { Wall(day: start.day + $0 * 7, minute: start.minute) }
                weeklyDays = extra == start.weekday ? 1 : 2
            } else {
                occurrences = 3 + random.int(24)
                let (_, _, day) = start.civil
                rule = day <= 28 ? "FREQ=MONTHLY;BYMONTHDAY=\(day)" : "FREQ=MONTHLY"
                occurrence = { start.adding(months: $0) }
            }
            switch random.int(3) {
            case 0: rule += ";COUNT=\(occurrences * weeklyDays)"
            case 1:
                let until = occurrence!(occurrences - 1)
                rule +=
                    ";UNTIL=" + (form == .allDay || form == .floating ? form.value(until) : until.dateTimeText + "Z")
                occurrences -= 1  // a UTC UNTIL may cut the last one
            default: occurrences = 12  // unbounded: the 1-year window stops it
            }
            body.append("RRULE:" + rule)
            if occurrences > 3, random.chance(30) {
                let excluded = (0..<(1 + random.int(3))).map { _ in
                    form.value(occurrence!(1 + random.int(occurrences - 1)))
                }
                let tzid = form.tzid.map { ";TZID=\($0)" } ?? (form == .allDay ? ";VALUE=DATE" : "")
                body.append("EXDATE\(tzid):" + Set(excluded).sorted().joined(separator: ","))
            }
        }
        if random.chance(40) {
            body.append("ORGANIZER;CN=\(people[index % people.count].capitalized):mailto:organizer\(index)@example.com")
            for person in 0..<(1 + random.int(4)) {
                let name = people[(index + person + 1) % people.count]
                let status = ["ACCEPTED", "NEEDS-ACTION", "TENTATIVE", "DECLINED"][random.int(4)]
                body.append(
                    "ATTENDEE;CN=\(name.capitalized);ROLE=REQ-PARTICIPANT;PARTSTAT=\(status);RSVP=TRUE:mailto:\(name)@example.com"
                )
            }
        }
        var alarm: [String] = []
        if random.chance(50) {
            alarm = [
                "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Reminder",
                "TRIGGER:-PT\([5, 10, 15, 30][random.int(4)])M", "END:VALARM",
            ]
        }
        lines += ["BEGIN:VEVENT"] + body + alarm + ["END:VEVENT"]
        written += 1
        // Overrides of the master: moved by an hour (a day for all-day events), retitled.
        if let occurrence, occurrences > 3, random.chance(25) {
            var ks = Set<Int>()
            for _ in 0..<(1 + random.int(2)) { ks.insert(1 + random.int(occurrences - 1)) }
            for k in ks.sorted() where written < count {
                let original = occurrence(k)
                let moved = form == .allDay ? Wall(day: original.day + 1, minute: 0) : original.adding(minutes: 60)
                lines += [
                    "BEGIN:VEVENT", "UID:\(uid)", "DTSTAMP:20250101T000000Z", form.property("RECURRENCE-ID", original),
                    "SUMMARY:Meeting \(index) (moved)", form.property("DTSTART", moved),
                    form == .allDay
                        ? form.property("DTEND", Wall(day: moved.day + 1, minute: 0))
                        : form.property("DTEND", moved.adding(minutes: minutes)),
                    "END:VEVENT",
                ]
                written += 1
            }
        }
    }
    lines.append("END:VCALENDAR")
    return lines.joined(separator: "\r\n") + "\r\n"
}

// MARK: - Measuring

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

/// The median wall time in seconds of `runs` runs of `body`, after one warm-up run.
func measure(_ body: () -> Void) -> Double {
    body()
    let clock = ContinuousClock()
    var seconds: [Double] = []
    for _ in 0..<runs {
        let elapsed = clock.measure(body)
        seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    return median(seconds)
}

/// Keeps results alive so the optimiser cannot drop the work.
nonisolated(unsafe) var sink = 0

struct Row {
    var workload: String
    var files: Int
    var megabytes: Double
    var events: Int
    var parseSeconds: Double
    var toJSCalendarSeconds: Double
    var toICalendarSeconds: Double
    var instances: Int
    var cappedEvents: Int
    var logicalEvents: Int
    var expandSeconds: Double
}

func isEvent(_ component: ICalComponent) -> Bool {
    component.upperName == "VEVENT" || component.upperName == "VTODO"
}

/// Each VCALENDAR's events and to-dos grouped by UID (a master with its overrides); a
/// component without UID is a group of its own.
func logicalEvents(_ calendar: ICalendar) -> [(TimeZoneResolver, [ICalComponent])] {
    var result: [(TimeZoneResolver, [ICalComponent])] = []
    for root in calendar.components {
        let children = root.upperName == "VCALENDAR" ? root.components : (isEvent(root) ? [root] : [])
        let resolver = TimeZoneResolver(calendar: root.upperName == "VCALENDAR" ? root : nil)
        var groups: [String: [ICalComponent]] = [:]
        var order: [String] = []
        for (index, component) in children.enumerated() where isEvent(component) {
            let key = component.uid ?? "#\(index)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(component)
        }
        for key in order { result.append((resolver, groups[key]!)) }
    }
    return result
}

func progress(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func run(_ workload: Workload) -> Row {
    progress("\(workload.name): parsing")
    let texts = workload.texts
    let parsed = texts.map { ICalParser.parse($0).calendar }
    let events = parsed.reduce(0) { total, calendar in
        total
            + calendar.components.reduce(0) {
                $0 + ($1.upperName == "VCALENDAR" ? $1.components.filter(isEvent).count : (isEvent($1) ? 1 : 0))
            }
    }
    let parseSeconds = measure {
        for text in texts { sink &+= ICalParser.parse(text).calendar.components.count }
    }
    progress("\(workload.name): iCalendar → JSCalendar")
    let objects = parsed.map { JSCalendarConverter.jsCalendar(from: $0) }
    let toJSCalendarSeconds = measure {
        for calendar in parsed { sink &+= JSCalendarConverter.jsCalendar(from: calendar).count }
    }
    progress("\(workload.name): JSCalendar → iCalendar")
    let toICalendarSeconds = measure {
        for object in objects { sink &+= JSCalendarConverter.iCalendar(from: object).serialized().utf8.count }
    }
    progress("\(workload.name): expansion")
    let groups = parsed.flatMap(logicalEvents)
    // Each logical event over one year from its first start (its master's DTSTART, else the
    // earliest override's).
    let windows: [ClosedRange<Date>?] = groups.map { resolver, components in
        let starts = components.compactMap { RecurrenceExpander.utcRange(of: $0, resolver: resolver)?.start }
        let master = components.first { $0.property("RECURRENCE-ID") == nil }
        guard
            let first = master.flatMap({ RecurrenceExpander.utcRange(of: $0, resolver: resolver)?.start })
                ?? starts.min()
        else { return nil }
        return first...first.addingTimeInterval(windowSeconds)
    }
    var instances = 0
    var capped = 0
    for ((resolver, components), window) in zip(groups, windows) {
        guard let window else { continue }
        let count = RecurrenceExpander.instances(of: components, resolver: resolver, in: window, limit: instanceCap)
            .count
        instances += count
        if count == instanceCap { capped += 1 }
    }
    let expandSeconds = measure {
        for ((resolver, components), window) in zip(groups, windows) {
            guard let window else { continue }
            sink &+=
                RecurrenceExpander.instances(of: components, resolver: resolver, in: window, limit: instanceCap)
                .count
        }
    }
    return Row(
        workload: workload.name, files: texts.count, megabytes: Double(workload.bytes) / 1_000_000, events: events,
        parseSeconds: parseSeconds, toJSCalendarSeconds: toJSCalendarSeconds, toICalendarSeconds: toICalendarSeconds,
        instances: instances, cappedEvents: capped, logicalEvents: groups.count, expandSeconds: expandSeconds)
}

// MARK: - Report

func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return left ? text + padding : padding + text
}

func rate(_ amount: Double, _ seconds: Double) -> String {
    seconds > 0 ? String(format: "%.0f", amount / seconds) : "-"
}

var workloads: [Workload] = []
if let directory = corpusDirectory() {
    workloads.append(corpusWorkload(directory))
} else {
    FileHandle.standardError.write(Data("corpus not found; measuring the generated file only\n".utf8))
}
let generated = generatedCalendar(count: generatedEventCount)
workloads.append(Workload(name: "generated (\(generatedEventCount) events)", texts: [generated]))

let rows = workloads.map(run)
#if DEBUG
    print("warning: debug build; use swift run -c release JSCalendarBenchmark")
#endif
print(
    "JSCalendar benchmark: median of \(runs) runs; expansion over 1 year from each event's start, at most \(instanceCap) instances per event"
)
print("")
let header = [
    pad("workload", 26, left: true), pad("MB", 6), pad("events", 7), pad("parse MB/s", 11), pad("parse ev/s", 11),
    pad("→JSCal ev/s", 12), pad("→iCal+ser ev/s", 15), pad("instances", 10), pad("capped", 7), pad("expand inst/s", 14),
]
print(header.joined(separator: " "))
print(String(repeating: "-", count: header.joined(separator: " ").count))
for row in rows {
    print(
        [
            pad(row.workload, 26, left: true), pad(String(format: "%.2f", row.megabytes), 6), pad("\(row.events)", 7),
            pad(String(format: "%.1f", row.megabytes / row.parseSeconds), 11),
            pad(rate(Double(row.events), row.parseSeconds), 11),
            pad(rate(Double(row.events), row.toJSCalendarSeconds), 12),
            pad(rate(Double(row.events), row.toICalendarSeconds), 15), pad("\(row.instances)", 10),
            pad("\(row.cappedEvents)", 7), pad(rate(Double(row.instances), row.expandSeconds), 14),
        ].joined(separator: " "))
}
print("")
for row in rows {
    print(
        "\(row.workload): \(row.logicalEvents) logical events; parse \(ms(row.parseSeconds)), → JSCalendar "
            + "\(ms(row.toJSCalendarSeconds)), → iCalendar + serialise \(ms(row.toICalendarSeconds)), "
            + "expand \(ms(row.expandSeconds))")
}
if sink == 42 { print("") }

func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

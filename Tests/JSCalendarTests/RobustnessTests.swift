import Foundation
import JSON
import TestSupport
import Testing

@testable import JSCalendar

/// Robustness: 10,000 seeded random mutations of corpus files never crash or hang the parser or
/// the expander. Each run is bounded (the expander's limit and work budget); the whole test
/// must stay within a time budget, and any single file taking long is reported.
@Suite struct RobustnessTests {
    @Test func tenThousandMutationsNeitherCrashNorHang() throws {
        let files = Corpus.files(in: Corpus.ical, suffix: ".ics")
        try #require(!files.isEmpty, "corpus not found")
        // Files up to 16 KB (most of the corpus): the few large ones would make 10,000 debug-build
        // parses take minutes, and they are parsed whole by the round-trip test.
        let texts = files.map { Array(Corpus.text($0).unicodeScalars) }.filter { $0.count <= 16_384 }
        var generator = SeededGenerator(seed: 0x6_1CA1)
        let alphabet = Array(
            ";:=,\"\\\r\n ^TZ0123456789-+PWDHMS/BEGIN:END:VEVENTRRULE:FREQ=BYDAY=-1MOUNTILCOUNT".unicodeScalars)
        // A window like a client's query (2000 to 2040); the expander's own budget bounds the rest.
        let window = Date(timeIntervalSince1970: 946_684_800)...Date(timeIntervalSince1970: 2_208_988_800)
        let clock = ContinuousClock()
        var slowest: Duration = .zero
        let total = clock.measure {
            for iteration in 0..<10_000 {
                guard var scalars = texts.randomElement(using: &generator) else { break }
                for _ in 0..<Int.random(in: 1...8, using: &generator) where !scalars.isEmpty {
                    let index = Int.random(in: 0..<scalars.count, using: &generator)
                    let replacement = alphabet.randomElement(using: &generator) ?? "x"
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: scalars[index] = replacement
                    case 1: scalars.remove(at: index)
                    default: scalars.insert(replacement, at: index)
                    }
                }
                let text = String(String.UnicodeScalarView(scalars))
                let elapsed = clock.measure {
                    let (calendar, _) = ICalParser.parse(text)
                    let resolver = TimeZoneResolver(calendar)
                    let events = calendar.mergedCalendar.components.filter { $0.upperName == "VEVENT" }
                    _ = RecurrenceExpander.instances(
                        of: Array(events.prefix(3)), resolver: resolver, in: window, limit: 20)
                    // The converter too, on every 50th run (it is the slower part).
                    if iteration % 50 == 0 {
                        _ = JSCalendarConverter.iCalendar(from: JSCalendarConverter.jsCalendar(from: calendar))
                    }
                }
                slowest = max(slowest, elapsed)
            }
        }
        print("robustness: 10000 mutations in \(total), slowest \(slowest)")
        #expect(slowest < .seconds(5))
        #expect(total < .seconds(300))
    }
}

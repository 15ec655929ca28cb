import Foundation
import JSCalendar
import JSON

/// libFuzzer entry (built by scripts/fuzz.sh, not by SwiftPM): the input is read as iCalendar
/// and taken through every path a stored calendar object takes in the gateway: parsing,
/// iCalendar → JSCalendar, JSCalendar → iCalendar (and reading that back), and a bounded
/// recurrence expansion. A crash, a trap or a timeout is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let calendar = ICalParser.parse(text).calendar
    let group = JSCalendarConverter.jsCalendar(from: calendar)
    let written = JSCalendarConverter.iCalendar(from: group, generatingTimeZones: true)
    let serialized = written.serialized()
    _ = JSCalendarConverter.jsCalendar(from: ICalParser.parse(serialized).calendar)
    _ = try? JSONCoding.encode(JSONValue.object(group))
    // A window of ten years around the start of 2020, at most 200 instances per UID.
    let window = Date(timeIntervalSince1970: 1_420_070_400)...Date(timeIntervalSince1970: 1_735_689_600)
    var uids = Set<String>()
    for component in calendar.calendar?.components ?? [] {
        guard let uid = component.uid, uids.count < 8, uids.insert(uid).inserted else { continue }
        _ = RecurrenceExpander.instances(uid: uid, in: calendar, window: window, limit: 200)
    }
    return 0
}

import Foundation
import JSON

/// RRULE ↔ JSCalendar RecurrenceRule (jscalendarbis §3.3.1; conversion draft §2.3.36).
/// UNTIL becomes a LocalDateTime in the start's time zone and back.
enum RecurrenceRuleJSON {
    static func json(_ rule: RecurrenceRule, start: ICalDateTime?, resolver: TimeZoneResolver) -> JSONObject {
        var result: JSONObject = [
            "@type": "RecurrenceRule", "frequency": .string(rule.frequency.rawValue.lowercased()),
        ]
        if rule.interval != 1 { result["interval"] = .int(rule.interval) }
        if let rscale = rule.rscale { result["rscale"] = .string(rscale.lowercased()) }
        if let skip = rule.skip { result["skip"] = .string(skip.lowercased()) }
        if let weekStart = rule.weekStart {
            result["firstDayOfWeek"] = .string(RecurrenceRule.weekdayCodes[weekStart].lowercased())
        }
        if !rule.byDay.isEmpty {
            result["byDay"] = .array(
                rule.byDay.map { day in
                    var nday: JSONObject = [
                        "@type": "NDay", "day": .string(RecurrenceRule.weekdayCodes[day.weekday].lowercased()),
                    ]
                    if let ordinal = day.ordinal { nday["nthOfPeriod"] = .int(ordinal) }
                    return .object(nday)
                })
        }
        func ints(_ key: String, _ values: [Int]) {
            if !values.isEmpty { result[key] = .array(values.map { .int($0) }) }
        }
        ints("byMonthDay", rule.byMonthDay)
        if !rule.byMonth.isEmpty { result["byMonth"] = .array(rule.byMonth.map { .string($0) }) }
        ints("byYearDay", rule.byYearDay)
        ints("byWeekNo", rule.byWeekNo)
        ints("byHour", rule.byHour)
        ints("byMinute", rule.byMinute)
        ints("bySecond", rule.bySecond)
        ints("bySetPosition", rule.bySetPos)
        if let count = rule.count { result["count"] = .int(count) }
        if let until = rule.until {
            if until.zone == .utc, let start, !start.isDate, start.zone != .utc, start.zone != .floating {
                let zone = resolver.zone(of: start)
                result["until"] = .string(zone.local(ofUTC: until.local.secondsSinceEpoch).jsonString)
            } else {
                result["until"] = .string(until.local.jsonString)
            }
        }
        return result
    }

    /// The rule for a RecurrenceRule object (also RFC 8984's form); nil when invalid.
    static func rule(_ json: JSONObject, startIsDate: Bool, zone: ICalTimeZone) -> RecurrenceRule? {
        guard let frequencyText = json["frequency"]?.stringValue,
            let frequency = RecurrenceRule.Frequency(rawValue: frequencyText.uppercased())
        else { return nil }
        var rule = RecurrenceRule(frequency: frequency)
        if let interval = json["interval"]?.intValue, interval >= 1 { rule.interval = interval }
        rule.rscale = json["rscale"]?.stringValue?.uppercased()
        rule.skip = json["skip"]?.stringValue?.uppercased()
        if let first = json["firstDayOfWeek"]?.stringValue {
            rule.weekStart = RecurrenceRule.weekdayCodes.firstIndex(of: first.uppercased())
        }
        for entry in json["byDay"]?.arrayValue ?? [] {
            guard let object = entry.objectValue, let day = object["day"]?.stringValue,
                let weekday = RecurrenceRule.weekdayCodes.firstIndex(of: day.uppercased())
            else { continue }
            rule.byDay.append(.init(weekday: weekday, ordinal: object["nthOfPeriod"]?.intValue))
        }
        func ints(_ key: String) -> [Int] { json[key]?.arrayValue?.compactMap(\.intValue) ?? [] }
        rule.byMonthDay = ints("byMonthDay")
        rule.byMonth = json["byMonth"]?.arrayValue?.compactMap { $0.stringValue ?? $0.intValue.map(String.init) } ?? []
        rule.byYearDay = ints("byYearDay")
        rule.byWeekNo = ints("byWeekNo")
        rule.byHour = ints("byHour")
        rule.byMinute = ints("byMinute")
        rule.bySecond = ints("bySecond")
        rule.bySetPos = ints("bySetPosition")
        rule.count = json["count"]?.intValue
        if let until = json["until"]?.stringValue, let parsed = LocalDateTime.parseJSON(until) {
            if startIsDate, parsed.value.secondOfDay == 0 {
                rule.until = ICalDateTime(local: parsed.value.dateOnly, isDate: true)
            } else {
                switch zone {
                case .floating: rule.until = ICalDateTime(local: parsed.value, zone: parsed.utc ? .utc : .floating)
                default:
                    // RFC 5545 §3.3.10: with a zoned DTSTART, UNTIL must be in UTC.
                    let utc = parsed.utc ? parsed.value.secondsSinceEpoch : zone.utcSeconds(of: parsed.value)
                    rule.until = ICalDateTime(local: LocalDateTime(secondsSinceEpoch: utc), zone: .utc)
                }
            }
        }
        return rule
    }
}

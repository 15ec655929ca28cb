import Foundation

/// An RRULE value (RFC 5545 §3.3.10, RFC 7529 RSCALE/SKIP). Parts the rule does not know are
/// kept in `extra` so that a rule is written back with nothing lost.
public struct RecurrenceRule: Sendable, Hashable {
    public enum Frequency: String, Sendable, Hashable, CaseIterable {
        case secondly = "SECONDLY", minutely = "MINUTELY", hourly = "HOURLY", daily = "DAILY", weekly = "WEEKLY"
        case monthly = "MONTHLY", yearly = "YEARLY"
    }

    /// A BYDAY entry: weekday 0 (Sunday) … 6 and an optional ordinal.
    public struct WeekdayNum: Sendable, Hashable {
        public var weekday: Int
        public var ordinal: Int?

        public init(weekday: Int, ordinal: Int? = nil) {
            self.weekday = weekday
            self.ordinal = ordinal
        }
    }

    public static let weekdayCodes = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]

    public var frequency: Frequency
    public var interval: Int = 1
    public var count: Int?
    public var until: ICalDateTime?
    public var bySecond: [Int] = []
    public var byMinute: [Int] = []
    public var byHour: [Int] = []
    public var byDay: [WeekdayNum] = []
    public var byMonthDay: [Int] = []
    public var byYearDay: [Int] = []
    public var byWeekNo: [Int] = []
    /// BYMONTH as written: RFC 7529 allows a leap-month suffix "L".
    public var byMonth: [String] = []
    public var bySetPos: [Int] = []
    /// 0 = Sunday … 6; RFC 5545 default Monday.
    public var weekStart: Int?
    public var rscale: String?
    public var skip: String?
    /// Unknown parts, in order, as NAME=value.
    public var extra: [(String, String)] = []

    public init(frequency: Frequency) { self.frequency = frequency }

    public static func == (lhs: RecurrenceRule, rhs: RecurrenceRule) -> Bool { lhs.icalString == rhs.icalString }
    public func hash(into hasher: inout Hasher) { hasher.combine(icalString) }

    /// Parses an RRULE value; `nil` when FREQ is missing or unknown (the caller keeps it verbatim).
    public static func parse(_ text: String, tzid: String? = nil) -> RecurrenceRule? {
        var parts: [(String, String)] = []
        for part in text.split(separator: ";") where !part.isEmpty {
            let pieces = part.split(separator: "=", maxSplits: 1)
            guard pieces.count == 2 else { return nil }
            parts.append((pieces[0].trimmingCharacters(in: .whitespaces).uppercased(), String(pieces[1])))
        }
        guard let freqText = parts.first(where: { $0.0 == "FREQ" })?.1,
            let frequency = Frequency(rawValue: freqText.uppercased())
        else { return nil }
        var rule = RecurrenceRule(frequency: frequency)
        func ints(_ value: String, _ range: ClosedRange<Int>, allowNegative: Bool) -> [Int]? {
            var result: [Int] = []
            for item in value.split(separator: ",") {
                guard let number = Int(item.trimmingCharacters(in: .whitespaces)) else { return nil }
                guard range.contains(abs(number)), allowNegative || number >= 0 else { return nil }
                if allowNegative && number == 0 { return nil }
                result.append(number)
            }
            return result
        }
        for (name, value) in parts {
            switch name {
            case "FREQ": continue
            case "INTERVAL":
                guard let number = Int(value), number >= 1 else { return nil }
                rule.interval = number
            case "COUNT":
                guard let number = Int(value), number >= 1 else { return nil }
                rule.count = number
            case "UNTIL":
                guard var until = ICalDateTime.parse(value) else { return nil }
                if until.zone == .floating, !until.isDate, let tzid { until.zone = .tzid(tzid) }
                rule.until = until
            case "BYSECOND":
                guard let list = ints(value, 0...60, allowNegative: false) else { return nil }
                rule.bySecond = list
            case "BYMINUTE":
                guard let list = ints(value, 0...59, allowNegative: false) else { return nil }
                rule.byMinute = list
            case "BYHOUR":
                guard let list = ints(value, 0...23, allowNegative: false) else { return nil }
                rule.byHour = list
            case "BYMONTHDAY":
                guard let list = ints(value, 1...31, allowNegative: true) else { return nil }
                rule.byMonthDay = list
            case "BYYEARDAY":
                guard let list = ints(value, 1...366, allowNegative: true) else { return nil }
                rule.byYearDay = list
            case "BYWEEKNO":
                guard let list = ints(value, 1...53, allowNegative: true) else { return nil }
                rule.byWeekNo = list
            case "BYSETPOS":
                guard let list = ints(value, 1...366, allowNegative: true) else { return nil }
                rule.bySetPos = list
            case "BYMONTH":
                let items = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
                for item in items {
                    let digits = item.hasSuffix("L") ? String(item.dropLast()) : item
                    guard let number = Int(digits), (1...13).contains(number) else { return nil }
                }
                rule.byMonth = items
            case "BYDAY":
                var list: [WeekdayNum] = []
                for item in value.split(separator: ",") {
                    let text = item.trimmingCharacters(in: .whitespaces).uppercased()
                    guard text.count >= 2, let weekday = weekdayCodes.firstIndex(of: String(text.suffix(2))) else {
                        return nil
                    }
                    let prefix = text.dropLast(2)
                    var ordinal: Int? = nil
                    if !prefix.isEmpty {
                        guard let number = Int(prefix), number != 0, abs(number) <= 53 else { return nil }
                        ordinal = number
                    }
                    list.append(WeekdayNum(weekday: weekday, ordinal: ordinal))
                }
                rule.byDay = list
            case "WKST":
                guard let weekday = weekdayCodes.firstIndex(of: value.uppercased()) else { return nil }
                rule.weekStart = weekday
            case "RSCALE": rule.rscale = value
            case "SKIP": rule.skip = value.uppercased()
            default: rule.extra.append((name, value))
            }
        }
        return rule
    }

    /// The RRULE value text, parts in the RFC 5545 §3.3.10 order.
    public var icalString: String {
        var parts: [String] = []
        if let rscale { parts.append("RSCALE=" + rscale) }
        parts.append("FREQ=" + frequency.rawValue)
        if let until { parts.append("UNTIL=" + until.icalString) }
        if let count { parts.append("COUNT=\(count)") }
        if interval != 1 { parts.append("INTERVAL=\(interval)") }
        func list(_ name: String, _ values: [Int]) {
            if !values.isEmpty { parts.append(name + "=" + values.map(String.init).joined(separator: ",")) }
        }
        list("BYSECOND", bySecond)
        list("BYMINUTE", byMinute)
        list("BYHOUR", byHour)
        if !byDay.isEmpty {
            parts.append(
                "BYDAY="
                    + byDay.map { ($0.ordinal.map(String.init) ?? "") + Self.weekdayCodes[$0.weekday] }.joined(
                        separator: ","))
        }
        list("BYMONTHDAY", byMonthDay)
        list("BYYEARDAY", byYearDay)
        list("BYWEEKNO", byWeekNo)
        if !byMonth.isEmpty { parts.append("BYMONTH=" + byMonth.joined(separator: ",")) }
        list("BYSETPOS", bySetPos)
        if let weekStart { parts.append("WKST=" + Self.weekdayCodes[weekStart]) }
        if let skip { parts.append("SKIP=" + skip) }
        for (name, value) in extra { parts.append(name + "=" + value) }
        return parts.joined(separator: ";")
    }

    /// BYMONTH as Gregorian month numbers (leap months of other calendars are not expanded).
    var gregorianMonths: [Int] { byMonth.compactMap { $0.hasSuffix("L") ? nil : Int($0) } }
}

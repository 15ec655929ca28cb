import Foundation

/// A wall-clock date and time without a zone, the unit recurrence rules work in (RFC 5545 §3.3.5:
/// local time is kept across DST changes). Proleptic Gregorian; arithmetic via day numbers.
public struct LocalDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var dayNumber: Int { Self.dayNumber(year: year, month: month, day: day) }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date for a day number (civil_from_days).
    public static func date(fromDayNumber number: Int) -> (year: Int, month: Int, day: Int) {
        let z = number + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    init(dayNumber: Int, secondOfDay: Int) {
        let date = Self.date(fromDayNumber: dayNumber)
        self.init(
            year: date.year, month: date.month, day: date.day, hour: secondOfDay / 3600,
            minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
    }

    /// Seconds since 1970-01-01T00:00:00 of this wall time read as UTC.
    public var secondsSinceEpoch: Int { dayNumber * 86400 + secondOfDay }
    public var secondOfDay: Int { hour * 3600 + minute * 60 + second }

    public init(secondsSinceEpoch seconds: Int) {
        let days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400)
        self.init(dayNumber: days, secondOfDay: seconds - days * 86400)
    }

    /// 0 = Sunday … 6 = Saturday.
    public var weekday: Int { ((dayNumber % 7) + 7 + 4) % 7 }

    public func adding(seconds: Int) -> LocalDateTime { LocalDateTime(secondsSinceEpoch: secondsSinceEpoch + seconds) }
    public func adding(days: Int) -> LocalDateTime {
        LocalDateTime(dayNumber: dayNumber + days, secondOfDay: secondOfDay)
    }

    public var dateOnly: LocalDateTime { LocalDateTime(year: year, month: month, day: day) }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    var isValid: Bool {
        (1...12).contains(month) && day >= 1 && day <= Self.daysIn(month: month, year: year) && (0...23).contains(hour)
            && (0...59).contains(minute) && (0...60).contains(second)
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute, lhs.second)
            < (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute, rhs.second)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(abs(value))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// JSCalendar LocalDateTime `2024-01-01T14:00:00` (jscalendarbis §1.5.5).
    public var jsonString: String {
        "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))T\(Self.pad(hour, 2)):\(Self.pad(minute, 2)):\(Self.pad(second, 2))"
    }

    public var description: String { jsonString }

    /// iCalendar DATE-TIME `20240101T140000` (RFC 5545 §3.3.5), without a `Z`.
    public var icalDateTime: String {
        "\(Self.pad(year, 4))\(Self.pad(month, 2))\(Self.pad(day, 2))T\(Self.pad(hour, 2))\(Self.pad(minute, 2))\(Self.pad(second, 2))"
    }

    /// iCalendar DATE `20240101` (RFC 5545 §3.3.4).
    public var icalDate: String { "\(Self.pad(year, 4))\(Self.pad(month, 2))\(Self.pad(day, 2))" }

    /// Reads `2024-01-01T14:00:00` (fractional seconds and a trailing `Z` accepted, reported).
    public static func parseJSON(_ text: String) -> (value: LocalDateTime, utc: Bool)? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 19, utf8[4] == 45, utf8[7] == 45, utf8[10] == 84 || utf8[10] == 116,
            utf8[13] == 58, utf8[16] == 58
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var result = 0
            for index in range {
                guard utf8[index] >= 48, utf8[index] <= 57 else { return nil }
                result = result * 10 + Int(utf8[index] - 48)
            }
            return result
        }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13),
            let mi = number(14..<16), let s = number(17..<19)
        else { return nil }
        var rest = utf8[19...]
        if rest.first == 46 {
            rest = rest.dropFirst()
            let digits = rest.prefix { $0 >= 48 && $0 <= 57 }
            guard !digits.isEmpty else { return nil }
            rest = rest.dropFirst(digits.count)
        }
        var utc = false
        if rest.first == 90 || rest.first == 122 {
            utc = true
            rest = rest.dropFirst()
        }
        guard rest.isEmpty else { return nil }
        let value = LocalDateTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
        return value.isValid ? (value, utc) : nil
    }
}

/// A DATE or DATE-TIME value as written: the wall time, whether it is a DATE, and its form
/// (RFC 5545 §3.3.5: floating, UTC, or with a TZID).
public struct ICalDateTime: Sendable, Hashable {
    public enum Zone: Sendable, Hashable {
        case floating
        case utc
        case tzid(String)
    }

    public var local: LocalDateTime
    public var isDate: Bool
    public var zone: Zone

    public init(local: LocalDateTime, isDate: Bool = false, zone: Zone = .floating) {
        self.local = local
        self.isDate = isDate
        self.zone = zone
    }

    /// Parses one DATE or DATE-TIME text; `tzid` is the property's TZID parameter. Tolerates a
    /// missing seconds field and lower-case `t`/`z`.
    public static func parse(_ text: String, tzid: String? = nil) -> ICalDateTime? {
        let utf8 = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= utf8.count else { return nil }
            var result = 0
            for index in range {
                guard utf8[index] >= 48, utf8[index] <= 57 else { return nil }
                result = result * 10 + Int(utf8[index] - 48)
            }
            return result
        }
        guard let y = number(0..<4), let mo = number(4..<6), let d = number(6..<8) else { return nil }
        if utf8.count == 8 {
            let local = LocalDateTime(year: y, month: mo, day: d)
            return local.isValid ? ICalDateTime(local: local, isDate: true) : nil
        }
        guard utf8.count >= 13, utf8[8] == 84 || utf8[8] == 116, let h = number(9..<11), let mi = number(11..<13)
        else { return nil }
        var index = 13
        var s = 0
        if let seconds = number(13..<15) {
            s = seconds
            index = 15
        }
        var zone: Zone = tzid.map { .tzid($0) } ?? .floating
        if index < utf8.count, utf8[index] == 90 || utf8[index] == 122 {
            zone = .utc
            index += 1
        }
        guard index == utf8.count else { return nil }
        let local = LocalDateTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
        guard local.isValid else { return nil }
        return ICalDateTime(local: local, isDate: false, zone: zone)
    }

    /// Reads a DTSTART-like property (its TZID parameter and VALUE).
    public static func parse(_ property: ICalProperty) -> ICalDateTime? {
        parse(property.value, tzid: property.firstParameter("TZID"))
    }

    /// The value text (without TZID).
    public var icalString: String {
        if isDate { return local.icalDate }
        return local.icalDateTime + (zone == .utc ? "Z" : "")
    }

    public var tzid: String? {
        if case .tzid(let id) = zone { return id }
        return nil
    }
}

/// An iCalendar DURATION (RFC 5545 §3.3.6): weeks and days are nominal (wall-clock days),
/// hours, minutes and seconds exact.
public struct ICalDuration: Sendable, Hashable {
    public var negative: Bool
    public var days: Int
    public var seconds: Int

    public init(negative: Bool = false, days: Int = 0, seconds: Int = 0) {
        self.negative = negative
        self.days = days
        self.seconds = seconds
    }

    /// Parses `[+-]P[nW][nD][T[nH][nM][nS]]` leniently (combinations of W and D accepted, as
    /// JSCalendar's Duration allows).
    public static func parse(_ text: String) -> ICalDuration? {
        var chars = Substring(text.trimmingCharacters(in: .whitespaces).uppercased())
        var result = ICalDuration()
        if chars.first == "-" {
            result.negative = true
            chars = chars.dropFirst()
        } else if chars.first == "+" {
            chars = chars.dropFirst()
        }
        guard chars.first == "P" else { return nil }
        chars = chars.dropFirst()
        var inTime = false
        var number: Int? = nil
        var any = false
        for char in chars {
            if let digit = char.wholeNumberValue, char.isASCII {
                let (product, overflow1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = product.addingReportingOverflow(digit)
                guard !overflow1, !overflow2, sum < 1_000_000_000 else { return nil }
                number = sum
                continue
            }
            if char == "T" {
                guard !inTime, number == nil else { return nil }
                inTime = true
                continue
            }
            guard let value = number else { return nil }
            switch (char, inTime) {
            case ("W", false): result.days += value * 7
            case ("D", false): result.days += value
            case ("H", true): result.seconds += value * 3600
            case ("M", true): result.seconds += value * 60
            case ("S", true): result.seconds += value
            default: return nil
            }
            any = true
            number = nil
        }
        guard any, number == nil else { return nil }
        return result
    }

    /// RFC 5545 form; a week count is used only for whole weeks without time.
    public var icalString: String {
        var text = negative ? "-P" : "P"
        if days == 0 && seconds == 0 { return text + "T0S" }
        if seconds == 0, days % 7 == 0 { return text + "\(days / 7)W" }
        if days > 0 { text += "\(days)D" }
        if seconds > 0 {
            text += "T"
            if seconds / 3600 > 0 { text += "\(seconds / 3600)H" }
            if seconds / 60 % 60 > 0 { text += "\(seconds / 60 % 60)M" }
            if seconds % 60 > 0 { text += "\(seconds % 60)S" }
        }
        return text
    }

    /// JSCalendar Duration (jscalendarbis §1.5.6): like RFC 5545 but "PT0S" for zero and no weeks
    /// mixed with days.
    public var jsonString: String { icalString }

    /// Adds the duration to a wall time (days nominal, seconds exact handled by the caller).
    public var signedDays: Int { negative ? -days : days }
    public var signedSeconds: Int { negative ? -seconds : seconds }
}

/// A UTC offset `+hhmm[ss]` (RFC 5545 §3.3.14), in seconds.
enum UTCOffset {
    static func parse(_ text: String) -> Int? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let digits = text.dropFirst()
        guard digits.count == 4 || digits.count == 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        let numbers = Array(digits).map { Int(String($0)) ?? 0 }
        let h = numbers[0] * 10 + numbers[1]
        let m = numbers[2] * 10 + numbers[3]
        let s = numbers.count == 6 ? numbers[4] * 10 + numbers[5] : 0
        let total = h * 3600 + m * 60 + s
        return sign == "-" ? -total : total
    }
}

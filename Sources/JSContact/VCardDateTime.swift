import Foundation

/// The vCard date and time values that have a JSContact counterpart (RFC 9555 §2.2.2).
///
/// Only a DATE with at least year, or month and day, converts to a PartialDate, and only a
/// TIMESTAMP (a date-time with a UTC offset) converts to a Timestamp or UTCDateTime. Floating
/// date-times, times and text do not convert and stay in vCardProps.
public enum VCardDateValue: Sendable, Hashable {
    case partialDate(year: Int?, month: Int?, day: Int?)
    case timestamp(UTCTimestamp)

    /// Parses the vCard 3.0 and 4.0 forms: basic or extended, `--MMDD`, `YYYY-MM`,
    /// `YYYYMMDDTHHMMSSZ`, `…±hhmm`. Returns nil for anything without a JSContact counterpart.
    public static func parse(_ raw: String) -> VCardDateValue? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if let tIndex = text.firstIndex(where: { $0 == "T" || $0 == "t" }) {
            let datePart = String(text[..<tIndex])
            let timePart = String(text[text.index(after: tIndex)...])
            guard case .partialDate(let year?, let month?, let day?)? = parseDate(datePart),
                let time = parseTime(timePart), let offset = time.offsetSeconds
            else { return nil }
            let stamp = UTCTimestamp(
                year: year, month: month, day: day, hour: time.hour, minute: time.minute, second: time.second,
                fraction: time.fraction
            ).adding(seconds: -offset)
            return .timestamp(stamp)
        }
        return parseDate(text)
    }

    static func parseDate(_ text: String) -> VCardDateValue? {
        let characters = Array(text)
        func number(_ slice: ArraySlice<Character>) -> Int? {
            guard !slice.isEmpty, slice.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(String(slice))
        }
        var year: Int? = nil
        var month: Int? = nil
        var day: Int? = nil
        if text.hasPrefix("---") {
            guard characters.count == 5, let d = number(characters[3...]) else { return nil }
            day = d
        } else if text.hasPrefix("--") {
            let rest = characters[2...].filter { $0 != "-" }
            if rest.count == 4, let m = number(rest[0..<2]), let d = number(rest[2..<4]) {
                month = m
                day = d
            } else if rest.count == 2, let m = number(rest[0..<2]) {
                month = m
            } else {
                return nil
            }
        } else {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 1 {
                switch characters.count {
                case 8:
                    year = number(characters[0..<4])
                    month = number(characters[4..<6])
                    day = number(characters[6..<8])
                    guard year != nil, month != nil, day != nil else { return nil }
                case 4:
                    guard let y = number(characters[0..<4]) else { return nil }
                    year = y
                default: return nil
                }
            } else if parts.count == 2 || parts.count == 3 {
                guard parts[0].count == 4, let y = Int(parts[0]), parts[1].count == 2, let m = Int(parts[1]) else {
                    return nil
                }
                year = y
                month = m
                if parts.count == 3 {
                    guard parts[2].count == 2, let d = Int(parts[2]) else { return nil }
                    day = d
                }
            } else {
                return nil
            }
        }
        if let m = month, !(1...12).contains(m) { return nil }
        if let d = day, !(1...31).contains(d) { return nil }
        if let m = month, let d = day, d > daysInMonth(year: year ?? 2000, month: m) { return nil }
        if let y = year, y < 0 || y > 9999 { return nil }
        // RFC 9555 §2.2.2: a date with only a month or only a day is not a PartialDate.
        if year == nil && (month == nil || day == nil) { return nil }
        if year != nil, month == nil, day != nil { return nil }
        return .partialDate(year: year, month: month, day: day)
    }

    struct Time {
        var hour: Int
        var minute: Int
        var second: Int
        var fraction: String
        var offsetSeconds: Int?
    }

    static func parseTime(_ text: String) -> Time? {
        var body = Substring(text)
        var offset: Int? = nil
        if body.hasSuffix("Z") || body.hasSuffix("z") {
            offset = 0
            body = body.dropLast()
        } else if let signIndex = body.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let sign = body[signIndex] == "-" ? -1 : 1
            let digits = body[body.index(after: signIndex)...].filter { $0 != ":" }
            guard digits.count == 2 || digits.count == 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let hours = Int(digits.prefix(2)),
                let minutes = Int(digits.count == 4 ? String(digits.suffix(2)) : "0"),
                hours <= 14, minutes < 60
            else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
            body = body[..<signIndex]
        }
        var fraction = ""
        if let dot = body.firstIndex(where: { $0 == "." || $0 == "," }) {
            fraction = String(body[body.index(after: dot)...])
            guard !fraction.isEmpty, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            body = body[..<dot]
        }
        let digits = body.filter { $0 != ":" }
        guard digits.count == 6 || digits.count == 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        let array = Array(digits)
        guard let hour = Int(String(array[0..<2])), let minute = Int(String(array[2..<4])) else { return nil }
        let second = digits.count == 6 ? Int(String(array[4..<6])) ?? 0 : 0
        guard hour <= 23 || (hour == 24 && minute == 0 && second == 0), minute <= 59, second <= 60 else { return nil }
        return Time(hour: hour, minute: minute, second: second, fraction: fraction, offsetSeconds: offset)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// A UTC date-time, kept as fields so that formatting never goes through a time zone database.
public struct UTCTimestamp: Sendable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Fractional second digits as written ("" for none); RFC 9553 §1.4.4 forbids only zeros.
    public var fraction: String

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, fraction: String = "") {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.fraction = fraction.allSatisfy { $0 == "0" } ? "" : fraction
    }

    /// Parses the RFC 9553 UTCDateTime form `YYYY-MM-DDTHH:MM:SS[.s]Z` (RFC 3339, upper case, Z).
    public init?(utcDateTime text: String) {
        guard text.hasSuffix("Z"), text.count >= 20, let tIndex = text.firstIndex(of: "T"),
            case .partialDate(let y?, let m?, let d?)? = VCardDateValue.parseDate(String(text[..<tIndex])),
            text[..<tIndex].count == 10,
            let time = VCardDateValue.parseTime(String(text[text.index(after: tIndex)...])),
            time.offsetSeconds == 0
        else { return nil }
        let timeText = text[text.index(after: tIndex)...]
        guard timeText.count >= 9, Array(timeText)[2] == ":" else { return nil }
        self.init(
            year: y, month: m, day: d, hour: time.hour, minute: time.minute, second: time.second,
            fraction: time.fraction)
    }

    /// RFC 9553 UTCDateTime: `YYYY-MM-DDTHH:MM:SSZ`.
    public var utcDateTime: String {
        String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second)
            + (fraction.isEmpty ? "" : "." + fraction) + "Z"
    }

    /// vCard 4.0 TIMESTAMP (RFC 6350 §4.3.5), basic format.
    public var vCard4: String {
        String(format: "%04d%02d%02dT%02d%02d%02dZ", year, month, day, hour, minute, second)
    }

    /// vCard 3.0 date-time (RFC 2426 §4 / ISO 8601 extended).
    public var vCard3: String {
        String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, hour, minute, second)
    }

    func adding(seconds delta: Int) -> UTCTimestamp {
        guard delta != 0 else { return self }
        var total = hour * 3600 + minute * 60 + min(second, 59) + delta
        var days = Self.daysFromCivil(year: year, month: month, day: day)
        days += Int((Double(total) / 86400).rounded(.down))
        total = ((total % 86400) + 86400) % 86400
        let (y, m, d) = Self.civilFromDays(days)
        return UTCTimestamp(
            year: y, month: m, day: d, hour: total / 3600, minute: total % 3600 / 60, second: total % 60,
            fraction: fraction)
    }

    // Howard Hinnant's civil calendar algorithms (proleptic Gregorian).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

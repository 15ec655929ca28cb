import Foundation

/// Computes the wall-clock occurrences of an RRULE (RFC 5545 §3.3.10 and §3.8.5.3).
///
/// Works on `LocalDateTime` so that instances keep their local time across DST changes; the
/// caller converts to UTC. Each period (year, month, week, day, hour, minute, second) is
/// enumerated day by day and filtered by the BYxxx parts ("limit" and "expand" of the RFC's
/// table are both filters over the period's days), then BYSETPOS is applied to the period's set.
/// Invalid dates (February 30) never appear because only real days are enumerated.
enum RecurrenceIterator {
    /// Occurrences in order, DTSTART first (RFC 5545 §3.8.5.3: DTSTART is always the first
    /// instance and counts towards COUNT). Stops at COUNT, at `isPastUntil`, after `stopAfter`,
    /// after `limit` occurrences, or after a bounded amount of work.
    static func occurrences(
        of rule: RecurrenceRule, start: LocalDateTime, isDate: Bool, stopAfter: LocalDateTime?,
        isPastUntil: (LocalDateTime) -> Bool, limit: Int
    ) -> [LocalDateTime] {
        var result: [LocalDateTime] = []
        visit(rule: rule, start: start, isDate: isDate, stopAfter: stopAfter, isPastUntil: isPastUntil) {
            result.append($0)
            return result.count < limit
        }
        return result
    }

    /// Calls `body` with each occurrence in order until it returns false or the rule ends.
    static func visit(
        rule: RecurrenceRule, start: LocalDateTime, isDate: Bool, stopAfter: LocalDateTime?,
        isPastUntil: (LocalDateTime) -> Bool, _ body: (LocalDateTime) -> Bool
    ) {
        let maxCount = rule.count ?? Int.max
        var emitted = 0
        guard maxCount > 0 else { return }
        emitted += 1
        if !body(start) || emitted >= maxCount || isPastUntil(start) { return }
        // Non-Gregorian RSCALE is not expanded: only DTSTART (documented limitation).
        if let rscale = rule.rscale, rscale.uppercased() != "GREGORIAN" { return }

        let context = Context(rule: rule, start: start, isDate: isDate)
        var periodIndex = 0
        var work = 0
        let maxWork = 2_000_000
        while work < maxWork {
            guard let (candidates, periodStart, nextIndex) = context.candidates(period: periodIndex, work: &work)
            else { return }
            periodIndex = nextIndex
            if periodStart.year > 9999 { return }
            if let stopAfter, periodStart > stopAfter { return }
            for candidate in candidates where candidate > start {
                if isPastUntil(candidate) { return }
                if let stopAfter, candidate > stopAfter { return }
                emitted += 1
                if !body(candidate) || emitted >= maxCount { return }
            }
        }
    }

    struct Context {
        let rule: RecurrenceRule
        let start: LocalDateTime
        let isDate: Bool
        let interval: Int
        let weekStart: Int
        let months: Set<Int>
        let monthDays: [Int]
        let weekdays: [RecurrenceRule.WeekdayNum]
        let hours: [Int]
        let minutes: [Int]
        let seconds: [Int]

        init(rule: RecurrenceRule, start: LocalDateTime, isDate: Bool) {
            self.rule = rule
            self.start = start
            self.isDate = isDate
            interval = max(1, rule.interval)
            weekStart = rule.weekStart ?? 1
            let noDayParts =
                rule.byDay.isEmpty && rule.byMonthDay.isEmpty && rule.byYearDay.isEmpty && rule.byWeekNo.isEmpty
            var months = Set(rule.gregorianMonths)
            var monthDays = rule.byMonthDay
            var weekdays = rule.byDay
            if noDayParts {
                switch rule.frequency {
                case .yearly:
                    monthDays = [start.day]
                    if months.isEmpty { months = [start.month] }
                case .monthly: monthDays = [start.day]
                case .weekly: weekdays = [.init(weekday: start.weekday)]
                default: break
                }
            }
            self.months = months
            self.monthDays = monthDays
            self.weekdays = weekdays
            let sorted = { (values: [Int]) in Array(Set(values)).sorted() }
            hours = isDate ? [0] : (rule.byHour.isEmpty ? [start.hour] : sorted(rule.byHour))
            minutes = isDate ? [0] : (rule.byMinute.isEmpty ? [start.minute] : sorted(rule.byMinute))
            seconds = isDate ? [0] : (rule.bySecond.isEmpty ? [start.second] : sorted(rule.bySecond))
        }

        /// Week 1 starts on the first `weekStart` day such that the week has ≥ 4 days of the year.
        func week1Start(_ year: Int) -> Int {
            let jan1 = LocalDateTime.dayNumber(year: year, month: 1, day: 1)
            let jan1Weekday = ((jan1 % 7) + 7 + 4) % 7
            let offset = (jan1Weekday - weekStart + 7) % 7
            return 7 - offset >= 4 ? jan1 - offset : jan1 - offset + 7
        }

        func matchesWeekNo(_ day: Int, year: Int) -> Bool {
            var weekYear = year
            if day < week1Start(year) {
                weekYear = year - 1
            } else if day >= week1Start(year + 1) {
                weekYear = year + 1
            }
            let first = week1Start(weekYear)
            let weeks = (week1Start(weekYear + 1) - first) / 7
            let number = (day - first) / 7 + 1
            return rule.byWeekNo.contains { $0 > 0 ? $0 == number : weeks + $0 + 1 == number }
        }

        /// Whether a day passes every day-level filter; `scope` is the set of days ordinals
        /// count in (month or year), computed lazily.
        func dayMatches(_ dayNumber: Int) -> Bool {
            let date = LocalDateTime.date(fromDayNumber: dayNumber)
            if !months.isEmpty, !months.contains(date.month) { return false }
            if !rule.byWeekNo.isEmpty, !matchesWeekNo(dayNumber, year: date.year) { return false }
            if !rule.byYearDay.isEmpty {
                let jan1 = LocalDateTime.dayNumber(year: date.year, month: 1, day: 1)
                let length = LocalDateTime.isLeap(date.year) ? 366 : 365
                let yearDay = dayNumber - jan1 + 1
                if !rule.byYearDay.contains(where: { $0 > 0 ? $0 == yearDay : length + $0 + 1 == yearDay }) {
                    return false
                }
            }
            if !monthDays.isEmpty {
                let length = LocalDateTime.daysIn(month: date.month, year: date.year)
                if !monthDays.contains(where: { $0 > 0 ? $0 == date.day : length + $0 + 1 == date.day }) {
                    return false
                }
            }
            if !weekdays.isEmpty {
                let weekday = ((dayNumber % 7) + 7 + 4) % 7
                let useOrdinals = rule.frequency == .monthly || rule.frequency == .yearly
                var matched = false
                for entry in weekdays where entry.weekday == weekday {
                    guard let ordinal = entry.ordinal, useOrdinals, rule.byWeekNo.isEmpty else {
                        matched = true
                        break
                    }
                    // The nth weekday of the month (MONTHLY, or YEARLY with BYMONTH) or year.
                    let inMonth = rule.frequency == .monthly || !months.isEmpty
                    let first: Int
                    let last: Int
                    if inMonth {
                        first = LocalDateTime.dayNumber(year: date.year, month: date.month, day: 1)
                        last = first + LocalDateTime.daysIn(month: date.month, year: date.year) - 1
                    } else {
                        first = LocalDateTime.dayNumber(year: date.year, month: 1, day: 1)
                        last = LocalDateTime.dayNumber(year: date.year, month: 12, day: 31)
                    }
                    let index = ordinal > 0 ? (dayNumber - first) / 7 + 1 : -((last - dayNumber) / 7 + 1)
                    if index == ordinal {
                        matched = true
                        break
                    }
                }
                if !matched { return false }
            }
            return true
        }

        func times(on dayNumber: Int) -> [LocalDateTime] {
            var result: [LocalDateTime] = []
            for hour in hours {
                for minute in minutes {
                    for second in seconds {
                        result.append(
                            LocalDateTime(dayNumber: dayNumber, secondOfDay: hour * 3600 + minute * 60 + second))
                    }
                }
            }
            return result
        }

        func applySetPos(_ set: [LocalDateTime]) -> [LocalDateTime] {
            guard !rule.bySetPos.isEmpty, !set.isEmpty else { return set }
            var picked = Set<Int>()
            for position in rule.bySetPos {
                let index = position > 0 ? position - 1 : set.count + position
                if index >= 0, index < set.count { picked.insert(index) }
            }
            return picked.sorted().map { set[$0] }
        }

        /// The candidates of the period `index` and the index of the next period to look at.
        func candidates(period index: Int, work: inout Int) -> ([LocalDateTime], LocalDateTime, Int)? {
            switch rule.frequency {
            case .yearly, .monthly, .weekly, .daily:
                let days: ClosedRange<Int>
                switch rule.frequency {
                case .yearly:
                    let year = start.year + index * interval
                    guard year <= 9999 else { return nil }
                    days =
                        LocalDateTime.dayNumber(
                            year: year, month: 1, day: 1)...LocalDateTime.dayNumber(
                            year: year, month: 12, day: 31)
                case .monthly:
                    let monthIndex = start.year * 12 + start.month - 1 + index * interval
                    let year = monthIndex / 12
                    let month = monthIndex % 12 + 1
                    guard year <= 9999 else { return nil }
                    let first = LocalDateTime.dayNumber(year: year, month: month, day: 1)
                    days = first...(first + LocalDateTime.daysIn(month: month, year: year) - 1)
                case .weekly:
                    let startDay = start.dayNumber
                    let weekBegin = startDay - (start.weekday - weekStart + 7) % 7 + index * interval * 7
                    days = weekBegin...(weekBegin + 6)
                default:
                    let day = start.dayNumber + index * interval
                    days = day...day
                }
                work += days.count
                var set: [LocalDateTime] = []
                for day in days where dayMatches(day) { set += times(on: day) }
                return (applySetPos(set), LocalDateTime(dayNumber: days.lowerBound, secondOfDay: 0), index + 1)
            case .hourly, .minutely, .secondly:
                let unit = rule.frequency == .hourly ? 3600 : rule.frequency == .minutely ? 60 : 1
                let origin = start.secondsSinceEpoch / unit
                var step = index
                while true {
                    work += 1
                    if work > 2_000_000 { return nil }
                    let unitIndex = origin + step * interval
                    let secondsValue = unitIndex * unit
                    let moment = LocalDateTime(secondsSinceEpoch: secondsValue)
                    if moment.year > 9999 { return nil }
                    let day = moment.dayNumber
                    if !dayMatches(day) {
                        // Jump to the first aligned period of the next day.
                        let nextDay = (day + 1) * 86400 / unit
                        let delta = nextDay - unitIndex
                        step += max(1, (delta + interval - 1) / interval)
                        continue
                    }
                    if !rule.byHour.isEmpty, !rule.byHour.contains(moment.hour) {
                        step += 1
                        continue
                    }
                    if unit <= 60, !rule.byMinute.isEmpty, !rule.byMinute.contains(moment.minute) {
                        step += 1
                        continue
                    }
                    if unit == 1, !rule.bySecond.isEmpty, !rule.bySecond.contains(moment.second) {
                        step += 1
                        continue
                    }
                    var set: [LocalDateTime] = []
                    switch rule.frequency {
                    case .hourly:
                        for minute in minutes {
                            for second in seconds {
                                set.append(
                                    LocalDateTime(
                                        dayNumber: day, secondOfDay: moment.hour * 3600 + minute * 60 + second))
                            }
                        }
                    case .minutely:
                        for second in seconds {
                            set.append(
                                LocalDateTime(
                                    dayNumber: day, secondOfDay: moment.hour * 3600 + moment.minute * 60 + second))
                        }
                    default: set = [moment]
                    }
                    return (applySetPos(set), moment, step + 1)
                }
            }
        }
    }
}

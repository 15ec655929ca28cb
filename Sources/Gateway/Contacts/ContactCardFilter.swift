import Foundation
import JMAPCore

// Filtering and sorting for `ContactCard/query` (RFC 9610 §3.3), on top of JMAPCore's `Filter`, `Comparator`
// and `QueryRequest`. Cards are JSContact Card JSON (RFC 9553); `id` and `addressBookIds` are passed apart.
//
// String matching (RFC 9610 §3.3.1, whose exact semantics are left to the server):
// - Strings are compared folded: case-insensitively (lowercased, ß as ss, ς as σ), diacritic-insensitively
//   (combining diacritical marks dropped after NFKD decomposition, so "é" is "e" and "ｆｕｌｌ" is "full"), with
//   runs of whitespace as one space.
// - A search string is split on whitespace into terms, all of which must match for the card to match; each term
//   may match a different value (e.g. "John Doe" matches the given name John and the surname Doe).
// - A token (a term outside quotes) matches when it is a substring of a searched value: "joh" matches "John".
// - A phrase, in matched double or single quotes opening a term, matches when its words occur in that order in
//   a single value, starting and ending on word boundaries: '"van gogh"' matches "Vincent van Gogh", "an gog"
//   in quotes does not. `\"`, `\'` and `\\` stand for the literal characters, inside and outside phrases; any
//   other backslash is literal. A quote with no closing partner is an ordinary character (O'Brien).
// - Multi-valued names and addresses are also searched as their non-separator components joined by spaces, so
//   that the phrase "John Doe" matches a name made of the components John and Doe.
// - Terms made of digits and phone punctuation ("555-0123", "+1 (201)") also match phone numbers digit by
//   digit, ignoring their punctuation, for `phone` and `text`.
// - A search string without any term (empty or blank) matches every card.

/// A FilterCondition of `ContactCard/query` (RFC 9610 §3.3.1). Every property is optional; a condition
/// with several properties matches when all of them do, and one with none matches every card.
struct ContactCardFilterCondition: Sendable, Hashable {
    var inAddressBook: String?
    var uid: String?
    var hasMember: String?
    var kind: String?
    var createdBefore: Timestamp?
    var createdAfter: Timestamp?
    var updatedBefore: Timestamp?
    var updatedAfter: Timestamp?
    var text: TextQuery?
    var name: TextQuery?
    var nameGiven: TextQuery?
    var nameSurname: TextQuery?
    var nameSurname2: TextQuery?
    var nickname: TextQuery?
    var organization: TextQuery?
    var email: TextQuery?
    var phone: TextQuery?
    var onlineService: TextQuery?
    var address: TextQuery?
    var note: TextQuery?

    init(
        inAddressBook: String? = nil, uid: String? = nil, hasMember: String? = nil, kind: String? = nil,
        createdBefore: Timestamp? = nil, createdAfter: Timestamp? = nil, updatedBefore: Timestamp? = nil,
        updatedAfter: Timestamp? = nil, text: TextQuery? = nil, name: TextQuery? = nil,
        nameGiven: TextQuery? = nil, nameSurname: TextQuery? = nil, nameSurname2: TextQuery? = nil,
        nickname: TextQuery? = nil, organization: TextQuery? = nil, email: TextQuery? = nil,
        phone: TextQuery? = nil, onlineService: TextQuery? = nil, address: TextQuery? = nil, note: TextQuery? = nil
    ) {
        self.inAddressBook = inAddressBook
        self.uid = uid
        self.hasMember = hasMember
        self.kind = kind
        self.createdBefore = createdBefore
        self.createdAfter = createdAfter
        self.updatedBefore = updatedBefore
        self.updatedAfter = updatedAfter
        self.text = text
        self.name = name
        self.nameGiven = nameGiven
        self.nameSurname = nameSurname
        self.nameSurname2 = nameSurname2
        self.nickname = nickname
        self.organization = organization
        self.email = email
        self.phone = phone
        self.onlineService = onlineService
        self.address = address
        self.note = note
    }

    /// The FilterCondition properties of RFC 9610 §3.3.1, by their JSON names.
    static let properties: Set<String> = [
        "inAddressBook", "uid", "hasMember", "kind", "createdBefore", "createdAfter", "updatedBefore",
        "updatedAfter", "text", "name", "name/given", "name/surname", "name/surname2", "nickname", "organization",
        "email", "phone", "onlineService", "address", "note",
    ]

    /// Parses a FilterCondition, for `Filter.parse` and `QueryRequest`: a property RFC 9610 does not define is
    /// `unsupportedFilter` (RFC 8620 §5.5); a value of the wrong type, an `inAddressBook` that is not an Id or a
    /// date that is not a UTCDate is `invalidArguments`. A null value counts as absent.
    static func parse(_ object: JSONObject) throws(MethodError) -> Self {
        if let unknown = object.keys.sorted().first(where: { !properties.contains($0) }) {
            throw .unsupportedFilter("ContactCard FilterCondition has no property `\(unknown)`.")
        }
        func string(_ key: String) throws(MethodError) -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            case let value?: throw .invalidArguments("`\(key)` must be a string, not \(value.typeName).")
            }
        }
        func date(_ key: String) throws(MethodError) -> Timestamp? {
            guard let value = try string(key) else { return nil }
            guard let timestamp = Timestamp(utcDate: value) else {
                throw .invalidArguments("`\(key)` must be a UTCDate such as 2014-10-30T06:12:00Z, not \(value).")
            }
            return timestamp
        }
        func text(_ key: String) throws(MethodError) -> TextQuery? {
            try string(key).map { TextQuery($0) }
        }
        var condition = Self()
        condition.inAddressBook = try string("inAddressBook")
        if let id = condition.inAddressBook, !Id.isValid(id) {
            throw .invalidArguments("`inAddressBook` must be an Id, not \(id).")
        }
        condition.uid = try string("uid")
        condition.hasMember = try string("hasMember")
        condition.kind = try string("kind")
        condition.createdBefore = try date("createdBefore")
        condition.createdAfter = try date("createdAfter")
        condition.updatedBefore = try date("updatedBefore")
        condition.updatedAfter = try date("updatedAfter")
        condition.text = try text("text")
        condition.name = try text("name")
        condition.nameGiven = try text("name/given")
        condition.nameSurname = try text("name/surname")
        condition.nameSurname2 = try text("name/surname2")
        condition.nickname = try text("nickname")
        condition.organization = try text("organization")
        condition.email = try text("email")
        condition.phone = try text("phone")
        condition.onlineService = try text("onlineService")
        condition.address = try text("address")
        condition.note = try text("note")
        return condition
    }

    /// Whether a card matches every property of the condition. To evaluate a whole filter, prefer
    /// `Filter.matches(_:addressBookIds:)`, which folds each card's strings once for all its conditions.
    func matches(_ card: JSONObject, addressBookIds: Set<String>) -> Bool {
        var view = SearchView(card: card, addressBookIds: addressBookIds)
        return matches(&view)
    }

    /// Whether the card behind `view` matches; the view keeps the folded strings for the next condition.
    func matches(_ view: inout SearchView) -> Bool {
        let card = view.card
        if let inAddressBook, !view.addressBookIds.contains(inAddressBook) { return false }
        if let uid, card["uid"]?.stringValue != uid { return false }
        if let hasMember, card["members"]?.objectValue?[hasMember] != .bool(true) { return false }
        // RFC 9553 §2.1.4: a card without `kind` is an individual.
        if let kind, (card["kind"]?.stringValue ?? "individual") != kind { return false }
        if createdBefore != nil || createdAfter != nil {
            guard let created = card["created"]?.stringValue.flatMap(Timestamp.init(lenient:)) else { return false }
            if let createdBefore, !(created < createdBefore) { return false }
            if let createdAfter, created < createdAfter { return false }
        }
        if updatedBefore != nil || updatedAfter != nil {
            guard let updated = card["updated"]?.stringValue.flatMap(Timestamp.init(lenient:)) else { return false }
            if let updatedBefore, !(updated < updatedBefore) { return false }
            if let updatedAfter, updated < updatedAfter { return false }
        }
        let searches: [(TextQuery?, SearchField)] = [
            (name, .name), (nameGiven, .given), (nameSurname, .surname), (nameSurname2, .surname2),
            (nickname, .nickname), (organization, .organization), (email, .email), (phone, .phone),
            (onlineService, .onlineService), (address, .address), (note, .note), (text, .text),
        ]
        for case (let query?, let field) in searches where !query.terms.isEmpty {
            guard view.values(field).matches(query) else { return false }
        }
        return true
    }
}

extension Filter where Condition == ContactCardFilterCondition {
    /// Whether a card matches the filter; the card's strings are folded at most once, and only for the
    /// fields the filter searches.
    func matches(_ card: JSONObject, addressBookIds: Set<String>) -> Bool {
        var view = ContactCardFilterCondition.SearchView(card: card, addressBookIds: addressBookIds)
        return matches { condition in condition.matches(&view) }
    }
}

// MARK: - Sorting

/// Sorting and evaluating `ContactCard/query` (RFC 9610 §3.3.2).
enum ContactCardQuery {
    /// The Comparator properties supported: `created` and `updated` (MUST), and the first name component of
    /// the kinds given, surname and surname2 (SHOULD). For `Comparator.parse` and `QueryRequest`.
    static let sortable: Set<String> = ["created", "updated", "name/given", "name/surname", "name/surname2"]

    /// A card's value for a sortable property, nil when it has none. Dates are numbers (seconds since 1970),
    /// so that they sort by time whatever their fractional seconds; names are the value of the first
    /// NameComponent of that kind, compared by the Comparator's collation (`name/sortAs` is not used:
    /// RFC 9610 §3.3.2 names the component). JMAPCore's `Comparator.compare` takes nil as null, which comes
    /// first when ascending and last when descending.
    static func sortValue(of card: JSONObject, property: String) -> JSONValue? {
        switch property {
        case "created", "updated":
            guard
                let timestamp = card[property]?.stringValue.flatMap(ContactCardFilterCondition.Timestamp.init(lenient:))
            else { return nil }
            return .double(timestamp.secondsSince1970)
        case "name/given": return firstNameComponent(of: card, kind: "given").map(JSONValue.string)
        case "name/surname": return firstNameComponent(of: card, kind: "surname").map(JSONValue.string)
        case "name/surname2": return firstNameComponent(of: card, kind: "surname2").map(JSONValue.string)
        default: return nil
        }
    }

    private static func firstNameComponent(of card: JSONObject, kind: String) -> String? {
        for component in card["name"]?.objectValue?["components"]?.arrayValue ?? [] {
            guard let component = component.objectValue, component["kind"]?.stringValue == kind else { continue }
            if let value = component["value"]?.stringValue { return value }
        }
        return nil
    }

    /// The records in the order of `comparators`, ties broken by `id` (octets): the order of JMAPCore's
    /// `sorted(by:id:value:)` with `sortValue`, computed faster. Each record's sort values are read once, and a
    /// string under the default `i;unicode-casemap` collation is casemapped once rather than at every
    /// comparison (Collation casemaps both sides each time, some microseconds): its casemapped form compared
    /// by octets is exactly what the collation compares.
    static func sorted<Record>(
        _ records: some Sequence<Record>, by comparators: [JMAPCore.Comparator], id: (Record) -> String,
        card: (Record) -> JSONObject
    ) -> [Record] {
        let records = Array(records)
        let cards = records.map(card)
        let ids = records.map(id)
        var effective: [JMAPCore.Comparator] = []
        var columns: [[JSONValue?]] = []
        for comparator in comparators {
            var comparator = comparator
            var column = cards.map { sortValue(of: $0, property: comparator.property) }
            if (comparator.collation ?? .default) == .unicodeCasemap {
                column = column.map { value in
                    value?.stringValue.map { .string(Collation.unicodeCasemapKey($0)) } ?? value
                }
                comparator.collation = .octet
            }
            effective.append(comparator)
            columns.append(column)
        }
        let order = records.indices.sorted { lhs, rhs in
            for (comparator, column) in zip(effective, columns) {
                switch comparator.compare(column[lhs], column[rhs]) {
                case .orderedAscending: return true
                case .orderedDescending: return false
                case .orderedSame: continue
                }
            }
            return Collation.octet.compare(ids[lhs], ids[rhs]) == .orderedAscending
        }
        return order.map { records[$0] }
    }

    /// The ids of the records that match `filter` (all when nil), sorted by `sort`, ties broken by id: the
    /// `ids` for `QueryRequest.response`.
    static func ids<Record>(
        _ records: some Sequence<Record>, filter: Filter<ContactCardFilterCondition>?, sort: [JMAPCore.Comparator],
        id: (Record) -> String, card: (Record) -> JSONObject, addressBookIds: (Record) -> Set<String>
    ) -> [String] {
        let matching = records.filter { record in
            filter?.matches(card(record), addressBookIds: addressBookIds(record)) ?? true
        }
        return sorted(matching, by: sort, id: id, card: card).map(id)
    }

    /// The same for ContactCard objects as ContactCard/get returns them (RFC 9610 §3), carrying their own
    /// `id` and `addressBookIds`.
    static func ids(
        _ contactCards: some Sequence<JSONObject>, filter: Filter<ContactCardFilterCondition>?,
        sort: [JMAPCore.Comparator]
    ) -> [String] {
        ids(
            contactCards, filter: filter, sort: sort, id: { $0["id"]?.stringValue ?? "" }, card: { $0 },
            addressBookIds: { card in
                Set((card["addressBookIds"]?.objectValue ?? [:]).filter { $0.value == .bool(true) }.keys)
            })
    }
}

// MARK: - Dates

extension ContactCardFilterCondition {
    /// A point in time of a UTCDate (RFC 8620 §1.4) or UTCDateTime (RFC 9553 §1.4.5), exact to the nanosecond
    /// so that equal strings compare equal whatever their fractional seconds.
    struct Timestamp: Sendable, Hashable, Comparable {
        var seconds: Int64
        var nanoseconds: Int32

        init(seconds: Int64, nanoseconds: Int32 = 0) {
            self.seconds = seconds
            self.nanoseconds = nanoseconds
        }

        /// A UTCDate of a query: RFC 3339 `date-time` with uppercase `T` and the offset `Z`.
        init?(utcDate string: String) {
            self.init(string, lenient: false)
        }

        /// A card's date as it may come from a vCard: also a lowercase `t`/`z`, a space for `T`, or a numeric
        /// offset.
        init?(lenient string: String) {
            self.init(string, lenient: true)
        }

        var secondsSince1970: Double { Double(seconds) + Double(nanoseconds) / 1e9 }

        var date: Date { Date(timeIntervalSince1970: secondsSince1970) }

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
        }

        private init?(_ string: String, lenient: Bool) {
            var bytes = string.utf8[...]
            func number(_ digits: Int) -> Int? {
                guard bytes.count >= digits else { return nil }
                var value = 0
                for byte in bytes.prefix(digits) {
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                }
                bytes = bytes.dropFirst(digits)
                return value
            }
            func skip(_ allowed: String) -> Bool {
                guard let byte = bytes.first, allowed.utf8.contains(byte) else { return false }
                bytes = bytes.dropFirst()
                return true
            }
            guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2),
                skip(lenient ? "Tt " : "T"), let hour = number(2), skip(":"), let minute = number(2), skip(":"),
                let second = number(2)
            else { return nil }
            var nanoseconds = 0
            if skip(".") {
                let digits = bytes.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
                guard !digits.isEmpty else { return nil }
                for (index, byte) in digits.prefix(9).enumerated() {
                    nanoseconds += Int(byte - UInt8(ascii: "0")) * Self.powersOfTen[8 - index]
                }
                bytes = bytes.dropFirst(digits.count)
            }
            var offset = 0
            if skip(lenient ? "Zz" : "Z") {
                offset = 0
            } else if lenient, let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                bytes = bytes.dropFirst()
                guard let hours = number(2), skip(":"), let minutes = number(2), hours < 24, minutes < 60 else {
                    return nil
                }
                offset = (hours * 60 + minutes) * 60 * (sign == UInt8(ascii: "-") ? -1 : 1)
            } else {
                return nil
            }
            guard bytes.isEmpty, (1...12).contains(month), (1...Self.daysInMonth(month, year: year)).contains(day),
                hour < 24, minute < 60, second <= 60
            else { return nil }
            let days = Self.daysSince1970(year: year, month: month, day: day)
            self.seconds = Int64(((days * 24 + hour) * 60 + minute) * 60 + second - offset)
            self.nanoseconds = Int32(nanoseconds)
        }

        private static let powersOfTen = [1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000]

        private static func daysInMonth(_ month: Int, year: Int) -> Int {
            switch month {
            case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
            case 4, 6, 9, 11: 30
            default: 31
            }
        }

        /// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
        private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            return era * 146097 + dayOfEra - 719468
        }
    }
}

// MARK: - Text search

extension ContactCardFilterCondition {
    /// The card properties a FilterCondition searches.
    enum SearchField: Int, CaseIterable, Sendable {
        case name, given, surname, surname2, nickname, organization, email, phone, onlineService, address, note
        case text
    }

    /// Folded strings of one card for a search field.
    struct SearchValues: Sendable {
        var values: [[UInt8]] = []
        /// The digits of the card's phone numbers, for terms that look like phone numbers.
        var phoneDigits: [[UInt8]] = []

        /// Whether every term occurs in one of the values.
        func matches(_ query: TextQuery) -> Bool {
            query.terms.allSatisfy { term in
                if values.contains(where: term.matches) { return true }
                guard let digits = term.phoneDigits else { return false }
                return phoneDigits.contains { TextFolding.contains($0, digits, wholeWords: false) }
            }
        }
    }

    /// A card being matched, with the folded strings of each search field computed on first use, so that a
    /// filter of many conditions folds a card's strings once. Build one per card per query, or keep it with
    /// the card to reuse across queries.
    struct SearchView: Sendable {
        let card: JSONObject
        let addressBookIds: Set<String>
        private var cache: [SearchValues?] = Array(repeating: nil, count: SearchField.allCases.count)

        init(card: JSONObject, addressBookIds: Set<String>) {
            self.card = card
            self.addressBookIds = addressBookIds
        }

        mutating func values(_ field: SearchField) -> SearchValues {
            if let values = cache[field.rawValue] { return values }
            let values = SearchValues(
                values: CardStrings.strings(of: card, for: field).map(TextFolding.fold).filter { !$0.isEmpty },
                phoneDigits: field == .phone || field == .text ? CardStrings.phoneDigits(of: card) : []
            )
            cache[field.rawValue] = values
            return values
        }
    }
}

extension ContactCardFilterCondition {
    /// Where each search field's strings are in a JSContact Card (RFC 9553).
    enum CardStrings {
        static func strings(of card: JSONObject, for field: ContactCardFilterCondition.SearchField) -> [String] {
            switch field {
            case .name: return nameStrings(card)
            case .given: return nameComponents(card, kind: "given")
            case .surname: return nameComponents(card, kind: "surname")
            case .surname2: return nameComponents(card, kind: "surname2")
            case .nickname: return members(card, "nicknames", ["name"])
            case .organization: return members(card, "organizations", ["name"])
            case .email: return members(card, "emails", ["address", "label"])
            case .phone: return members(card, "phones", ["number", "label"])
            case .onlineService: return members(card, "onlineServices", ["service", "uri", "user", "label"])
            case .address: return addressStrings(card)
            case .note: return members(card, "notes", ["note"])
            case .text:
                var strings: [String] = []
                for (key, value) in card where !skippedInText.contains(key) {
                    switch key {
                    case "keywords": strings += value.objectValue?.keys.map { $0 } ?? []
                    case "localizations":
                        for case .object(let patch) in value.objectValue?.values.map({ $0 }) ?? [] {
                            for (path, value) in patch
                            where !path.split(separator: "/").contains(where: { skippedInText.contains(String($0)) }) {
                                collect(value, into: &strings)
                            }
                        }
                    default: collect(value, into: &strings)
                    }
                }
                // The joined components, for phrases across them.
                if let joined = joinedComponents(card["name"]?.objectValue) { strings.append(joined) }
                for case .object(let address) in card["addresses"]?.objectValue?.values.map({ $0 }) ?? [] {
                    if let joined = joinedComponents(address) { strings.append(joined) }
                }
                return strings
            }
        }

        /// Digits of each phone number, without its punctuation.
        static func phoneDigits(of card: JSONObject) -> [[UInt8]] {
            members(card, "phones", ["number"]).map { TextFolding.fold($0).filter(TextFolding.isDigit) }
                .filter { !$0.isEmpty }
        }

        /// Members that `text` does not search: structure, enumerated values, ids, dates, preferences, sort keys,
        /// and media and keys (whose URIs are data or links to binaries). Everything else that is a string, at
        /// any depth, is searched, as are the keys of `keywords` and the string values of `localizations`.
        static let skippedInText: Set<String> = [
            "@type", "version", "uid", "kind", "created", "updated", "language", "prodId", "pref", "listAs",
            "contexts", "features", "members", "relatedTo", "relation", "mediaType", "blobId", "calendarScale",
            "phoneticSystem", "phoneticScript", "defaultSeparator", "isOrdered", "sortAs", "organizationId", "level",
            "grammaticalGender", "timeZone", "coordinates", "countryCode", "date", "utc", "media", "cryptoKeys",
            "id", "addressBookIds",
        ]

        private static func collect(_ value: JSONValue, into strings: inout [String]) {
            switch value {
            case .string(let string) where !string.hasPrefix("data:"): strings.append(string)
            case .array(let values): for value in values { collect(value, into: &strings) }
            case .object(let object):
                for (key, value) in object where !skippedInText.contains(key) { collect(value, into: &strings) }
            default: break
            }
        }

        /// The string `properties` of each object in the Id-keyed map `key`.
        private static func members(_ card: JSONObject, _ key: String, _ properties: [String]) -> [String] {
            guard let map = card[key]?.objectValue else { return [] }
            var strings: [String] = []
            for case .object(let object) in map.values {
                for property in properties {
                    if let string = object[property]?.stringValue { strings.append(string) }
                }
            }
            return strings
        }

        private static func components(_ object: JSONObject?) -> [(kind: String?, value: String)] {
            (object?["components"]?.arrayValue ?? []).compactMap { component in
                guard let component = component.objectValue, let value = component["value"]?.stringValue else {
                    return nil
                }
                return (component["kind"]?.stringValue, value)
            }
        }

        /// The values of non-separator components joined by spaces, when there are several.
        private static func joinedComponents(_ object: JSONObject?) -> String? {
            let values = components(object).filter { $0.kind != "separator" }.map(\.value)
            return values.count > 1 ? values.joined(separator: " ") : nil
        }

        private static func nameComponents(_ card: JSONObject, kind: String) -> [String] {
            components(card["name"]?.objectValue).filter { $0.kind == kind }.map(\.value)
        }

        /// RFC 9610 §3.3.1 `name`: every NameComponent and `full`.
        private static func nameStrings(_ card: JSONObject) -> [String] {
            let name = card["name"]?.objectValue
            var strings = components(name).filter { $0.kind != "separator" }.map(\.value)
            if let full = name?["full"]?.stringValue { strings.append(full) }
            if let joined = joinedComponents(name) { strings.append(joined) }
            return strings
        }

        /// RFC 9610 §3.3.1 `address`: every AddressComponent and `full` of every Address.
        private static func addressStrings(_ card: JSONObject) -> [String] {
            var strings: [String] = []
            for case .object(let address) in card["addresses"]?.objectValue?.values.map({ $0 }) ?? [] {
                strings += components(address).filter { $0.kind != "separator" }.map(\.value)
                if let full = address["full"]?.stringValue { strings.append(full) }
                if let joined = joinedComponents(address) { strings.append(joined) }
            }
            return strings
        }
    }
}

import Foundation
import JSON

/// The parameters of one property as the reader consumes them: whatever is not consumed ends up
/// in `vCardParams` (RFC 9555 §2.15.2), so adding a mapping never loses data.
struct ParameterReader {
    let property: VCardProperty
    let version: VCardVersion
    private(set) var consumed: Set<String> = ["PROP-ID", "ENCODING", "CHARSET"]
    /// TYPE values not consumed yet, as written.
    private(set) var remainingTypes: [String]

    init(_ property: VCardProperty, version: VCardVersion) {
        self.property = property
        self.version = version
        self.remainingTypes = (property.parameter("TYPE") ?? []).flatMap {
            $0.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
        }
    }

    /// The values of `name`, marking it consumed.
    mutating func take(_ name: String) -> [String]? {
        consumed.insert(name.uppercased())
        return property.parameter(name)
    }

    mutating func takeFirst(_ name: String) -> String? {
        take(name)?.first
    }

    /// Removes the TYPE values for which `map` has an entry, returning the mapped names.
    mutating func takeTypes(_ map: [String: String]) -> [String] {
        var taken: [String] = []
        remainingTypes.removeAll { type in
            guard let mapped = map[type.lowercased()] else { return false }
            if !taken.contains(mapped) { taken.append(mapped) }
            return true
        }
        return taken
    }

    /// The remaining TYPE values, consumed.
    mutating func takeRemainingTypes() -> [String] {
        defer { remainingTypes = [] }
        return remainingTypes
    }

    /// `contexts` from TYPE (RFC 9555 §2.3.22): home → private, work → work, plus `extra`.
    mutating func contexts(extra: [String: String] = [:]) -> JSONValue? {
        var map = ["home": "private", "work": "work"]
        map.merge(extra) { a, _ in a }
        let contexts = takeTypes(map)
        guard !contexts.isEmpty else { return nil }
        return .object(JSONObject(uniqueKeysWithValues: contexts.map { ($0, .bool(true)) }))
    }

    /// `pref` from PREF (4.0) or TYPE=pref (2.1/3.0), RFC 9555 §2.3.17.
    mutating func pref() -> JSONValue? {
        var result: Int? = nil
        if let values = property.parameter("PREF"),
            let value = values.first.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
            (1...100).contains(value)
        {
            consumed.insert("PREF")
            result = value
        }
        if !takeTypes(["pref": "pref"]).isEmpty, result == nil { result = 1 }
        return result.map { .int($0) }
    }

    /// The parameters nothing consumed, as vCardParams, with the group as the jCard `group`.
    func vCardParams() -> JSONValue? {
        var params = JSONObject()
        for parameter in property.parameters {
            let upper = parameter.name.uppercased()
            if consumed.contains(upper) || upper == "TYPE" { continue }
            let key = parameter.name.lowercased()
            let values = parameter.values
            if let existing = params[key] {
                var merged = existing.arrayValue ?? [existing]
                merged += values.map { .string($0) }
                params[key] = .array(merged)
            } else {
                params[key] = values.count == 1 ? .string(values[0]) : .array(values.map { .string($0) })
            }
        }
        if !remainingTypes.isEmpty {
            params["type"] = remainingTypes.count == 1 ? .string(remainingTypes[0]) : JSONValue(remainingTypes)
        }
        if let group = property.group, !group.isEmpty { params["group"] = .string(group) }
        return params.isEmpty ? nil : .object(params)
    }
}

/// Reads one vCard into a Card plus provenance (RFC 9555 §2).
struct VCardReader {
    let vCard: VCard
    let version: VCardVersion
    let properties: [VCardProperty]

    var card: JSONObject = ["@type": "Card", "version": "1.0"]
    var units: [[String]]
    /// Entries per map path ("emails", "speakToAs/pronouns").
    var maps: [String: JSONObject] = [:]
    var usedKeys: [String: Set<String>] = [:]
    var keyCounters: [String: Int] = [:]
    /// Which map entry a property produced.
    var entryOfProperty: [Int: (map: String, key: String)] = [:]
    /// Properties kept in vCardProps, by index.
    var keep: Set<Int> = []
    var localizations: [String: JSONObject] = [:]
    var jsprops: [(index: Int, pointer: String, value: JSONValue)] = []

    /// Properties whose ALTID/LANGUAGE alternatives become localizations (RFC 9555 §2.3.11).
    static let localizable: Set<String> = [
        "FN", "N", "TITLE", "ROLE", "ORG", "NOTE", "ADR", "NICKNAME", "BIRTHPLACE", "DEATHPLACE", "PRONOUNS",
        "EXPERTISE", "HOBBY", "INTEREST",
    ]

    init(_ vCard: VCard) {
        self.vCard = vCard
        self.version = vCard.version
        self.properties = vCard.properties
        self.units = Array(repeating: [], count: vCard.properties.count)
    }

    // MARK: - Keys

    /// The key for a new entry: the PROP-ID if valid and unused (RFC 9555 §2.3.18), else `k<n>`
    /// counting per map in input order (RFC 9555 §2.1.2).
    mutating func newKey(in map: String, propID: String?) -> String {
        var used = usedKeys[map, default: []]
        defer { usedKeys[map] = used }
        if let propID, VCardMapping.isValidId(propID), !used.contains(propID) {
            used.insert(propID)
            return propID
        }
        var counter = keyCounters[map, default: 0]
        var key: String
        repeat {
            counter += 1
            key = "k\(counter)"
        } while used.contains(key) || reservedPropIDs(map).contains(key)
        keyCounters[map] = counter
        used.insert(key)
        return key
    }

    /// PROP-IDs of later properties must not be taken by generated keys of earlier ones.
    func reservedPropIDs(_ map: String) -> Set<String> {
        Set(properties.compactMap { $0.firstParameter("PROP-ID") })
    }

    @discardableResult
    mutating func addEntry(_ value: JSONObject, to map: String, from index: Int, key explicitKey: String? = nil)
        -> String
    {
        let key = explicitKey ?? newKey(in: map, propID: properties[index].firstParameter("PROP-ID"))
        maps[map, default: [:]][key] = .object(value)
        entryOfProperty[index] = (map, key)
        units[index].append(map + "/" + JSONPointer.escape(key))
        return key
    }

    // MARK: - Reading

    mutating func read() -> CardReading {
        let alternates = findAlternates()
        var fnIndex: Int? = nil
        var nIndex: Int? = nil
        chooseName(alternates: alternates, fn: &fnIndex, n: &nIndex)
        var placeIndexes: [Int] = []
        var geoIndexes: [Int] = []

        for (index, property) in properties.enumerated() {
            if alternates[index] != nil { continue }
            let name = property.upperName
            switch name {
            case "FN":
                if index != fnIndex { keep.insert(index) }
            case "N":
                if index != nIndex { keep.insert(index) }
            case "BIRTHPLACE", "DEATHPLACE":
                placeIndexes.append(index)
            case "GEO", "TZ":
                geoIndexes.append(index)
            case "X-ABLABEL":
                break  // assigned after all entries exist
            case "JSPROP":
                readJSProp(index)
            default:
                if !readProperty(index) { keep.insert(index) }
            }
        }
        readName(fn: fnIndex, n: nIndex)
        readPlaces(placeIndexes)
        readGeography(geoIndexes)
        linkTitlesToOrganizations()
        readLabels()
        readAlternates(alternates)
        inferLanguage(alternates)
        return finish()
    }

    /// ALTID groups: every member but the primary is an alternative representation.
    func findAlternates() -> [Int: Int] {
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for (index, property) in properties.enumerated() {
            guard Self.localizable.contains(property.upperName), let altID = property.firstParameter("ALTID") else {
                continue
            }
            let key = property.upperName + "\u{0}" + altID
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        let cardLanguage = properties.first { $0.upperName == "LANGUAGE" }?.text.lowercased()
        var alternates: [Int: Int] = [:]
        for key in order {
            guard let members = groups[key], members.count > 1 else { continue }
            let primary =
                members.first { properties[$0].firstParameter("LANGUAGE") == nil }
                ?? members.first { properties[$0].firstParameter("LANGUAGE")?.lowercased() == cardLanguage }
                ?? members[0]
            for member in members where member != primary {
                // Only alternatives that differ by language are localizations.
                guard properties[member].firstParameter("LANGUAGE") != nil,
                    properties[member].firstParameter("LANGUAGE")?.lowercased()
                        != properties[primary].firstParameter("LANGUAGE")?.lowercased()
                else { continue }
                alternates[member] = primary
            }
        }
        return alternates
    }

    /// RFC 9555 §2.5.2: of several FN, the one without LANGUAGE and with the fewest parameters.
    func chooseName(alternates: [Int: Int], fn: inout Int?, n: inout Int?) {
        let fns = properties.indices.filter { properties[$0].upperName == "FN" && alternates[$0] == nil }
        let withoutLanguage = fns.filter { properties[$0].firstParameter("LANGUAGE") == nil }
        let candidates = withoutLanguage.isEmpty ? fns : withoutLanguage
        fn = candidates.min { properties[$0].parameters.count < properties[$1].parameters.count }
        n = properties.indices.first { properties[$0].upperName == "N" && alternates[$0] == nil }
    }

    // MARK: - Name

    mutating func readName(fn: Int?, n: Int?) {
        var name = JSONObject()
        var params = JSONObject()
        if let n {
            var reader = ParameterReader(properties[n], version: version)
            name = nameObject(properties[n], reader: &reader)
            if case .object(let object)? = reader.vCardParams() { params.merge(object) { a, _ in a } }
            units[n].append("name")
        }
        if let fn {
            let property = properties[fn]
            var reader = ParameterReader(property, version: version)
            let derived = reader.takeFirst("DERIVED")?.lowercased() == "true"
            // RFC 9555 §2.3.7: a derived FN need not convert; it is derived again on the way back.
            if !(derived && n != nil) || name["components"] == nil, !property.text.isEmpty {
                name["full"] = .string(property.text)
            }
            if case .object(let object)? = reader.vCardParams() { params.merge(object) { a, _ in a } }
            units[fn].append("name")
        }
        if !params.isEmpty { name["vCardParams"] = .object(params) }
        if !name.isEmpty { card["name"] = .object(name) }
    }

    /// The Name object of an N property (RFC 9555 §2.5.5, JSCOMPS §3.3.1).
    func nameObject(_ property: VCardProperty, reader: inout ParameterReader) -> JSONObject {
        var name = JSONObject()
        var values = property.components
        while values.count < 7 { values.append([]) }
        // Values repeated in their backwards-compatible component count once (RFC 9554 §2.2).
        var keep: [[Bool]] = values.map { $0.map { _ in true } }
        for (position, value) in values[0].enumerated() where values[5].contains(value) {
            keep[0][position] = false
        }
        for (position, value) in values[4].enumerated() where values[6].contains(value) {
            keep[4][position] = false
        }
        let kinds = VCardMapping.nameKinds
        if let jscomps = reader.takeFirst("JSCOMPS"),
            let ordered = Self.orderedComponents(jscomps, values: values, keep: keep, kinds: kinds)
        {
            name["components"] = .array(ordered.components)
            name["isOrdered"] = true
            if let separator = ordered.defaultSeparator { name["defaultSeparator"] = .string(separator) }
        } else {
            var components: [JSONValue] = []
            for (position, list) in values.enumerated() where position < kinds.count {
                for (offset, value) in list.enumerated() where keep[position][offset] && !value.isEmpty {
                    components.append(["kind": .string(kinds[position]), "value": .string(value)])
                }
            }
            if !components.isEmpty { name["components"] = .array(components) }
            if property.parameter("JSCOMPS") != nil {
                // Invalid JSCOMPS: keep it verbatim rather than lose it.
                reader = ParameterReader(property, version: version)
            }
        }
        if let sortAs = reader.take("SORT-AS") {
            let items = sortAs.flatMap { VCardValueCoding.split($0, at: ",").map(VCardValueCoding.unescape) }
            var object = JSONObject()
            for (position, item) in items.enumerated() where position < kinds.count && !item.isEmpty {
                object[kinds[position]] = .string(item)
            }
            if !object.isEmpty { name["sortAs"] = .object(object) }
        }
        return name
    }

    /// Components in JSCOMPS order, or nil when the parameter is invalid (RFC 9555 §3.3.1).
    static func orderedComponents(_ jscomps: String, values: [[String]], keep: [[Bool]], kinds: [String])
        -> (components: [JSONValue], defaultSeparator: String?)?
    {
        let entries = VCardValueCoding.split(jscomps, at: ";")
        guard entries.count >= 2 else { return nil }
        var defaultSeparator: String? = nil
        if !entries[0].isEmpty {
            guard entries[0].hasPrefix("s,") else { return nil }
            defaultSeparator = VCardValueCoding.unescape(String(entries[0].dropFirst(2)))
        }
        var components: [JSONValue] = []
        var positionals = 0
        for entry in entries.dropFirst() {
            if entry.hasPrefix("s,") {
                components.append([
                    "kind": "separator", "value": .string(VCardValueCoding.unescape(String(entry.dropFirst(2)))),
                ])
                continue
            }
            let parts = entry.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count <= 2, let component = Int(parts[0]), component >= 0, component < values.count,
                component < kinds.count
            else { return nil }
            let valueIndex = parts.count == 2 ? Int(parts[1]) : 0
            guard let valueIndex, valueIndex >= 0, valueIndex < values[component].count else { return nil }
            components.append(["kind": .string(kinds[component]), "value": .string(values[component][valueIndex])])
            positionals += 1
        }
        let counted = keep.enumerated().reduce(0) { total, element in
            total
                + element.element.enumerated().filter { $0.element && !values[element.offset][$0.offset].isEmpty }.count
        }
        guard positionals == counted || positionals == counted + countEmpty(values, keep) else { return nil }
        return (components, defaultSeparator)
    }

    private static func countEmpty(_ values: [[String]], _ keep: [[Bool]]) -> Int {
        values.enumerated().reduce(0) { total, element in
            total + element.element.enumerated().filter { keep[element.offset][$0.offset] && $0.element.isEmpty }.count
        }
    }

    // MARK: - Single properties

    /// Converts one property into an entry or a Card property; false if it has no mapping.
    mutating func readProperty(_ index: Int) -> Bool {
        let property = properties[index]
        let name = property.upperName
        switch name {
        case "UID", "PRODID", "KIND", "X-ADDRESSBOOKSERVER-KIND", "LANGUAGE", "REV", "CREATED", "GRAMGENDER":
            return readScalar(index)
        case "CATEGORIES":
            var reader = ParameterReader(property, version: version)
            _ = reader.pref()
            guard reader.vCardParams() == nil else { return false }
            var keywords = card["keywords"]?.objectValue ?? [:]
            for keyword in property.listValues where !keyword.isEmpty { keywords[keyword] = true }
            guard !keywords.isEmpty else { return false }
            card["keywords"] = .object(keywords)
            units[index].append("keywords")
            return true
        case "MEMBER", "X-ADDRESSBOOKSERVER-MEMBER":
            // RFC 9555 §2.9.3: PREF does not convert; a member with other parameters stays in vCardProps.
            var reader = ParameterReader(property, version: version)
            _ = reader.pref()
            let uri = VCardValueCoding.unescapeURI(property.decodedValue)
            guard reader.vCardParams() == nil || reader.vCardParams()?.objectValue?.keys.sorted() == ["group"],
                !uri.isEmpty
            else { return false }
            var members = card["members"]?.objectValue ?? [:]
            guard members[uri] == nil else { return false }
            members[uri] = true
            card["members"] = .object(members)
            units[index].append("members/" + JSONPointer.escape(uri))
            return true
        case "RELATED":
            var reader = ParameterReader(property, version: version)
            let key = relatedValue(property)
            // VALUE=text is implied by a key that is not a URI (the writer adds it back).
            if property.firstParameter("VALUE")?.lowercased() == "text", !VCardMapping.hasURIScheme(key) {
                _ = reader.take("VALUE")
            }
            var relatedTo = card["relatedTo"]?.objectValue ?? [:]
            guard relatedTo[key] == nil, !key.isEmpty else { return false }
            var relation = JSONObject()
            for type in reader.takeRemainingTypes() { relation[type.lowercased()] = true }
            var object: JSONObject = ["relation": .object(relation)]
            object["vCardParams"] = reader.vCardParams()
            relatedTo[key] = .object(object)
            card["relatedTo"] = .object(relatedTo)
            units[index].append("relatedTo/" + JSONPointer.escape(key))
            return true
        default:
            guard let (map, entry) = entry(for: property) else { return false }
            if map == "nicknames" {
                // NICKNAME is a list (RFC 6350 §6.2.3): one Nickname per value.
                let names = property.listValues
                for (offset, nickname) in names.enumerated() {
                    var value = entry
                    value["name"] = .string(nickname)
                    let key =
                        offset == 0
                        ? newKey(in: map, propID: property.firstParameter("PROP-ID")) : newKey(in: map, propID: nil)
                    maps[map, default: [:]][key] = .object(value)
                    if offset == 0 { entryOfProperty[index] = (map, key) }
                    units[index].append(map + "/" + key)
                }
                return true
            }
            addEntry(entry, to: map, from: index)
            return true
        }
    }

    func relatedValue(_ property: VCardProperty) -> String {
        property.firstParameter("VALUE")?.lowercased() == "text" ? property.text : uriValue(property)
    }

    /// URI values are not TEXT, but Apple escapes `:` and `,` in them; undo only those escapes.
    func uriValue(_ property: VCardProperty) -> String {
        VCardValueCoding.unescapeURI(property.decodedValue).trimmingCharacters(in: .whitespaces)
    }

    /// Card-level single-valued properties. A second occurrence, or one with parameters that
    /// would be lost, stays in vCardProps.
    mutating func readScalar(_ index: Int) -> Bool {
        let property = properties[index]
        var reader = ParameterReader(property, version: version)
        _ = reader.take("VALUE")
        let key: String
        let value: JSONValue
        switch property.upperName {
        case "UID":
            key = "uid"
            value = .string(uriValue(property))
        case "PRODID":
            key = "prodId"
            value = .string(property.text)
        case "KIND", "X-ADDRESSBOOKSERVER-KIND":
            key = "kind"
            value = .string(property.text.lowercased().trimmingCharacters(in: .whitespaces))
        case "LANGUAGE":
            key = "language"
            value = .string(property.text.trimmingCharacters(in: .whitespaces))
        case "REV", "CREATED":
            key = property.upperName == "REV" ? "updated" : "created"
            guard case .timestamp(let stamp)? = VCardDateValue.parse(property.text) else { return false }
            value = .string(stamp.utcDateTime)
        case "GRAMGENDER":
            key = "speakToAs/grammaticalGender"
            value = .string(property.text.lowercased())
        default:
            return false
        }
        guard reader.vCardParams() == nil || key == "uid" || key == "speakToAs/grammaticalGender" else { return false }
        if key == "speakToAs/grammaticalGender" {
            var speakToAs = card["speakToAs"]?.objectValue ?? [:]
            guard speakToAs["grammaticalGender"] == nil else { return false }
            speakToAs["grammaticalGender"] = value
            // GRAMGENDER's own parameters go with the SpeakToAs object it converts to.
            speakToAs["vCardParams"] = reader.vCardParams()
            card["speakToAs"] = .object(speakToAs)
        } else {
            guard card[key] == nil else { return false }
            if key == "kind", value.stringValue?.isEmpty != false { return false }
            // A 4.0 card read as Apple's group: keep which property spelled it.
            if property.upperName == "X-ADDRESSBOOKSERVER-KIND", version == .v4_0 { return false }
            card[key] = value
        }
        units[index].append(key)
        return true
    }

    /// The map and entry for a property that converts to a map entry, or nil.
    func entry(for property: VCardProperty) -> (String, JSONObject)? {
        var reader = ParameterReader(property, version: version)
        var object = JSONObject()
        let map: String
        let name = property.upperName
        switch name {
        case "EMAIL":
            map = "emails"
            object["address"] = .string(property.text)
        case "TEL":
            map = "phones"
            let number = VCardValueCoding.unescapeURI(property.decodedValue)
            object["number"] = .string(number)
            // The writer adds VALUE=uri to a 4.0 TEL whose number is a URI: it is implied.
            if version == .v4_0, property.firstParameter("VALUE")?.lowercased() == "uri",
                VCardMapping.hasURIScheme(number)
            {
                _ = reader.take("VALUE")
            }
            let features = reader.takeTypes(VCardMapping.phoneFeatures)
            if !features.isEmpty {
                object["features"] = .object(JSONObject(uniqueKeysWithValues: features.map { ($0, .bool(true)) }))
            }
        case "IMPP":
            map = "onlineServices"
            object["uri"] = .string(uriValue(property))
            object["vCardName"] = "impp"
            object["service"] = reader.takeFirst("SERVICE-TYPE").map { .string($0) }
            object["user"] = reader.takeFirst("USERNAME").map { .string($0) }
        case "SOCIALPROFILE", "X-SOCIALPROFILE":
            map = "onlineServices"
            if property.firstParameter("VALUE")?.lowercased() == "text" {
                _ = reader.take("VALUE")
                object["user"] = .string(property.text)
            } else {
                object["uri"] = .string(uriValue(property))
            }
            if name == "X-SOCIALPROFILE" { object["vCardName"] = "x-socialprofile" }
            object["service"] = reader.takeFirst("SERVICE-TYPE").map { .string($0) }
            if object["user"] == nil { object["user"] = reader.takeFirst("USERNAME").map { .string($0) } }
        case _ where VCardMapping.legacyMessaging[name] != nil:
            map = "onlineServices"
            object["service"] = .string(VCardMapping.legacyMessaging[name] ?? name)
            object["user"] = .string(property.text)
            object["vCardName"] = .string(name.lowercased())
        case "LANG":
            map = "preferredLanguages"
            object["language"] = .string(property.text.trimmingCharacters(in: .whitespaces))
        case "CALURI", "FBURL":
            map = "calendars"
            object["kind"] = name == "CALURI" ? "calendar" : "freeBusy"
            object["uri"] = .string(uriValue(property))
            object["mediaType"] = reader.takeFirst("MEDIATYPE").map { .string($0) }
        case "CALADRURI":
            map = "schedulingAddresses"
            object["uri"] = .string(uriValue(property))
        case "URL", "CONTACT-URI":
            map = "links"
            if name == "CONTACT-URI" { object["kind"] = "contact" }
            object["uri"] = .string(uriValue(property))
            object["mediaType"] = reader.takeFirst("MEDIATYPE").map { .string($0) }
        case "SOURCE", "ORG-DIRECTORY":
            map = "directories"
            object["kind"] = name == "SOURCE" ? "entry" : "directory"
            object["uri"] = .string(uriValue(property))
            object["mediaType"] = reader.takeFirst("MEDIATYPE").map { .string($0) }
            if name == "ORG-DIRECTORY", let index = reader.takeFirst("INDEX").flatMap({ Int($0) }), index >= 1 {
                object["listAs"] = .int(index)
            }
        case "PHOTO", "LOGO", "SOUND", "KEY":
            map = name == "KEY" ? "cryptoKeys" : "media"
            if name != "KEY" { object["kind"] = .string(name.lowercased()) }
            guard readMedia(property, reader: &reader, into: &object) else { return nil }
        case "NICKNAME":
            map = "nicknames"
            object["name"] = .string(property.text)
        case "TITLE", "ROLE":
            map = "titles"
            object["name"] = .string(property.text)
            object["kind"] = name == "TITLE" ? "title" : "role"
        case "ORG":
            map = "organizations"
            let parts = VCardValueCoding.split(property.decodedValue, at: ";").map(VCardValueCoding.unescape)
            if let first = parts.first, !first.isEmpty { object["name"] = .string(first) }
            var units = parts.dropFirst().map { JSONValue.object(["name": .string($0)]) }
            if let sortAs = reader.take("SORT-AS") {
                let items = sortAs.flatMap { VCardValueCoding.split($0, at: ",").map(VCardValueCoding.unescape) }
                if let first = items.first, !first.isEmpty { object["sortAs"] = .string(first) }
                for (offset, item) in items.dropFirst().enumerated() where offset < units.count && !item.isEmpty {
                    if case .object(var unit) = units[offset] {
                        unit["sortAs"] = .string(item)
                        units[offset] = .object(unit)
                    }
                }
            }
            if !units.isEmpty { object["units"] = .array(units) }
        case "NOTE":
            map = "notes"
            object["note"] = .string(property.text)
            if let created = reader.takeFirst("CREATED") {
                guard case .timestamp(let stamp)? = VCardDateValue.parse(created) else { return nil }
                object["created"] = .string(stamp.utcDateTime)
            }
            var author = JSONObject()
            author["uri"] = reader.takeFirst("AUTHOR").map { .string($0) }
            author["name"] = reader.takeFirst("AUTHOR-NAME").map { .string($0) }
            if !author.isEmpty { object["author"] = .object(author) }
        case "EXPERTISE", "HOBBY", "INTEREST":
            map = "personalInfo"
            object["kind"] = .string(name.lowercased())
            object["value"] = .string(property.text)
            if let level = reader.takeFirst("LEVEL")?.lowercased() {
                let mapped =
                    name == "EXPERTISE" ? ["beginner": "low", "average": "medium", "expert": "high"][level] : level
                object["level"] = .string(mapped ?? level)
            }
            if let index = reader.takeFirst("INDEX").flatMap({ Int($0) }), index >= 1 { object["listAs"] = .int(index) }
        case "PRONOUNS":
            map = "speakToAs/pronouns"
            object["pronouns"] = .string(property.text)
        case "ADR":
            map = "addresses"
            addressObject(property, reader: &reader, into: &object)
        case "BDAY", "ANNIVERSARY", "DEATHDATE":
            map = "anniversaries"
            object["kind"] = .string(
                ["BDAY": "birth", "ANNIVERSARY": "wedding", "DEATHDATE": "death"][name] ?? "birth")
            let valueType = reader.takeFirst("VALUE")?.lowercased()
            guard valueType == nil || ["date", "date-and-or-time", "date-time", "timestamp"].contains(valueType ?? "")
            else { return nil }
            var text = property.text
            // Apple writes year-less dates with a placeholder year (X-APPLE-OMIT-YEAR).
            let omitYear = reader.takeFirst("X-APPLE-OMIT-YEAR")
            if let omitYear, text.hasPrefix(omitYear) {
                text = "--" + text.dropFirst(omitYear.count).drop { $0 == "-" }
            }
            switch VCardDateValue.parse(text) {
            case .partialDate(let year, let month, let day)?:
                var date = JSONObject()
                date["year"] = year.map { .int($0) }
                date["month"] = month.map { .int($0) }
                date["day"] = day.map { .int($0) }
                if let scale = reader.takeFirst("CALSCALE") { date["calendarScale"] = .string(scale.lowercased()) }
                object["date"] = .object(date)
            case .timestamp(let stamp)?:
                object["date"] = ["@type": "Timestamp", "utc": .string(stamp.utcDateTime)]
            case nil:
                return nil
            }
            if omitYear != nil, case .object(let date)? = object["date"], date["year"] != nil { return nil }
        default:
            return nil
        }
        object["pref"] = reader.pref()
        let extraContexts: [String: String] = name == "ADR" ? ["billing": "billing", "delivery": "delivery"] : [:]
        if !["anniversaries", "personalInfo", "notes"].contains(map) {
            object["contexts"] = reader.contexts(extra: extraContexts)
        }
        object["vCardParams"] = reader.vCardParams()
        return (map, object)
    }

    /// PHOTO, LOGO, SOUND, KEY: a URI, or 2.1/3.0 inline binary as a `data:` URI (RFC 2397)
    /// with the media type from the format TYPE.
    func readMedia(_ property: VCardProperty, reader: inout ParameterReader, into object: inout JSONObject) -> Bool {
        let name = property.upperName
        var mediaType = reader.takeFirst("MEDIATYPE")
        if version != .v4_0 {
            // The 2.1/3.0 TYPE of these properties is the format, except the usual contexts.
            let formats = reader.remainingTypes.filter { !["home", "work", "pref"].contains($0.lowercased()) }
            if let format = formats.first, formats.count == 1, mediaType == nil {
                mediaType = VCardMapping.mediaType(forFormat: format, property: name)
                _ = reader.takeTypes([format.lowercased(): format])
            }
        }
        if property.isInlineBinary {
            guard let data = VCardValueCoding.decodeBase64(property.value), !data.isEmpty else { return false }
            let type = mediaType ?? "application/octet-stream"
            object["uri"] = .string("data:" + type + ";base64," + data.base64EncodedString())
            if let value = reader.takeFirst("VALUE"), value.lowercased() != "binary" {
                // Inline data with a non-binary VALUE is contradictory: keep the property as is.
                return false
            }
        } else {
            object["uri"] = .string(uriValue(property))
            // The writer adds VALUE=uri (URL in 2.1) itself for a non-data URI in 2.1/3.0; in 4.0
            // a URI is the default value type of these properties (RFC 6350 §6.2.4, §6.8.1).
            if let value = property.firstParameter("VALUE")?.lowercased(), value == "uri" || value == "url" {
                _ = reader.take("VALUE")
            }
        }
        object["mediaType"] = mediaType.map { .string($0) }
        return true
    }

    /// ADR (RFC 9555 §2.6.1): components, LABEL → full, GEO, TZ, CC.
    func addressObject(_ property: VCardProperty, reader: inout ParameterReader, into object: inout JSONObject) {
        var values = property.components
        while values.count < 18 { values.append([]) }
        let newFormat = values[7...].contains { $0.contains { !$0.isEmpty } }
        var keep: [[Bool]] = values.map { $0.map { _ in true } }
        if newFormat {
            keep[1] = keep[1].map { _ in false }
            keep[2] = keep[2].map { _ in false }
        }
        let kinds = VCardMapping.addressKinds
        if let jscomps = reader.takeFirst("JSCOMPS"),
            let ordered = Self.orderedComponents(jscomps, values: values, keep: keep, kinds: kinds)
        {
            object["components"] = .array(ordered.components)
            object["isOrdered"] = true
            if let separator = ordered.defaultSeparator { object["defaultSeparator"] = .string(separator) }
        } else {
            if property.parameter("JSCOMPS") != nil { reader = ParameterReader(property, version: version) }
            var components: [JSONValue] = []
            for (position, list) in values.enumerated() where position < kinds.count {
                for (offset, value) in list.enumerated() where keep[position][offset] && !value.isEmpty {
                    components.append(["kind": .string(kinds[position]), "value": .string(value)])
                }
            }
            if !components.isEmpty { object["components"] = .array(components) }
        }
        // Some producers escape the label like TEXT (and even its quotes): undo, keep every piece.
        object["full"] = reader.take("LABEL").map { .string(VCardValueCoding.unescape($0.joined(separator: ","))) }
        object["coordinates"] = reader.takeFirst("GEO").map { .string($0) }
        object["timeZone"] = reader.takeFirst("TZ").map { .string(Self.timeZoneName($0) ?? $0) }
        object["countryCode"] = reader.takeFirst("CC").map { .string($0) }
    }

    /// RFC 9555 §2.8.2: a whole-hour UTC offset becomes an Etc/GMT zone; other text is a name.
    static func timeZoneName(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let sign = trimmed.first, sign == "+" || sign == "-" else {
            return trimmed.isEmpty ? nil : trimmed
        }
        let digits = trimmed.dropFirst().filter { $0 != ":" }
        guard digits.count == 4 || digits.count == 2, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let hours = Int(digits.prefix(2)), digits.count == 2 || digits.suffix(2) == "00"
        else { return nil }
        let signed = sign == "-" ? -hours : hours
        guard (-12...14).contains(signed) else { return nil }
        if signed == 0 { return "Etc/UTC" }
        return "Etc/GMT" + (signed > 0 ? "-" : "+") + String(abs(signed))
    }

    // MARK: - Combined properties

    /// BIRTHPLACE and DEATHPLACE join the birth/death anniversary with the same PROP-ID, else
    /// the first one of their kind (RFC 9555 §2.5.1). Without a date they stay in vCardProps.
    mutating func readPlaces(_ indexes: [Int]) {
        for index in indexes {
            let property = properties[index]
            let kind = property.upperName == "BIRTHPLACE" ? "birth" : "death"
            var reader = ParameterReader(property, version: version)
            var place = JSONObject()
            let valueType = reader.takeFirst("VALUE")?.lowercased()
            if valueType == "uri" || property.decodedValue.lowercased().hasPrefix("geo:") {
                guard property.decodedValue.lowercased().hasPrefix("geo:") else {
                    keep.insert(index)
                    continue
                }
                place["coordinates"] = .string(uriValue(property))
            } else {
                place["full"] = .string(property.text)
            }
            place["vCardParams"] = reader.vCardParams()
            let propID = property.firstParameter("PROP-ID")
            let entries = maps["anniversaries"] ?? [:]
            let candidates = entries.keys.sorted { a, b in
                (entryIndex("anniversaries", a) ?? 0) < (entryIndex("anniversaries", b) ?? 0)
            }.filter {
                entries[$0]?.objectValue?["kind"]?.stringValue == kind && entries[$0]?.objectValue?["place"] == nil
            }
            guard let key = candidates.first(where: { $0 == propID }) ?? candidates.first,
                case .object(var anniversary)? = entries[key]
            else {
                keep.insert(index)
                continue
            }
            anniversary["place"] = .object(place)
            maps["anniversaries", default: [:]][key] = .object(anniversary)
            units[index].append("anniversaries/" + key)
        }
    }

    func entryIndex(_ map: String, _ key: String) -> Int? {
        entryOfProperty.first { $0.value.map == map && $0.value.key == key }?.key
    }

    /// GEO and TZ: into the address of the same vCard group, else an address of their own
    /// (RFC 9555 §2.8.3).
    mutating func readGeography(_ indexes: [Int]) {
        for index in indexes {
            let property = properties[index]
            var reader = ParameterReader(property, version: version)
            let isGeo = property.upperName == "GEO"
            let field: String
            let value: String
            if isGeo {
                field = "coordinates"
                let raw = uriValue(property)
                if raw.lowercased().hasPrefix("geo:") {
                    value = raw
                } else {
                    // vCard 3.0 GEO is "lat;lon" (RFC 2426 §3.4.2); a geo: URI holds the same.
                    let parts = VCardValueCoding.split(property.decodedValue, at: ";")
                    guard parts.count == 2, Double(parts[0].trimmingCharacters(in: .whitespaces)) != nil,
                        Double(parts[1].trimmingCharacters(in: .whitespaces)) != nil
                    else {
                        keep.insert(index)
                        continue
                    }
                    value =
                        "geo:" + parts[0].trimmingCharacters(in: .whitespaces) + ","
                        + parts[1].trimmingCharacters(in: .whitespaces)
                }
            } else {
                field = "timeZone"
                let valueType = reader.takeFirst("VALUE")?.lowercased()
                guard valueType != "uri", let name = Self.timeZoneName(property.text) else {
                    keep.insert(index)
                    continue
                }
                if valueType == "utc-offset" || property.text.first == "+" || property.text.first == "-" {
                    // The offset form must come back as an offset: remember the spelling.
                    guard name.hasPrefix("Etc/") else {
                        keep.insert(index)
                        continue
                    }
                }
                value = name
            }
            let group = property.group?.lowercased()
            var merged = false
            if let group {
                let entries = maps["addresses"] ?? [:]
                for (key, entry) in entries {
                    guard case .object(var address) = entry,
                        address["vCardParams"]?.objectValue?["group"]?.stringValue?.lowercased() == group,
                        address[field] == nil,
                        let source = entryIndex("addresses", key), properties[source].upperName == "ADR"
                    else { continue }
                    address[field] = .string(value)
                    if let extra = reader.vCardParams()?.objectValue?.filter({ $0.key != "group" }), !extra.isEmpty {
                        // Parameters of the merged property would be attributed to ADR: keep it apart.
                        break
                    }
                    maps["addresses", default: [:]][key] = .object(address)
                    units[index].append("addresses/" + key)
                    merged = true
                    break
                }
            }
            if merged { continue }
            var address: JSONObject = [field: .string(value)]
            address["vCardName"] = .string(property.upperName.lowercased())
            address["pref"] = reader.pref()
            address["vCardParams"] = reader.vCardParams()
            addEntry(address, to: "addresses", from: index)
        }
    }

    /// RFC 9555 §2.9.6: a TITLE or ROLE sharing its group with exactly one ORG belongs to it.
    mutating func linkTitlesToOrganizations() {
        for (index, entry) in entryOfProperty where entry.map == "titles" {
            guard let group = properties[index].group?.lowercased() else { continue }
            let orgs = entryOfProperty.filter {
                $0.value.map == "organizations" && properties[$0.key].group?.lowercased() == group
            }
            guard orgs.count == 1, let org = orgs.first,
                case .object(var title)? = maps["titles"]?[entry.key]
            else { continue }
            title["organizationId"] = .string(org.value.key)
            maps["titles", default: [:]][entry.key] = .object(title)
        }
    }

    /// X-ABLabel gives the label of the entry converted from the first property of its group
    /// (RFC 9555 §2.11.11).
    mutating func readLabels() {
        var labelled: Set<String> = []
        for (index, property) in properties.enumerated() where property.upperName == "X-ABLABEL" {
            guard let group = property.group?.lowercased(), !labelled.contains(group),
                property.parameters.isEmpty,
                let owner = properties.indices.first(where: {
                    properties[$0].group?.lowercased() == group && entryOfProperty[$0] != nil
                }),
                let entry = entryOfProperty[owner],
                case .object(var object)? = maps[entry.map]?[entry.key], object["label"] == nil
            else {
                keep.insert(index)
                continue
            }
            labelled.insert(group)
            object["label"] = .string(property.text)
            maps[entry.map, default: [:]][entry.key] = .object(object)
            units[index].append(entry.map + "/" + entry.key)
        }
    }

    /// ALTID alternatives in another language become localizations of their primary
    /// (RFC 9555 §2.3.11): one patch per differing property of the entry.
    mutating func readAlternates(_ alternates: [Int: Int]) {
        for index in alternates.keys.sorted() {
            guard let primary = alternates[index] else { continue }
            let property = properties[index]
            guard let language = property.firstParameter("LANGUAGE") else {
                keep.insert(index)
                continue
            }
            var patch = JSONObject()
            var unit: String? = nil
            switch property.upperName {
            case "FN":
                guard units[primary].contains("name") || properties[primary].upperName == "FN" else { break }
                patch["name/full"] = .string(property.text)
                unit = "name"
            case "N":
                var reader = ParameterReader(property, version: version)
                let alternate = nameObject(property, reader: &reader)
                let base = card["name"]?.objectValue ?? [:]
                let baseComponents = base["components"]?.arrayValue ?? []
                let altComponents = alternate["components"]?.arrayValue ?? []
                if let system = property.firstParameter("PHONETIC") {
                    // RFC 9555 §2.3.15, Figure 5: pronunciations of the primary's components.
                    guard altComponents.count == baseComponents.count else { break }
                    if system.lowercased() != "script" { patch["name/phoneticSystem"] = .string(system.lowercased()) }
                    if let script = property.firstParameter("SCRIPT") { patch["name/phoneticScript"] = .string(script) }
                    for (index, component) in altComponents.enumerated() {
                        if let value = component.objectValue?["value"] {
                            patch["name/components/\(index)/phonetic"] = value
                        }
                    }
                    unit = "name"
                    break
                }
                for (key, value) in alternate where base[key] != value { patch["name/" + key] = value }
                unit = "name"
            case "BIRTHPLACE", "DEATHPLACE":
                guard let path = units[primary].first, path.hasPrefix("anniversaries/") else { break }
                patch[path + "/place/full"] = .string(property.text)
                unit = path
            default:
                guard let entry = entryOfProperty[primary], let (_, alternate) = self.entry(for: property),
                    case .object(let base)? = maps[entry.map]?[entry.key]
                else { break }
                let path = entry.map + "/" + entry.key
                for (key, value) in alternate where key != "vCardParams" && key != "pref" && base[key] != value {
                    patch[path + "/" + key] = value
                }
                unit = path
            }
            guard let unit else {
                keep.insert(index)
                continue
            }
            var existing = localizations[language] ?? [:]
            existing.merge(patch) { a, _ in a }
            localizations[language] = existing
            units[index].append(unit)
        }
    }

    /// JSPROP (RFC 9555 §3.2.1): the JSON value at the JSPTR pointer, applied after everything else.
    mutating func readJSProp(_ index: Int) {
        let property = properties[index]
        guard let pointer = property.firstParameter("JSPTR"), property.parameters.count <= 2,
            let data = property.text.data(using: .utf8),
            let value = try? JSONCoding.decode(JSONValue.self, from: data)
        else {
            keep.insert(index)
            return
        }
        jsprops.append((index, pointer, value))
    }

    /// RFC 9555 §2.3.11, Figure 3: without a LANGUAGE property, the one language of all the
    /// localized properties' primaries is the Card's language; their LANGUAGE parameters are
    /// then implied and not kept in vCardParams.
    mutating func inferLanguage(_ alternates: [Int: Int]) {
        guard card["language"] == nil, !properties.contains(where: { $0.upperName == "LANGUAGE" }) else { return }
        // The languages of the converted localizable properties (alternatives excluded).
        let converted = properties.indices.filter {
            alternates[$0] == nil && Self.localizable.contains(properties[$0].upperName) && !keep.contains($0)
                && !units[$0].isEmpty
        }
        let tagged = converted.filter { properties[$0].firstParameter("LANGUAGE") != nil }
        guard !tagged.isEmpty else { return }
        let primaries = Set(alternates.values)
        // Every primary of a localization must be in that language; other properties may have none.
        guard primaries.allSatisfy({ properties[$0].firstParameter("LANGUAGE") != nil }) else { return }
        let languages = Set(tagged.map { properties[$0].firstParameter("LANGUAGE")?.lowercased() })
        guard languages.count == 1, let language = languages.first ?? nil else { return }
        card["language"] = .string(language)
        func strip(_ object: inout JSONObject) {
            guard var params = object["vCardParams"]?.objectValue,
                params["language"]?.stringValue?.lowercased() == language
            else { return }
            params["language"] = nil
            object["vCardParams"] = params.isEmpty ? nil : .object(params)
        }
        for (map, entries) in maps {
            var updated = entries
            for (key, value) in entries {
                guard case .object(var entry) = value else { continue }
                strip(&entry)
                if case .object(var place)? = entry["place"] {
                    strip(&place)
                    entry["place"] = .object(place)
                }
                updated[key] = .object(entry)
            }
            maps[map] = updated
        }
        if case .object(var name)? = card["name"] {
            strip(&name)
            card["name"] = .object(name)
        }
    }

    // MARK: - Finishing

    mutating func finish() -> CardReading {
        for (path, entries) in maps.sorted(by: { $0.key < $1.key }) {
            let tokens = path.split(separator: "/").map(String.init)
            if tokens.count == 1 {
                card[path] = .object(entries)
            } else {
                var parent = card[tokens[0]]?.objectValue ?? [:]
                parent[tokens[1]] = .object(entries)
                card[tokens[0]] = .object(parent)
            }
        }
        if !localizations.isEmpty {
            card["localizations"] = .object(localizations.mapValues { .object($0) })
        }
        var props: [JSONValue] = []
        for index in keep.sorted() {
            units[index] = ["vCardProps/\(props.count)"]
            props.append(Self.jCard(properties[index], version: version))
        }
        if !props.isEmpty { card["vCardProps"] = .array(props) }
        // The JSPROP PatchObject must be valid as a whole or is not applied (RFC 9555 §3.2.1).
        if !jsprops.isEmpty {
            var patch = JSONObject()
            for item in jsprops { patch[item.pointer] = item.value }
            if let patched = JSONPointer.apply(patch, to: card) {
                card = patched
                for item in jsprops { units[item.index] = [Self.unit(forPointer: item.pointer)] }
            } else {
                for item in jsprops {
                    units[item.index] = ["vCardProps/\(props.count)"]
                    props.append(Self.jCard(properties[item.index], version: version))
                }
                card["vCardProps"] = .array(props)
            }
        }
        if card["uid"] == nil {
            card["uid"] = .string(Self.generatedUID(for: vCard))
            // No vCard property carries it; it belongs to no line.
        }
        return CardReading(card: card, units: units)
    }

    /// The unit a JSPROP pointer belongs to: the map entry or top-level property it is under.
    static func unit(forPointer pointer: String) -> String {
        let tokens = JSONPointer.tokens(pointer)
        guard let first = tokens.first else { return pointer }
        if tokens.count >= 2, VCardMapping.entryMaps.contains(first) {
            return first + "/" + JSONPointer.escape(tokens[1])
        }
        if tokens.count >= 2, first == "localizations" {
            return "localizations/" + JSONPointer.escape(tokens[1])
        }
        if tokens.count >= 3, first == "speakToAs", tokens[1] == "pronouns" {
            return "speakToAs/pronouns/" + JSONPointer.escape(tokens[2])
        }
        return JSONPointer.escape(first)
    }

    /// A property as jCard (RFC 7095 §3.3) for vCardProps. The value is kept exactly: as raw text
    /// ("unknown") unless VALUE names the type, and as components for structured properties.
    static func jCard(_ property: VCardProperty, version: VCardVersion) -> JSONValue {
        var params = JSONObject()
        var valueType = "unknown"
        let isQuotedPrintable = property.firstParameter("ENCODING")?.uppercased() == "QUOTED-PRINTABLE"
        for parameter in property.parameters {
            let upper = parameter.name.uppercased()
            if isQuotedPrintable && (upper == "ENCODING" || upper == "CHARSET") { continue }
            if upper == "VALUE", parameter.values.count == 1 {
                valueType = parameter.values[0].lowercased()
                continue
            }
            let key = parameter.name.lowercased()
            let values = parameter.values.map { JSONValue.string($0) }
            if let existing = params[key] {
                params[key] = .array((existing.arrayValue ?? [existing]) + values)
            } else {
                params[key] = values.count == 1 ? values[0] : .array(values)
            }
        }
        if let group = property.group, !group.isEmpty { params["group"] = .string(group) }
        let upper = property.upperName
        var value: JSONValue = .string(property.decodedValue)
        if valueType == "unknown", ["N", "ADR", "GENDER", "CLIENTPIDMAP", "ORG"].contains(upper),
            property.components.count > 1
        {
            valueType = "text"
            value = .array(
                property.components.map { list in
                    list.count == 1 ? .string(list[0]) : list.isEmpty ? .string("") : JSONValue(list)
                })
        }
        return .array([.string(property.name.lowercased()), .object(params), .string(valueType), value])
    }

    /// RFC 9555 §2.1.1: a stable uid for a vCard without UID, derived from its content.
    static func generatedUID(for vCard: VCard) -> String {
        let text = vCard.properties.map { VCardWriter.serialize($0, version: vCard.version) }.joined(separator: "\n")
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in text.utf8 {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            second = (second ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 1
        }
        let hex = String(format: "%016llx%016llx", first, second)
        let c = Array(hex)
        return "urn:uuid:" + String(c[0..<8]) + "-" + String(c[8..<12]) + "-5" + String(c[13..<16]) + "-a"
            + String(c[17..<20]) + "-" + String(c[20..<32])
    }
}

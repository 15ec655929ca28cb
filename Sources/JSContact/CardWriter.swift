import Foundation
import JSON

/// Writes a Card as vCard properties (RFC 9555 §3), grouped into units: one unit per top-level
/// property or map entry (`uid`, `name`, `emails/k2`, …), so that an update can regenerate only
/// the units a client changed.
struct CardWriter {
    struct Unit {
        var path: String
        var properties: [VCardProperty]
    }

    let card: JSONObject
    let version: VCardVersion
    var usedGroups: Set<String>
    private var groupCounter = 0
    /// Localization patches per unit path and language, and those no unit could take.
    private var localizedPatches: [String: [String: JSONObject]] = [:]
    private var unplacedLanguages: Set<String> = []

    /// Card properties that are written by a dedicated rule (everything else becomes JSPROP).
    static let knownTopLevel: Set<String> = Set([
        "@type", "version", "uid", "prodId", "kind", "language", "name", "created", "updated", "keywords",
        "members", "relatedTo", "speakToAs", "localizations", "vCardProps", "vCardParams",
    ]).union(VCardMapping.entryMaps)

    /// The order in which a fresh vCard lists the Card's properties.
    static let order = [
        "prodId", "uid", "kind", "language", "name", "nicknames", "organizations", "titles", "speakToAs", "emails",
        "phones", "onlineServices", "preferredLanguages", "addresses", "anniversaries", "notes", "personalInfo",
        "calendars", "schedulingAddresses", "links", "media", "cryptoKeys", "directories", "relatedTo", "members",
        "keywords", "created", "updated",
    ]

    init(card: JSONObject, version: VCardVersion, usedGroups: Set<String>) {
        self.card = card
        self.version = version
        self.usedGroups = Set(usedGroups.map { $0.lowercased() })
        collectGroups(.object(card))
    }

    /// The VERSION the Card was converted from, kept in vCardProps (RFC 9555 §2.11.10).
    static func sourceVersion(of card: JSONObject) -> VCardVersion? {
        for prop in card["vCardProps"]?.arrayValue ?? [] {
            guard let array = prop.arrayValue, array.count == 4, array[0].stringValue == "version",
                let value = array[3].stringValue
            else { continue }
            return VCardVersion(rawValue: value.trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    private mutating func collectGroups(_ value: JSONValue) {
        switch value {
        case .object(let object):
            if let group = object["group"]?.stringValue { usedGroups.insert(group.lowercased()) }
            for child in object.values { collectGroups(child) }
        case .array(let array):
            for child in array { collectGroups(child) }
        default: break
        }
    }

    mutating func newGroup() -> String {
        while true {
            groupCounter += 1
            let group = "item\(groupCounter)"
            if !usedGroups.contains(group) {
                usedGroups.insert(group)
                return group
            }
        }
    }

    // MARK: - Units

    mutating func units() -> [Unit] {
        prepareLocalizations()
        var result: [Unit] = []
        for key in Self.order {
            guard let value = card[key] else { continue }
            if VCardMapping.entryMaps.contains(key), let entries = value.objectValue, !entries.isEmpty {
                for entryKey in entries.keys.sorted(by: Self.keyOrder) {
                    let path = key + "/" + JSONPointer.escape(entryKey)
                    result.append(Unit(path: path, properties: finalize(entryProperties(map: key, key: entryKey))))
                }
            } else if key == "speakToAs", let speakToAs = value.objectValue {
                result += speakToAsUnits(speakToAs)
            } else {
                result.append(Unit(path: key, properties: finalize(topLevelProperties(key))))
            }
        }
        if card["name"] == nil {
            // FN is mandatory (RFC 9555 §3.1): an empty one.
            result.append(Unit(path: "name", properties: finalize(topLevelProperties("name"))))
        }
        for (index, prop) in (card["vCardProps"]?.arrayValue ?? []).enumerated() {
            guard let property = Self.property(fromJCard: prop),
                !["VERSION", "BEGIN", "END"].contains(property.upperName)
            else { continue }
            result.append(Unit(path: "vCardProps/\(index)", properties: finalize([property])))
        }
        for key in card.keys.sorted() where !Self.knownTopLevel.contains(key) {
            guard let value = card[key] else { continue }
            result.append(Unit(path: JSONPointer.escape(key), properties: [jsprop(JSONPointer.escape(key), value)]))
        }
        for language in unplacedLanguages.sorted() {
            if let patch = card["localizations"]?.objectValue?[language] {
                result.append(
                    Unit(
                        path: "localizations/" + JSONPointer.escape(language),
                        properties: [jsprop("localizations/" + JSONPointer.escape(language), patch)]))
            }
        }
        return result
    }

    /// Keys in a stable order: generated `k<n>` keys numerically, then the rest alphabetically.
    static func keyOrder(_ a: String, _ b: String) -> Bool {
        func number(_ key: String) -> Int? { key.hasPrefix("k") ? Int(key.dropFirst()) : nil }
        switch (number(a), number(b)) {
        case (let x?, let y?): return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return a < b
        }
    }

    /// Sorts localization patches by the unit they localize. A language with any patch that no
    /// unit can express is written whole as one JSPROP (its PatchObject must stay complete).
    private mutating func prepareLocalizations() {
        guard let localizations = card["localizations"]?.objectValue else { return }
        for (language, value) in localizations {
            guard let patch = value.objectValue else {
                unplacedLanguages.insert(language)
                continue
            }
            var byUnit: [String: JSONObject] = [:]
            var placeable = true
            for (path, patchValue) in patch {
                guard let unit = Self.localizableUnit(path, in: card) else {
                    placeable = false
                    break
                }
                byUnit[unit, default: [:]][path] = patchValue
            }
            if !placeable {
                unplacedLanguages.insert(language)
                continue
            }
            if let namePatch = byUnit["name"] {
                // Pronunciations and a different structure cannot share one N alternative.
                let kinds = Set(
                    namePatch.keys.map { path -> Int in
                        let tokens = JSONPointer.tokens(path)
                        if tokens == ["name", "full"] { return 0 }
                        if tokens.last == "phonetic" || tokens == ["name", "phoneticSystem"]
                            || tokens == ["name", "phoneticScript"]
                        {
                            return 1
                        }
                        return 2
                    })
                if kinds.contains(1) && kinds.contains(2) {
                    unplacedLanguages.insert(language)
                    continue
                }
            }
            for (unit, unitPatch) in byUnit { localizedPatches[unit, default: [:]][language] = unitPatch }
        }
    }

    /// The unit a localization patch path falls under, if that unit can write alternatives.
    static func localizableUnit(_ path: String, in card: JSONObject) -> String? {
        let tokens = JSONPointer.tokens(path)
        guard tokens.count >= 2 else { return nil }
        if tokens[0] == "name" {
            guard card["name"] != nil else { return nil }
            if tokens.count == 2,
                ["full", "components", "sortAs", "isOrdered", "defaultSeparator", "phoneticSystem", "phoneticScript"]
                    .contains(tokens[1])
            {
                return "name"
            }
            if tokens.count == 4, tokens[1] == "components", tokens[3] == "phonetic" { return "name" }
            return nil
        }
        let localizableMaps: Set<String> = [
            "titles", "organizations", "notes", "addresses", "nicknames", "personalInfo",
        ]
        // Only whole properties of an entry: deeper patches cannot be an alternative property.
        if tokens.count == 3, localizableMaps.contains(tokens[0]),
            card[tokens[0]]?.objectValue?[tokens[1]] != nil,
            !["vCardParams", "label", "pref"].contains(tokens[2])
        {
            return tokens[0] + "/" + JSONPointer.escape(tokens[1])
        }
        if tokens.count == 4, tokens[0] == "speakToAs", tokens[1] == "pronouns", tokens[3] == "pronouns",
            card["speakToAs"]?.objectValue?["pronouns"]?.objectValue?[tokens[2]] != nil
        {
            return "speakToAs/pronouns/" + JSONPointer.escape(tokens[2])
        }
        if tokens.count == 5, tokens[0] == "anniversaries", tokens[2] == "place", tokens[3] == "full",
            card["anniversaries"]?.objectValue?[tokens[1]]?.objectValue?["place"]?.objectValue?["full"] != nil
        {
            return "anniversaries/" + JSONPointer.escape(tokens[1])
        }
        return nil
    }

    // MARK: - Property building

    /// A property with the entry's contexts, pref, vCardParams, group and label applied.
    mutating func build(
        _ name: String, value: String, entry: JSONObject, key: String?, types: [String] = [],
        params extra: [VCardParameter] = [], contextMap: [String: String] = [:]
    ) -> [VCardProperty] {
        var typeValues: [String] = []
        let upperTypes = version != .v4_0
        var contexts = ["private": "home", "work": "work"]
        contexts.merge(contextMap) { a, _ in a }
        for (context, enabled) in (entry["contexts"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key })
        where enabled.boolValue == true {
            typeValues.append(contexts[context] ?? context)
        }
        typeValues += types
        typeValues = typeValues.map { upperTypes ? $0.uppercased() : $0.lowercased() }
        var parameters: [VCardParameter] = []
        var group: String? = nil
        let vCardParams = entry["vCardParams"]?.objectValue ?? [:]
        for value in Self.strings(vCardParams["type"])
        where !typeValues.contains(where: { $0.caseInsensitiveCompare(value) == .orderedSame }) {
            typeValues.append(value)
        }
        if let pref = entry["pref"]?.intValue {
            if version == .v4_0 {
                parameters.append(VCardParameter("PREF", String(pref)))
            } else if pref == 1 {
                typeValues.append(upperTypes ? "PREF" : "pref")
            }
        }
        if !typeValues.isEmpty {
            parameters.insert(VCardParameter("TYPE", typeValues), at: 0)
        }
        parameters += extra
        for (paramName, paramValue) in vCardParams.sorted(by: { $0.key < $1.key }) {
            switch paramName {
            case "group": group = paramValue.stringValue
            case "type": continue
            default:
                if extra.contains(where: { $0.name.caseInsensitiveCompare(paramName) == .orderedSame }) { continue }
                parameters.append(VCardParameter(paramName.uppercased(), Self.strings(paramValue)))
            }
        }
        if version == .v4_0, let key, VCardMapping.isValidId(key) {
            parameters.append(VCardParameter("PROP-ID", key))
        }
        var result: [VCardProperty] = []
        if let label = entry["label"]?.stringValue {
            if group == nil { group = newGroup() }
            result.append(VCardProperty(group: group, name: name, parameters: parameters, value: value))
            result.append(VCardProperty(group: group, name: "X-ABLabel", value: VCardValueCoding.escape(label)))
        } else {
            result.append(VCardProperty(group: group, name: name, parameters: parameters, value: value))
        }
        return result
    }

    static func strings(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let string)?: [string]
        case .array(let array)?: array.compactMap { $0.stringValue ?? $0.intValue.map(String.init) }
        case .int(let number)?: [String(number)]
        case .bool(let flag)?: [flag ? "TRUE" : "FALSE"]
        default: []
        }
    }

    /// JSPROP for a value no rule can write (RFC 9555 §3.2.1): compact JSON as TEXT.
    func jsprop(_ pointer: String, _ value: JSONValue) -> VCardProperty {
        let data = (try? JSONCoding.encode(value)) ?? Data("null".utf8)
        let json = String(decoding: data, as: UTF8.self)
        return VCardProperty(
            name: "JSPROP", parameters: [VCardParameter("JSPTR", pointer)],
            value: VCardValueCoding.escape(json, semicolons: false, commas: true))
    }

    /// JSPROPs for the members of `object` that the rule for it does not know.
    func unknownMembers(_ object: JSONObject, known: Set<String>, path: String) -> [VCardProperty] {
        object.keys.sorted().filter { !known.contains($0) && $0 != "@type" }.compactMap { key in
            guard let value = object[key] else { return nil }
            return jsprop(path + "/" + JSONPointer.escape(key), value)
        }
    }

    func text(_ string: String) -> String { VCardValueCoding.escape(string) }

    /// URI values are written as they are: they are not TEXT (RFC 6350 §4.2).
    func uri(_ string: String) -> String { string }

    // MARK: - Top-level properties

    mutating func topLevelProperties(_ key: String) -> [VCardProperty] {
        let value = card[key]
        switch key {
        case "uid":
            guard let uid = value?.stringValue else { return [jsprop(key, value ?? .null)] }
            return [VCardProperty(name: "UID", value: text(uid))]
        case "prodId":
            guard let prodId = value?.stringValue else { return [jsprop(key, value ?? .null)] }
            return [VCardProperty(name: "PRODID", value: text(prodId))]
        case "language":
            guard let language = value?.stringValue else { return [jsprop(key, value ?? .null)] }
            return [VCardProperty(name: "LANGUAGE", value: language)]
        case "kind":
            guard let kind = value?.stringValue else { return [jsprop(key, value ?? .null)] }
            if version != .v4_0 && kind == "group" {
                return [VCardProperty(name: "X-ADDRESSBOOKSERVER-KIND", value: kind)]
            }
            return [VCardProperty(name: "KIND", value: text(kind))]
        case "created", "updated":
            guard let string = value?.stringValue, let stamp = UTCTimestamp(utcDateTime: string), stamp.fraction.isEmpty
            else { return [jsprop(key, value ?? .null)] }
            return [
                VCardProperty(
                    name: key == "created" ? "CREATED" : "REV", value: version == .v4_0 ? stamp.vCard4 : stamp.vCard3)
            ]
        case "keywords":
            guard let keywords = value?.objectValue, keywords.values.allSatisfy({ $0.boolValue == true }) else {
                return [jsprop(key, value ?? .null)]
            }
            guard !keywords.isEmpty else { return [] }
            return [
                VCardProperty(name: "CATEGORIES", value: keywords.keys.sorted().map { text($0) }.joined(separator: ","))
            ]
        case "name":
            return nameProperties(value?.objectValue)
        default:
            return value.map { [jsprop(JSONPointer.escape(key), $0)] } ?? []
        }
    }

    // MARK: - Name

    /// FN and N (RFC 9555 §2.5.2, §2.5.5, §3.1), with localized alternatives.
    mutating func nameProperties(_ name: JSONObject?) -> [VCardProperty] {
        let name = name ?? [:]
        var result: [VCardProperty] = []
        let components = name["components"]?.arrayValue?.compactMap(\.objectValue) ?? []
        let componentsWritable =
            name["components"] == nil
            || (name["components"]?.arrayValue?.count == components.count
                && components.allSatisfy { component in
                    component["kind"]?.stringValue != nil && component["value"]?.stringValue != nil
                })
        // Members N cannot carry (phonetic, vendor properties): the whole array also as JSPROP.
        let componentsExtra = components.contains { component in
            component.keys.contains { !["kind", "value", "@type"].contains($0) }
        }
        let vCardParams = name["vCardParams"]?.objectValue ?? [:]
        let localized = localizedPatches["name"] ?? [:]
        let altID = vCardParams["altid"].flatMap { Self.strings($0).first } ?? (localized.isEmpty ? nil : "n1")

        func parameters(from params: JSONObject, skipping: Set<String> = []) -> ([VCardParameter], String?) {
            var result: [VCardParameter] = []
            var group: String? = nil
            for (key, value) in params.sorted(by: { $0.key < $1.key }) where !skipping.contains(key) {
                if key == "group" {
                    group = value.stringValue
                } else {
                    result.append(VCardParameter(key.uppercased(), Self.strings(value)))
                }
            }
            return (result, group)
        }

        let hasComponents = componentsWritable && !components.isEmpty
        let writeN = hasComponents || version != .v4_0 || name["sortAs"] != nil
        // FN
        var fnParams: [VCardParameter] = []
        var fnGroup: String? = nil
        let full: String
        if let value = name["full"]?.stringValue {
            full = value
        } else {
            full = Self.derivedFullName(components, isOrdered: name["isOrdered"]?.boolValue == true)
            fnParams.append(VCardParameter("DERIVED", "TRUE"))
        }
        // The Name's vCardParams came from FN and N together (RFC 9555 §2.15.2): both get them.
        let (sharedParams, sharedGroup) = parameters(from: vCardParams)
        let hasAltID = vCardParams["altid"] != nil
        fnParams += sharedParams
        fnGroup = sharedGroup
        if !hasAltID, let altID, localized.values.contains(where: { $0["name/full"] != nil }) {
            fnParams.append(VCardParameter("ALTID", altID))
        }
        result.append(VCardProperty(group: fnGroup, name: "FN", parameters: fnParams, value: text(full)))
        for (language, patch) in localized.sorted(by: { $0.key < $1.key }) {
            if let fullValue = patch["name/full"]?.stringValue {
                var params = [VCardParameter("LANGUAGE", language)]
                if let altID { params.append(VCardParameter("ALTID", altID)) }
                result.append(VCardProperty(name: "FN", parameters: params, value: text(fullValue)))
            }
        }
        // N
        var jsprops: [VCardProperty] = []
        if writeN {
            var params = sharedParams
            let group = sharedGroup
            let (value, jscomps, sortAs) = nValue(componentsWritable ? components : [], name: name)
            if let sortAs { params.insert(VCardParameter("SORT-AS", sortAs), at: 0) }
            if version == .v4_0, let jscomps { params.append(VCardParameter("JSCOMPS", jscomps)) }
            if !hasAltID, let altID, localized.values.contains(where: { $0.keys.contains { $0 != "name/full" } }) {
                params.append(VCardParameter("ALTID", altID))
            }
            result.append(VCardProperty(group: group, name: "N", parameters: params, value: value))
            for (language, patch) in localized.sorted(by: { $0.key < $1.key }) {
                if let phonetic = phoneticAlternate(name: name, components: components, patch: patch) {
                    // RFC 9555 §2.3.15: the pronunciation as an N with PHONETIC/SCRIPT.
                    var altParams = [VCardParameter("LANGUAGE", language)]
                    if let altID { altParams.append(VCardParameter("ALTID", altID)) }
                    altParams += phonetic.parameters
                    result.append(VCardProperty(name: "N", parameters: altParams, value: phonetic.value))
                    continue
                }
                var alternate = name
                var touched = false
                for (path, patchValue) in patch where path != "name/full" {
                    let tokens = Array(JSONPointer.tokens(path).dropFirst())
                    JSONPointer.set(patchValue.isNull ? nil : patchValue, in: &alternate, at: tokens)
                    touched = true
                }
                guard touched else { continue }
                let altComponents = alternate["components"]?.arrayValue?.compactMap(\.objectValue) ?? []
                let (altValue, altJscomps, altSortAs) = nValue(altComponents, name: alternate)
                var altParams = [VCardParameter("LANGUAGE", language)]
                if let altID { altParams.append(VCardParameter("ALTID", altID)) }
                if let altSortAs { altParams.append(VCardParameter("SORT-AS", altSortAs)) }
                if version == .v4_0, let altJscomps { altParams.append(VCardParameter("JSCOMPS", altJscomps)) }
                result.append(VCardProperty(name: "N", parameters: altParams, value: altValue))
            }
            if version != .v4_0, name["isOrdered"]?.boolValue == true {
                // 2.1/3.0 have no JSCOMPS: keep order and separators as JSPROP.
                for key in ["components", "isOrdered", "defaultSeparator"] {
                    if let value = name[key] { jsprops.append(jsprop("name/" + key, value)) }
                }
            }
        }
        if !componentsWritable || componentsExtra, let value = name["components"] {
            jsprops.append(jsprop("name/components", value))
        }
        jsprops += unknownMembers(
            name, known: ["full", "components", "isOrdered", "defaultSeparator", "sortAs", "vCardParams"], path: "name")
        return result + jsprops
    }

    /// A localization that only adds pronunciations (`name/components/<i>/phonetic`,
    /// `name/phoneticSystem`, `name/phoneticScript`) as the N value and parameters that hold them.
    func phoneticAlternate(name: JSONObject, components: [JSONObject], patch: JSONObject)
        -> (value: String, parameters: [VCardParameter])?
    {
        var phonetics: [Int: String] = [:]
        var system: String? = nil
        var script: String? = nil
        for (path, value) in patch {
            let tokens = JSONPointer.tokens(path)
            if tokens == ["name", "full"] {
                continue
            } else if tokens == ["name", "phoneticSystem"], let text = value.stringValue {
                system = text
            } else if tokens == ["name", "phoneticScript"], let text = value.stringValue {
                script = text
            } else if tokens.count == 4, tokens[0] == "name", tokens[1] == "components", tokens[3] == "phonetic",
                let index = Int(tokens[2]), components.indices.contains(index), let text = value.stringValue
            {
                phonetics[index] = text
            } else {
                return nil
            }
        }
        guard !phonetics.isEmpty || system != nil || script != nil else { return nil }
        var replaced = components
        for index in replaced.indices { replaced[index]["value"] = .string(phonetics[index] ?? "") }
        let (value, _, _) = nValue(replaced, name: [:])
        var parameters = [VCardParameter("PHONETIC", system ?? "script")]
        if let script { parameters.append(VCardParameter("SCRIPT", script)) }
        return (value, parameters)
    }

    /// RFC 9555 §3.1: the full name from the components, joined with their separators.
    static func derivedFullName(_ components: [JSONObject], isOrdered: Bool = true) -> String {
        var components = components
        if !isOrdered {
            // Unordered components: the common Western order (title, given names, surnames,
            // generation, credentials), one choice RFC 9555 §3.1 allows.
            let order = ["title", "given", "given2", "surname", "surname2", "generation", "credential"]
            components = components.enumerated().sorted { a, b in
                let x = order.firstIndex(of: a.element["kind"]?.stringValue ?? "") ?? order.count
                let y = order.firstIndex(of: b.element["kind"]?.stringValue ?? "") ?? order.count
                return x == y ? a.offset < b.offset : x < y
            }.map(\.element)
        }
        var result = ""
        var pendingSeparator: String? = nil
        for component in components {
            guard let value = component["value"]?.stringValue else { continue }
            if component["kind"]?.stringValue == "separator" {
                pendingSeparator = (pendingSeparator ?? "") + value
                continue
            }
            if !result.isEmpty { result += pendingSeparator ?? " " }
            pendingSeparator = nil
            result += value
        }
        return result
    }

    /// The N value, its JSCOMPS (when ordered) and SORT-AS.
    func nValue(_ components: [JSONObject], name: JSONObject) -> (String, String?, String?) {
        let kinds = VCardMapping.nameKinds
        var lists: [[String]] = Array(repeating: [], count: 7)
        var positions: [(Int, Int)?] = []
        for component in components {
            guard let kind = component["kind"]?.stringValue, let value = component["value"]?.stringValue else {
                positions.append(nil)
                continue
            }
            if kind == "separator" {
                positions.append(nil)
                continue
            }
            let position = kinds.firstIndex(of: kind) ?? 2
            positions.append((position, lists[position].count))
            lists[position].append(value)
        }
        // RFC 9554 §2.2: secondary surnames and generations also go into their old components.
        var written = lists
        written[0] += lists[5]
        written[4] += lists[6]
        if version != .v4_0 { written = Array(written.prefix(5)) }
        let value = VCardValueCoding.joinStructured(written)
        var jscomps: String? = nil
        if name["isOrdered"]?.boolValue == true {
            var entries: [String] = []
            let separator = name["defaultSeparator"]?.stringValue
            entries.append(separator.map { "s," + Self.escapeJSComps($0) } ?? "")
            for (offset, component) in components.enumerated() {
                if component["kind"]?.stringValue == "separator" {
                    entries.append("s," + Self.escapeJSComps(component["value"]?.stringValue ?? ""))
                } else if let (position, index) = positions[offset] {
                    entries.append(index == 0 ? "\(position)" : "\(position),\(index)")
                }
            }
            jscomps = entries.joined(separator: ";")
        }
        var sortAs: String? = nil
        if let sort = name["sortAs"]?.objectValue, !sort.isEmpty {
            var items = kinds.map { sort[$0]?.stringValue ?? "" }
            while items.last == "" { items.removeLast() }
            sortAs = items.map { $0.replacingOccurrences(of: ",", with: "\\,") }.joined(separator: ",")
        }
        return (value, jscomps, sortAs)
    }

    static func escapeJSComps(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ",", with: "\\,")
            .replacingOccurrences(of: ";", with: "\\;")
    }

    // MARK: - Entries

    mutating func entryProperties(map: String, key: String) -> [VCardProperty] {
        let path = map + "/" + JSONPointer.escape(key)
        guard let value = card[map]?.objectValue?[key] else { return [] }
        if map == "members" {
            guard value.boolValue == true else { return [jsprop(path, value)] }
            let name =
                version == .v4_0 || card["kind"]?.stringValue != "group" ? "MEMBER" : "X-ADDRESSBOOKSERVER-MEMBER"
            return [VCardProperty(name: name, value: uri(key))]
        }
        guard var entry = value.objectValue else { return [jsprop(path, value)] }
        if localizedPatches[path]?.isEmpty == false, map != "anniversaries" {
            // The primary and its alternatives share an ALTID (RFC 6350 §5.4).
            var params = entry["vCardParams"]?.objectValue ?? [:]
            if params["altid"] == nil { params["altid"] = "1" }
            entry["vCardParams"] = .object(params)
        }
        var properties: [VCardProperty]
        var known: Set<String> = ["contexts", "pref", "label", "vCardParams"]
        switch map {
        case "emails":
            known.insert("address")
            guard let address = entry["address"]?.stringValue else { return [jsprop(path, value)] }
            properties = build("EMAIL", value: text(address), entry: entry, key: key)
        case "phones":
            known.formUnion(["number", "features"])
            guard let number = entry["number"]?.stringValue else { return [jsprop(path, value)] }
            var types: [String] = []
            for (feature, enabled) in (entry["features"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key })
            where enabled.boolValue == true {
                types.append(VCardMapping.phoneFeaturesReverse[feature] ?? feature)
            }
            var extra: [VCardParameter] = []
            let isURI =
                entry["vCardParams"]?.objectValue?["value"]?.stringValue?.lowercased() == "uri"
                || (version == .v4_0 && VCardMapping.hasURIScheme(number))
            if version == .v4_0, isURI, entry["vCardParams"]?.objectValue?["value"] == nil {
                extra.append(VCardParameter("VALUE", "uri"))
            }
            properties = build(
                "TEL", value: isURI ? uri(number) : text(number), entry: entry, key: key, types: types, params: extra)
        case "onlineServices":
            known.formUnion(["uri", "user", "service", "vCardName"])
            properties = onlineService(entry, key: key)
        case "preferredLanguages":
            known.insert("language")
            guard let language = entry["language"]?.stringValue else { return [jsprop(path, value)] }
            properties = build("LANG", value: language, entry: entry, key: key)
        case "calendars", "schedulingAddresses", "links", "directories":
            known.formUnion(["kind", "uri", "mediaType", "listAs"])
            guard let uriValue = entry["uri"]?.stringValue else { return [jsprop(path, value)] }
            let kind = entry["kind"]?.stringValue
            let name: String
            switch map {
            case "calendars": name = kind == "freeBusy" ? "FBURL" : "CALURI"
            case "schedulingAddresses": name = "CALADRURI"
            case "links": name = kind == "contact" ? "CONTACT-URI" : "URL"
            default: name = kind == "directory" ? "ORG-DIRECTORY" : "SOURCE"
            }
            let kindWritten: Bool =
                switch map {
                case "calendars": kind == nil || kind == "calendar" || kind == "freeBusy"
                case "links": kind == nil || kind == "contact"
                case "directories": kind == "directory" || kind == "entry"
                default: kind == nil
                }
            if !kindWritten { known.remove("kind") }
            var extra: [VCardParameter] = []
            if let mediaType = entry["mediaType"]?.stringValue { extra.append(VCardParameter("MEDIATYPE", mediaType)) }
            if let listAs = entry["listAs"]?.intValue, name == "ORG-DIRECTORY" {
                extra.append(VCardParameter("INDEX", String(listAs)))
            } else {
                known.remove("listAs")
            }
            properties = build(name, value: uri(uriValue), entry: entry, key: key, params: extra)
        case "media", "cryptoKeys":
            known.formUnion(["kind", "uri", "mediaType"])
            properties = media(entry, map: map, key: key, known: &known)
        case "nicknames":
            known.insert("name")
            guard let name = entry["name"]?.stringValue else { return [jsprop(path, value)] }
            properties = build("NICKNAME", value: text(name), entry: entry, key: key)
        case "organizations":
            known.formUnion(["name", "units", "sortAs"])
            properties = organization(entry, key: key, known: &known)
        case "titles":
            known.formUnion(["name", "kind", "organizationId"])
            guard let name = entry["name"]?.stringValue else { return [jsprop(path, value)] }
            var adjusted = entry
            if let orgID = entry["organizationId"]?.stringValue {
                if let group = card["organizations"]?.objectValue?[orgID]?.objectValue?["vCardParams"]?.objectValue?[
                    "group"]
                {
                    var params = adjusted["vCardParams"]?.objectValue ?? [:]
                    params["group"] = group
                    adjusted["vCardParams"] = .object(params)
                } else {
                    known.remove("organizationId")
                }
            }
            let kind = entry["kind"]?.stringValue
            if kind != nil && kind != "title" && kind != "role" { known.remove("kind") }
            properties = build(kind == "role" ? "ROLE" : "TITLE", value: text(name), entry: adjusted, key: key)
        case "notes":
            known.formUnion(["note", "created", "author"])
            guard let note = entry["note"]?.stringValue else { return [jsprop(path, value)] }
            var extra: [VCardParameter] = []
            if let created = entry["created"]?.stringValue, let stamp = UTCTimestamp(utcDateTime: created) {
                extra.append(VCardParameter("CREATED", stamp.vCard4))
            } else {
                known.remove("created")
            }
            if let author = entry["author"]?.objectValue,
                author.keys.allSatisfy({ ["uri", "name", "@type"].contains($0) })
            {
                if let uri = author["uri"]?.stringValue { extra.append(VCardParameter("AUTHOR", uri)) }
                if let name = author["name"]?.stringValue { extra.append(VCardParameter("AUTHOR-NAME", name)) }
            } else {
                known.remove("author")
            }
            properties = build("NOTE", value: text(note), entry: entry, key: key, params: extra)
        case "personalInfo":
            known.formUnion(["kind", "value", "level", "listAs"])
            guard let kind = entry["kind"]?.stringValue, ["expertise", "hobby", "interest"].contains(kind),
                let text = entry["value"]?.stringValue
            else { return [jsprop(path, value)] }
            var extra: [VCardParameter] = []
            if let level = entry["level"]?.stringValue {
                let mapped =
                    kind == "expertise" ? ["low": "beginner", "medium": "average", "high": "expert"][level] : nil
                extra.append(VCardParameter("LEVEL", mapped ?? level))
            }
            if let listAs = entry["listAs"]?.intValue { extra.append(VCardParameter("INDEX", String(listAs))) }
            properties = build(kind.uppercased(), value: self.text(text), entry: entry, key: key, params: extra)
        case "relatedTo":
            known = ["relation", "vCardParams"]
            let types = (entry["relation"]?.objectValue ?? [:]).filter { $0.value.boolValue == true }.keys.sorted()
            let isText = entry["vCardParams"]?.objectValue?["value"]?.stringValue?.lowercased() == "text"
            var extra: [VCardParameter] = []
            let isURI = VCardMapping.hasURIScheme(key)
            if !isText && !isURI && version == .v4_0 { extra.append(VCardParameter("VALUE", "text")) }
            let written = isText || !isURI ? text(key) : uri(key)
            properties = build("RELATED", value: written, entry: entry, key: nil, types: types, params: extra)
        case "addresses":
            properties = address(entry, key: key, known: &known)
        case "anniversaries":
            properties = anniversary(entry, key: key, known: &known)
        default:
            return [jsprop(path, value)]
        }
        properties += localizedAlternatives(path: path, entry: entry, map: map, key: key)
        return properties + unknownMembers(entry, known: known, path: path)
    }

    /// ALTID/LANGUAGE alternatives for an entry's localizations (RFC 9555 §2.3.11).
    mutating func localizedAlternatives(path: String, entry: JSONObject, map: String, key: String) -> [VCardProperty] {
        guard let patches = localizedPatches[path], !patches.isEmpty, map != "anniversaries" else { return [] }
        var result: [VCardProperty] = []
        let altID = entry["vCardParams"]?.objectValue?["altid"].flatMap { Self.strings($0).first } ?? "1"
        for (language, patch) in patches.sorted(by: { $0.key < $1.key }) {
            var alternate = entry
            alternate["label"] = nil
            var params = alternate["vCardParams"]?.objectValue ?? [:]
            params["group"] = nil
            params["language"] = .string(language)
            params["altid"] = .string(altID)
            alternate["vCardParams"] = .object(params)
            for (patchPath, value) in patch {
                let tokens = Array(JSONPointer.tokens(patchPath).dropFirst(2))
                JSONPointer.set(value.isNull ? nil : value, in: &alternate, at: tokens)
            }
            var scratch = CardWriter(card: [map: [key: .object(alternate)]], version: version, usedGroups: usedGroups)
            if let first = scratch.entryProperties(map: map, key: key).first { result.append(first) }
        }
        return result
    }

    mutating func onlineService(_ entry: JSONObject, key: String) -> [VCardProperty] {
        let vCardName = entry["vCardName"]?.stringValue?.uppercased()
        let uriValue = entry["uri"]?.stringValue
        let user = entry["user"]?.stringValue
        var extra: [VCardParameter] = []
        if let vCardName, VCardMapping.legacyMessaging[vCardName] != nil, let user, uriValue == nil {
            return build(vCardName, value: text(user), entry: entry, key: key)
        }
        if let service = entry["service"]?.stringValue { extra.append(VCardParameter("SERVICE-TYPE", service)) }
        let name: String
        switch vCardName {
        case "IMPP"?: name = "IMPP"
        case "X-SOCIALPROFILE"?: name = "X-SOCIALPROFILE"
        default: name = version == .v4_0 ? "SOCIALPROFILE" : (vCardName ?? "X-SOCIALPROFILE")
        }
        if let uriValue {
            if let user { extra.append(VCardParameter("USERNAME", user)) }
            return build(name, value: uri(uriValue), entry: entry, key: key, params: extra)
        }
        if entry["vCardParams"]?.objectValue?["value"] == nil { extra.append(VCardParameter("VALUE", "text")) }
        return build(name, value: text(user ?? ""), entry: entry, key: key, params: extra)
    }

    mutating func media(_ entry: JSONObject, map: String, key: String, known: inout Set<String>) -> [VCardProperty] {
        let kind = entry["kind"]?.stringValue
        let name: String
        if map == "cryptoKeys" {
            name = "KEY"
            known.remove("kind")
        } else {
            switch kind {
            case "logo"?: name = "LOGO"
            case "sound"?: name = "SOUND"
            case "photo"?: name = "PHOTO"
            default:
                name = "PHOTO"
                known.remove("kind")
            }
        }
        guard let uriValue = entry["uri"]?.stringValue else {
            known.remove("uri")
            return []
        }
        let mediaType = entry["mediaType"]?.stringValue
        if version == .v4_0 {
            var extra: [VCardParameter] = []
            if let mediaType { extra.append(VCardParameter("MEDIATYPE", mediaType)) }
            return build(name, value: uri(uriValue), entry: entry, key: key, params: extra)
        }
        // 2.1/3.0: inline data as ENCODING=b (BASE64 in 2.1) with the format as TYPE.
        if let (dataType, base64) = Self.parseDataURI(uriValue) {
            let type = mediaType ?? dataType
            let formats = type == "application/octet-stream" ? [] : [VCardMapping.format(forMediaType: type)]
            var adjusted = entry
            if var params = adjusted["vCardParams"]?.objectValue {
                params["value"] = nil
                adjusted["vCardParams"] = .object(params)
            }
            let encoding = VCardParameter("ENCODING", version == .v2_1 ? "BASE64" : "b")
            if mediaType != nil && mediaType != dataType { known.remove("mediaType") }
            return build(name, value: base64, entry: adjusted, key: key, types: formats, params: [encoding])
        }
        var extra: [VCardParameter] = []
        if entry["vCardParams"]?.objectValue?["value"] == nil {
            extra.append(VCardParameter("VALUE", version == .v2_1 ? "URL" : "uri"))
        }
        let types = mediaType.map { [VCardMapping.format(forMediaType: $0)] } ?? []
        if let mediaType, VCardMapping.mediaType(forFormat: types[0], property: name) != mediaType {
            known.remove("mediaType")
        }
        return build(name, value: uri(uriValue), entry: entry, key: key, types: types, params: extra)
    }

    /// `data:<type>;base64,<data>` (RFC 2397), the only data URIs 3.0 inline binary can carry.
    static func parseDataURI(_ uri: String) -> (String, String)? {
        guard uri.lowercased().hasPrefix("data:"), let comma = uri.firstIndex(of: ",") else { return nil }
        let header = uri[uri.index(uri.startIndex, offsetBy: 5)..<comma]
        guard header.lowercased().hasSuffix(";base64") else { return nil }
        let type = header.dropLast(7)
        return (type.isEmpty ? "application/octet-stream" : String(type), String(uri[uri.index(after: comma)...]))
    }

    mutating func organization(_ entry: JSONObject, key: String, known: inout Set<String>) -> [VCardProperty] {
        var parts = [entry["name"]?.stringValue ?? ""]
        var sortAs = [entry["sortAs"]?.stringValue ?? ""]
        let units = entry["units"]?.arrayValue ?? []
        let unitsWritable = units.allSatisfy { unit in
            guard let object = unit.objectValue, object["name"]?.stringValue != nil else { return false }
            return object.keys.allSatisfy { ["name", "sortAs", "@type"].contains($0) }
        }
        if unitsWritable {
            for unit in units {
                parts.append(unit.objectValue?["name"]?.stringValue ?? "")
                sortAs.append(unit.objectValue?["sortAs"]?.stringValue ?? "")
            }
        } else {
            known.remove("units")
        }
        while sortAs.last == "" { sortAs.removeLast() }
        var extra: [VCardParameter] = []
        if !sortAs.isEmpty {
            extra.append(
                VCardParameter(
                    "SORT-AS", sortAs.map { $0.replacingOccurrences(of: ",", with: "\\,") }.joined(separator: ",")))
        }
        return build("ORG", value: parts.map { text($0) }.joined(separator: ";"), entry: entry, key: key, params: extra)
    }

    /// ADR (RFC 9555 §2.6.1), or GEO/TZ for an address converted from one of those.
    mutating func address(_ entry: JSONObject, key: String, known: inout Set<String>) -> [VCardProperty] {
        known.formUnion([
            "components", "isOrdered", "defaultSeparator", "full", "coordinates", "timeZone", "countryCode",
            "vCardName",
        ])
        let contextMap = ["billing": "billing", "delivery": "delivery"]
        let vCardName = entry["vCardName"]?.stringValue?.lowercased()
        let onlyField = entry.keys.filter {
            !["contexts", "pref", "label", "vCardParams", "vCardName", "@type"].contains($0)
        }
        if vCardName == "geo" || vCardName == "tz", onlyField.count == 1,
            let value = entry[onlyField[0]]?.stringValue
        {
            if vCardName == "geo", onlyField[0] == "coordinates" {
                return build("GEO", value: geoValue(value), entry: entry, key: key, contextMap: contextMap)
            }
            if vCardName == "tz", onlyField[0] == "timeZone" {
                let (written, extra) = tzValue(value)
                return build("TZ", value: written, entry: entry, key: key, params: extra, contextMap: contextMap)
            }
        }
        var extra: [VCardParameter] = []
        var separate: [VCardProperty] = []
        if let full = entry["full"]?.stringValue { extra.append(VCardParameter("LABEL", full)) }
        if let countryCode = entry["countryCode"]?.stringValue { extra.append(VCardParameter("CC", countryCode)) }
        var adjusted = entry
        if version == .v4_0 {
            if let coordinates = entry["coordinates"]?.stringValue { extra.append(VCardParameter("GEO", coordinates)) }
            if let timeZone = entry["timeZone"]?.stringValue { extra.append(VCardParameter("TZ", timeZone)) }
        } else if entry["coordinates"] != nil || entry["timeZone"] != nil {
            // 3.0 has no GEO/TZ parameters: separate properties in the address's group (RFC 9555 §2.8.3).
            var params = adjusted["vCardParams"]?.objectValue ?? [:]
            let group = params["group"]?.stringValue ?? newGroup()
            params["group"] = .string(group)
            adjusted["vCardParams"] = .object(params)
            if let coordinates = entry["coordinates"]?.stringValue {
                separate.append(VCardProperty(group: group, name: "GEO", value: geoValue(coordinates)))
            }
            if let timeZone = entry["timeZone"]?.stringValue {
                let (written, params) = tzValue(timeZone)
                separate.append(VCardProperty(group: group, name: "TZ", parameters: params, value: written))
            }
        }
        let components = entry["components"]?.arrayValue?.compactMap(\.objectValue) ?? []
        let componentsWritable =
            entry["components"]?.arrayValue?.count ?? 0 == components.count
            && components.allSatisfy { component in
                component.keys.allSatisfy { ["kind", "value", "@type"].contains($0) }
                    && component["kind"]?.stringValue != nil && component["value"]?.stringValue != nil
            }
        var value = ";;;;;;"
        if componentsWritable {
            let (adr, jscomps) = adrValue(components, entry: entry)
            value = adr
            if let jscomps { extra.append(VCardParameter("JSCOMPS", jscomps)) }
        } else {
            known.remove("components")
        }
        if version != .v4_0, entry["isOrdered"]?.boolValue == true {
            known.remove("isOrdered")
            known.remove("defaultSeparator")
            known.remove("components")
        }
        return build("ADR", value: value, entry: adjusted, key: key, params: extra, contextMap: contextMap) + separate
    }

    func geoValue(_ coordinates: String) -> String {
        guard version != .v4_0, coordinates.lowercased().hasPrefix("geo:") else { return coordinates }
        // 3.0 GEO is "lat;lon" (RFC 2426 §3.4.2).
        let body = coordinates.dropFirst(4).split(separator: ";").first ?? ""
        let parts = body.split(separator: ",")
        guard parts.count >= 2 else { return coordinates }
        return parts[0] + ";" + parts[1]
    }

    /// TZ as written: Etc/GMT±N and Etc/UTC as UTC offsets (RFC 9555 §2.8.2, reversed).
    func tzValue(_ timeZone: String) -> (String, [VCardParameter]) {
        var offset: Int? = nil
        if timeZone == "Etc/UTC" {
            offset = 0
        } else if timeZone.hasPrefix("Etc/GMT"), let hours = Int(timeZone.dropFirst(7)) {
            offset = -hours
        }
        guard let offset else { return (text(timeZone), []) }
        let sign = offset < 0 ? "-" : "+"
        let text = String(format: "%@%02d00", sign, abs(offset))
        return (text, version == .v4_0 ? [VCardParameter("VALUE", "utc-offset")] : [])
    }

    /// The ADR value: the classic 7 components when they hold everything, else the RFC 9554 18.
    func adrValue(_ components: [JSONObject], entry: JSONObject) -> (String, String?) {
        let kinds = VCardMapping.addressKinds
        var lists: [[String]] = Array(repeating: [], count: 18)
        var positions: [(Int, Int)?] = []
        let classic: Set<String> = ["postOfficeBox", "apartment", "name", "locality", "region", "postcode", "country"]
        let nonSeparators = components.filter { $0["kind"]?.stringValue != "separator" }
        let useClassic =
            nonSeparators.allSatisfy { classic.contains($0["kind"]?.stringValue ?? "") } || version != .v4_0
        for component in components {
            guard let kind = component["kind"]?.stringValue, let value = component["value"]?.stringValue,
                kind != "separator"
            else {
                positions.append(nil)
                continue
            }
            var position: Int
            if useClassic {
                switch kind {
                case "postOfficeBox": position = 0
                case "apartment", "room", "floor", "building": position = 1
                case "locality": position = 3
                case "region": position = 4
                case "postcode": position = 5
                case "country": position = 6
                default: position = 2
                }
            } else {
                position = kinds.lastIndex(of: kind) ?? 11
                if kind == "postOfficeBox" { position = 0 }
                if ["locality", "region", "postcode", "country"].contains(kind) {
                    position = kinds.firstIndex(of: kind) ?? 3
                }
            }
            positions.append((position, lists[position].count))
            lists[position].append(value)
        }
        var written = lists
        if useClassic {
            written = Array(written.prefix(7))
            if version != .v4_0 {
                // Classic components hold one text each in practice: join lists with spaces.
                written = written.map { $0.isEmpty ? [] : [$0.joined(separator: " ")] }
            }
        } else {
            written[1] = lists[7] + lists[9] + lists[8] + lists[12]
            written[2] = lists[10] + lists[11] + lists[13] + lists[17] + lists[16] + lists[14] + lists[15]
        }
        let value = VCardValueCoding.joinStructured(written)
        guard version == .v4_0, entry["isOrdered"]?.boolValue == true else { return (value, nil) }
        var entries: [String] = [entry["defaultSeparator"]?.stringValue.map { "s," + Self.escapeJSComps($0) } ?? ""]
        for (offset, component) in components.enumerated() {
            if component["kind"]?.stringValue == "separator" {
                entries.append("s," + Self.escapeJSComps(component["value"]?.stringValue ?? ""))
            } else if let (position, index) = positions[offset] {
                entries.append(index == 0 ? "\(position)" : "\(position),\(index)")
            }
        }
        return (value, entries.joined(separator: ";"))
    }

    /// BDAY/ANNIVERSARY/DEATHDATE plus BIRTHPLACE/DEATHPLACE (RFC 9555 §2.5.1).
    mutating func anniversary(_ entry: JSONObject, key: String, known: inout Set<String>) -> [VCardProperty] {
        known = ["kind", "date", "place", "vCardParams", "pref", "label", "contexts"]
        let kind = entry["kind"]?.stringValue
        let name: String
        switch kind {
        case "birth"?: name = "BDAY"
        case "death"?: name = "DEATHDATE"
        case "wedding"?: name = "ANNIVERSARY"
        default: return [jsprop("anniversaries/" + JSONPointer.escape(key), .object(entry))]
        }
        guard let (value, extra) = dateValue(entry["date"]) else {
            return [jsprop("anniversaries/" + JSONPointer.escape(key), .object(entry))]
        }
        var result = build(name, value: value, entry: entry, key: key, params: extra)
        if let place = entry["place"]?.objectValue {
            let placeName = kind == "death" ? "DEATHPLACE" : "BIRTHPLACE"
            var placeEntry = JSONObject()
            placeEntry["vCardParams"] = place["vCardParams"]
            let placeKnown: Set<String> = ["full", "coordinates", "vCardParams", "@type"]
            if kind == "wedding" || !place.keys.allSatisfy(placeKnown.contains)
                || (place["full"] == nil) == (place["coordinates"] == nil)
            {
                known.remove("place")
            } else if let full = place["full"]?.stringValue {
                result += build(placeName, value: text(full), entry: placeEntry, key: key)
                let alternates = localizedPatches["anniversaries/" + JSONPointer.escape(key)] ?? [:]
                for (language, patch) in alternates.sorted(by: { $0.key < $1.key }) {
                    guard let localized = patch.values.first?.stringValue else { continue }
                    var params = place["vCardParams"]?.objectValue ?? [:]
                    params["group"] = nil
                    params["language"] = .string(language)
                    if params["altid"] == nil { params["altid"] = "1" }
                    result += build(
                        placeName, value: text(localized), entry: ["vCardParams": .object(params)], key: key)
                }
            } else if let coordinates = place["coordinates"]?.stringValue {
                result += build(
                    placeName, value: coordinates, entry: placeEntry, key: key, params: [VCardParameter("VALUE", "uri")]
                )
            }
        }
        return result
    }

    /// A PartialDate or Timestamp as vCard DATE / TIMESTAMP text of this version.
    func dateValue(_ date: JSONValue?) -> (String, [VCardParameter])? {
        guard let date = date?.objectValue else { return nil }
        if date["@type"]?.stringValue == "Timestamp" {
            guard let utc = date["utc"]?.stringValue, let stamp = UTCTimestamp(utcDateTime: utc),
                date.keys.allSatisfy({ ["@type", "utc"].contains($0) })
            else { return nil }
            return (version == .v4_0 ? stamp.vCard4 : stamp.vCard3, [])
        }
        guard date.keys.allSatisfy({ ["@type", "year", "month", "day", "calendarScale"].contains($0) }) else {
            return nil
        }
        let year = date["year"]?.intValue
        let month = date["month"]?.intValue
        let day = date["day"]?.intValue
        var params: [VCardParameter] = []
        if let scale = date["calendarScale"]?.stringValue {
            guard version == .v4_0 else { return nil }
            params.append(VCardParameter("CALSCALE", scale))
        }
        switch (year, month, day) {
        case (let y?, let m?, let d?):
            return (
                version == .v4_0 ? String(format: "%04d%02d%02d", y, m, d) : String(format: "%04d-%02d-%02d", y, m, d),
                params
            )
        case (nil, let m?, let d?):
            if version == .v4_0 { return (String(format: "--%02d%02d", m, d), params) }
            // Apple's convention for year-less dates in 3.0.
            return (String(format: "1604-%02d-%02d", m, d), [VCardParameter("X-APPLE-OMIT-YEAR", "1604")])
        case (let y?, let m?, nil):
            return (String(format: "%04d-%02d", y, m), params)
        case (let y?, nil, nil):
            return (String(format: "%04d", y), params)
        default:
            return nil
        }
    }

    mutating func speakToAsUnits(_ speakToAs: JSONObject) -> [Unit] {
        var result: [Unit] = []
        if let gender = speakToAs["grammaticalGender"] {
            var parameters: [VCardParameter] = []
            var group: String? = nil
            for (key, value) in (speakToAs["vCardParams"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                if key == "group" {
                    group = value.stringValue
                } else {
                    parameters.append(VCardParameter(key.uppercased(), Self.strings(value)))
                }
            }
            let properties =
                gender.stringValue.map {
                    [VCardProperty(group: group, name: "GRAMGENDER", parameters: parameters, value: $0.uppercased())]
                }
                ?? [jsprop("speakToAs/grammaticalGender", gender)]
            result.append(Unit(path: "speakToAs/grammaticalGender", properties: finalize(properties)))
        }
        if let pronouns = speakToAs["pronouns"]?.objectValue {
            for key in pronouns.keys.sorted(by: Self.keyOrder) {
                let path = "speakToAs/pronouns/" + JSONPointer.escape(key)
                guard var entry = pronouns[key]?.objectValue, let text = entry["pronouns"]?.stringValue else {
                    result.append(Unit(path: path, properties: [jsprop(path, pronouns[key] ?? .null)]))
                    continue
                }
                if localizedPatches[path]?.isEmpty == false {
                    var params = entry["vCardParams"]?.objectValue ?? [:]
                    if params["altid"] == nil { params["altid"] = "1" }
                    entry["vCardParams"] = .object(params)
                }
                var properties = build("PRONOUNS", value: self.text(text), entry: entry, key: key)
                let altID = entry["vCardParams"]?.objectValue?["altid"].flatMap { Self.strings($0).first } ?? "1"
                for (language, patch) in (localizedPatches[path] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    guard let localized = patch.values.first?.stringValue else { continue }
                    var alternate = entry
                    alternate["label"] = nil
                    var params = alternate["vCardParams"]?.objectValue ?? [:]
                    params["group"] = nil
                    params["language"] = .string(language)
                    params["altid"] = .string(altID)
                    alternate["vCardParams"] = .object(params)
                    properties += build("PRONOUNS", value: self.text(localized), entry: alternate, key: key)
                }
                properties += unknownMembers(
                    entry, known: ["pronouns", "contexts", "pref", "label", "vCardParams"], path: path)
                result.append(Unit(path: path, properties: finalize(properties)))
            }
        } else if let pronouns = speakToAs["pronouns"] {
            result.append(Unit(path: "speakToAs/pronouns", properties: [jsprop("speakToAs/pronouns", pronouns)]))
        }
        for key in speakToAs.keys.sorted()
        where !["grammaticalGender", "pronouns", "@type", "vCardParams"].contains(key) {
            if let value = speakToAs[key] {
                let path = "speakToAs/" + JSONPointer.escape(key)
                result.append(Unit(path: path, properties: [jsprop(path, value)]))
            }
        }
        return result
    }

    // MARK: - vCardProps

    /// A jCard property from vCardProps back as a vCard property (the reverse of `VCardReader.jCard`).
    static func property(fromJCard value: JSONValue) -> VCardProperty? {
        guard let array = value.arrayValue, array.count >= 4, let name = array[0].stringValue, !name.isEmpty,
            let params = array[1].objectValue, let type = array[2].stringValue
        else { return nil }
        var group: String? = nil
        var parameters: [VCardParameter] = []
        for (key, paramValue) in params.sorted(by: { $0.key < $1.key }) {
            if key == "group" {
                group = paramValue.stringValue
            } else {
                parameters.append(VCardParameter(key.uppercased(), strings(paramValue)))
            }
        }
        if type != "unknown" && !(type == "text" && array[3].arrayValue != nil) {
            parameters.append(VCardParameter("VALUE", type))
        }
        let text: String
        switch array[3] {
        case .string(let string):
            text = string
        case .array(let components):
            text = components.map { component -> String in
                switch component {
                case .array(let list):
                    return list.compactMap(\.stringValue).map { VCardValueCoding.escape($0) }.joined(separator: ",")
                case .string(let string): return VCardValueCoding.escape(string)
                default: return ""
                }
            }.joined(separator: ";")
        case .int(let number): text = String(number)
        case .double(let number): text = String(number)
        case .bool(let flag): text = flag ? "TRUE" : "FALSE"
        default: text = ""
        }
        // Multiple values (RFC 7095 §3.3.1.2) are comma-joined.
        let rest = array.dropFirst(4).compactMap(\.stringValue)
        let value = ([text] + rest).joined(separator: ",")
        return VCardProperty(group: group, name: name.uppercased(), parameters: parameters, value: value)
    }

    // MARK: - Version details

    /// vCard 2.1 has no `\n` escape and is 7-bit: such values go QUOTED-PRINTABLE.
    func finalize(_ properties: [VCardProperty]) -> [VCardProperty] {
        guard version == .v2_1 else { return properties }
        return properties.map { property in
            guard !property.isInlineBinary, property.upperName != "JSPROP",
                property.value.contains("\\n") || property.value.contains(where: { !$0.isASCII })
            else { return property }
            var copy = property
            let raw = property.value.replacingOccurrences(of: "\\n", with: "\r\n").replacingOccurrences(
                of: "\\N", with: "\r\n")
            copy.parameters.append(VCardParameter("ENCODING", "QUOTED-PRINTABLE"))
            copy.parameters.append(VCardParameter("CHARSET", "UTF-8"))
            copy.value = VCardValueCoding.encodeQuotedPrintable(raw)
            return copy
        }
    }
}

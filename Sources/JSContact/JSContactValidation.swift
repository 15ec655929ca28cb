import Foundation
import JSON

/// Type checks for a client-supplied Card, so the gateway can reject a JMAP /set with
/// `invalidProperties` naming the offending paths (RFC 8620 §5.3).
///
/// It checks what RFC 9553 defines: JSON types, mandatory members, `@type` values, closed
/// enumerations (accepting vendor-specific values, which contain a `:`, RFC 9553 §1.7.5 and
/// §1.8), Id keys, UnsignedInt ranges and date formats. Unknown properties pass: RFC 9553 lets
/// them through and the converter keeps them as JSPROP.
public enum JSContactValidation {
    /// The paths (JSON pointers without the leading `/`, e.g. `emails/k1/address`) of invalid
    /// properties, sorted; empty if the Card is valid.
    public static func validate(_ card: JSONObject) -> [String] {
        var validator = Validator()
        validator.check(object: card, type: Schema.card, path: [])
        return Array(Set(validator.invalid)).sorted()
    }

    indirect enum Kind: Sendable {
        case string
        case bool
        case trueOnly
        case unsignedInt
        case positiveInt
        case number
        case utcDateTime
        case id
        case enumeration(Set<String>)
        case object(ObjectType)
        case idMap(ObjectType)
        case array(Kind)
        case map(Kind)
        /// String[Boolean] whose keys come from a closed set.
        case flags(Set<String>)
        case patchObjects
        case jCardProps
        case vCardParams
        /// Anniversary.date: PartialDate or Timestamp.
        case date
        case any
    }

    struct ObjectType: Sendable {
        var name: String
        var properties: [String: Kind]
        var mandatory: Set<String> = []
    }

    enum Schema {
        static let contexts: Set<String> = ["private", "work"]
        static let common: [String: Kind] = [
            "vCardParams": .vCardParams, "vCardName": .string, "label": .string, "pref": .positiveInt,
        ]
        static func resource(_ name: String, kinds: Set<String>?, mandatoryKind: Bool = false) -> ObjectType {
            var properties = common
            properties["uri"] = .string
            properties["mediaType"] = .string
            properties["contexts"] = .flags(contexts)
            if let kinds { properties["kind"] = .enumeration(kinds) }
            return ObjectType(
                name: name, properties: properties, mandatory: mandatoryKind ? ["uri", "kind"] : ["uri"])
        }

        static let nameComponent = ObjectType(
            name: "NameComponent",
            properties: [
                "value": .string, "phonetic": .string,
                "kind": .enumeration([
                    "title", "given", "given2", "surname", "surname2", "credential", "generation", "separator",
                ]),
            ], mandatory: ["value", "kind"])
        static let name = ObjectType(
            name: "Name",
            properties: common.merging([
                "components": .array(.object(nameComponent)), "isOrdered": .bool, "defaultSeparator": .string,
                "full": .string, "sortAs": .map(.string), "phoneticScript": .string, "phoneticSystem": .string,
            ]) { a, _ in a })
        static let addressComponent = ObjectType(
            name: "AddressComponent",
            properties: [
                "value": .string, "phonetic": .string,
                "kind": .enumeration([
                    "room", "apartment", "floor", "building", "number", "name", "block", "subdistrict", "district",
                    "locality", "region", "postcode", "country", "direction", "landmark", "postOfficeBox", "separator",
                ]),
            ], mandatory: ["value", "kind"])
        static let address = ObjectType(
            name: "Address",
            properties: common.merging([
                "components": .array(.object(addressComponent)), "isOrdered": .bool, "countryCode": .string,
                "coordinates": .string, "timeZone": .string,
                "contexts": .flags(["private", "work", "billing", "delivery"]),
                "full": .string, "defaultSeparator": .string, "phoneticScript": .string, "phoneticSystem": .string,
            ]) { a, _ in a })
        static let orgUnit = ObjectType(
            name: "OrgUnit", properties: ["name": .string, "sortAs": .string], mandatory: ["name"])
        static let author = ObjectType(name: "Author", properties: ["name": .string, "uri": .string])
        static let relation = ObjectType(
            name: "Relation",
            properties: [
                "relation": .flags([
                    "acquaintance", "agent", "child", "co-resident", "co-worker", "colleague", "contact", "crush",
                    "date", "emergency", "friend", "kin", "me", "met", "muse", "neighbor", "parent", "sibling",
                    "spouse", "sweetheart",
                ]), "vCardParams": .vCardParams,
            ])
        static let pronouns = ObjectType(
            name: "Pronouns",
            properties: common.merging(["pronouns": .string, "contexts": .flags(contexts)]) { a, _ in a },
            mandatory: ["pronouns"])
        static let speakToAs = ObjectType(
            name: "SpeakToAs",
            properties: [
                "grammaticalGender": .enumeration(["animate", "common", "feminine", "inanimate", "masculine", "neuter"]
                ),
                "pronouns": .idMap(pronouns), "vCardParams": .vCardParams,
            ])

        static func entry(_ name: String, _ properties: [String: Kind], mandatory: Set<String>, contexts: Bool = true)
            -> ObjectType
        {
            var all = common.merging(properties) { _, new in new }
            if contexts { all["contexts"] = .flags(Schema.contexts) }
            return ObjectType(name: name, properties: all, mandatory: mandatory)
        }

        static let card = ObjectType(
            name: "Card",
            properties: [
                "version": .string, "created": .utcDateTime, "updated": .utcDateTime, "uid": .string, "prodId": .string,
                "kind": .enumeration(["individual", "group", "org", "location", "device", "application"]),
                "language": .string, "members": .map(.trueOnly), "relatedTo": .map(.object(relation)),
                "name": .object(name),
                "nicknames": .idMap(entry("Nickname", ["name": .string], mandatory: ["name"])),
                "organizations": .idMap(
                    entry(
                        "Organization", ["name": .string, "units": .array(.object(orgUnit)), "sortAs": .string],
                        mandatory: [])),
                "speakToAs": .object(speakToAs),
                "titles": .idMap(
                    entry(
                        "Title", ["name": .string, "kind": .enumeration(["title", "role"]), "organizationId": .id],
                        mandatory: ["name"], contexts: false)),
                "emails": .idMap(entry("EmailAddress", ["address": .string], mandatory: ["address"])),
                "onlineServices": .idMap(
                    entry("OnlineService", ["service": .string, "uri": .string, "user": .string], mandatory: [])),
                "phones": .idMap(
                    entry(
                        "Phone",
                        [
                            "number": .string,
                            "features": .flags([
                                "mobile", "voice", "text", "video", "main-number", "textphone", "fax", "pager",
                            ]),
                        ], mandatory: ["number"])),
                "preferredLanguages": .idMap(entry("LanguagePref", ["language": .string], mandatory: ["language"])),
                "calendars": .idMap(resource("Calendar", kinds: ["calendar", "freeBusy"], mandatoryKind: true)),
                "schedulingAddresses": .idMap(entry("SchedulingAddress", ["uri": .string], mandatory: ["uri"])),
                "addresses": .idMap(address),
                "cryptoKeys": .idMap(resource("CryptoKey", kinds: nil)),
                "directories": .idMap(
                    {
                        var type = resource("Directory", kinds: ["directory", "entry"], mandatoryKind: true)
                        type.properties["listAs"] = .positiveInt
                        return type
                    }()),
                "links": .idMap(resource("Link", kinds: ["contact"])),
                "media": .idMap(resource("Media", kinds: ["photo", "sound", "logo"], mandatoryKind: true)),
                "localizations": .patchObjects,
                "anniversaries": .idMap(
                    entry(
                        "Anniversary",
                        [
                            "kind": .enumeration(["birth", "death", "wedding"]), "date": .date,
                            "place": .object(address),
                        ],
                        mandatory: ["kind", "date"], contexts: false)),
                "keywords": .map(.trueOnly),
                "notes": .idMap(
                    entry(
                        "Note", ["note": .string, "created": .utcDateTime, "author": .object(author)],
                        mandatory: ["note"],
                        contexts: false)),
                "personalInfo": .idMap(
                    entry(
                        "PersonalInfo",
                        [
                            "kind": .enumeration(["expertise", "hobby", "interest"]), "value": .string,
                            "level": .enumeration(["high", "medium", "low"]), "listAs": .positiveInt,
                        ], mandatory: ["kind", "value"], contexts: false)),
                "vCardProps": .jCardProps, "vCardParams": .vCardParams,
            ], mandatory: [])
    }

    struct Validator {
        var invalid: [String] = []

        mutating func fail(_ path: [String]) {
            invalid.append(JSONPointer.join(path))
        }

        static func isVendor(_ value: String) -> Bool { value.contains(":") }

        mutating func check(object: JSONObject, type: ObjectType, path: [String]) {
            if let typeName = object["@type"], typeName.stringValue != type.name {
                fail(path + ["@type"])
            }
            for key in type.mandatory where object[key] == nil { fail(path + [key]) }
            for (key, value) in object where key != "@type" {
                guard let kind = type.properties[key] else { continue }
                check(value, kind: kind, path: path + [key])
            }
            if type.name == "Name", object["full"] == nil, object["components"] == nil, !object.isEmpty {
                fail(path + ["components"])
            }
            if type.name == "Name" || type.name == "Address", object["isOrdered"]?.boolValue != true {
                // Separators and a default separator only make sense in order (RFC 9553 §2.2.1.1).
                if object["defaultSeparator"] != nil { fail(path + ["defaultSeparator"]) }
                for (index, component) in (object["components"]?.arrayValue ?? []).enumerated()
                where component.objectValue?["kind"]?.stringValue == "separator" {
                    fail(path + ["components", String(index), "kind"])
                }
            }
        }

        mutating func check(_ value: JSONValue, kind: Kind, path: [String]) {
            switch kind {
            case .any:
                return
            case .string:
                if value.stringValue == nil { fail(path) }
            case .bool:
                if value.boolValue == nil { fail(path) }
            case .trueOnly:
                if value.boolValue != true { fail(path) }
            case .unsignedInt:
                guard let number = value.intValue, number >= 0 else { return fail(path) }
            case .positiveInt:
                guard let number = value.intValue, number >= 1 else { return fail(path) }
                if path.last == "pref", number > 100 { fail(path) }
            case .number:
                if value.doubleValue == nil { fail(path) }
            case .utcDateTime:
                guard let text = value.stringValue, UTCTimestamp(utcDateTime: text) != nil else { return fail(path) }
            case .id:
                guard let text = value.stringValue, VCardMapping.isValidId(text) else { return fail(path) }
            case .enumeration(let values):
                guard let text = value.stringValue, values.contains(text) || Self.isVendor(text) else {
                    return fail(path)
                }
            case .object(let type):
                guard let object = value.objectValue else { return fail(path) }
                check(object: object, type: type, path: path)
            case .idMap(let type):
                guard let object = value.objectValue else { return fail(path) }
                for (key, entry) in object {
                    if !VCardMapping.isValidId(key) { fail(path + [key]) }
                    check(entry, kind: .object(type), path: path + [key])
                }
            case .array(let element):
                guard let array = value.arrayValue else { return fail(path) }
                for (index, item) in array.enumerated() { check(item, kind: element, path: path + [String(index)]) }
            case .map(let element):
                guard let object = value.objectValue else { return fail(path) }
                for (key, item) in object { check(item, kind: element, path: path + [key]) }
            case .flags(let allowed):
                guard let object = value.objectValue else { return fail(path) }
                for (key, flag) in object {
                    if flag.boolValue != true || !(allowed.contains(key) || Self.isVendor(key)) { fail(path + [key]) }
                }
            case .patchObjects:
                guard let object = value.objectValue else { return fail(path) }
                for (language, patch) in object {
                    guard let patch = patch.objectValue else {
                        fail(path + [language])
                        continue
                    }
                    // A patch MUST NOT target the localizations property (RFC 9553 §2.7.1).
                    for key in patch.keys where JSONPointer.tokens(key).first == "localizations" || key.isEmpty {
                        fail(path + [language, key])
                    }
                }
            case .jCardProps:
                guard let array = value.arrayValue else { return fail(path) }
                for (index, item) in array.enumerated() {
                    guard let prop = item.arrayValue, prop.count >= 4, prop[0].stringValue?.isEmpty == false,
                        prop[1].objectValue != nil, prop[2].stringValue != nil
                    else {
                        fail(path + [String(index)])
                        continue
                    }
                }
            case .vCardParams:
                guard let object = value.objectValue else { return fail(path) }
                for (key, param) in object {
                    let ok =
                        param.stringValue != nil
                        || (param.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false)
                    if !ok { fail(path + [key]) }
                }
            case .date:
                guard let object = value.objectValue else { return fail(path) }
                switch object["@type"]?.stringValue {
                case "Timestamp"?:
                    guard let utc = object["utc"]?.stringValue, UTCTimestamp(utcDateTime: utc) != nil else {
                        return fail(path + ["utc"])
                    }
                case nil, "PartialDate"?:
                    checkPartialDate(object, path: path)
                default:
                    fail(path + ["@type"])
                }
            }
        }

        /// RFC 9553 §2.8.1: year, month (1–12), day (1–31, valid for the month); day needs month,
        /// and month and day alone are fine (a year-less birthday).
        mutating func checkPartialDate(_ date: JSONObject, path: [String]) {
            var ok = true
            for key in ["year", "month", "day"] {
                guard let value = date[key] else { continue }
                guard let number = value.intValue, number >= 0 else {
                    fail(path + [key])
                    ok = false
                    continue
                }
                if key == "month" && !(1...12).contains(number) || key == "day" && !(1...31).contains(number) {
                    fail(path + [key])
                    ok = false
                }
            }
            if let scale = date["calendarScale"], scale.stringValue == nil { fail(path + ["calendarScale"]) }
            guard ok else { return }
            let year = date["year"]?.intValue
            let month = date["month"]?.intValue
            let day = date["day"]?.intValue
            if year == nil && month == nil && day == nil { fail(path) }
            if day != nil && month == nil { fail(path + ["day"]) }
            if let month, let day, day > VCardDateValue.daysInMonth(year: year ?? 2000, month: month) {
                fail(path + ["day"])
            }
        }
    }
}

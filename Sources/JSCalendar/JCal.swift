import ContentLine
import Foundation
import JSON

/// jCal (RFC 7265) forms of properties and components, used by the draft's "iCalendar" property
/// (draft-ietf-calext-jscalendar-icalendar-25 §5.1.1) to keep what has no JSCalendar mapping.
/// A value is given its typed jCal form only when that form converts back to the same text;
/// otherwise it is kept as raw text with type "unknown" (RFC 7265 §5), so nothing is altered.
enum JCal {
    static func property(_ property: ICalProperty) -> JSONValue {
        let type = property.valueType
        let typed = typedValues(property.value, type: type, name: property.upperName)
        var parameters = JSONObject()
        // VALUE is carried by the jCal type, except for raw "unknown" values (RFC 7265 §5).
        for parameter in property.parameters where typed == nil || parameter.name.uppercased() != "VALUE" {
            parameters[parameter.name.lowercased()] = parameterValue(parameter.values)
        }
        var result: [JSONValue] = [.string(property.name.lowercased()), .object(parameters)]
        if let values = typed {
            result.append(.string(type.lowercased()))
            result += values
        } else {
            result.append("unknown")
            result.append(.string(property.value))
        }
        return .array(result)
    }

    static func parameterValue(_ values: [String]) -> JSONValue {
        values.count == 1 ? .string(values[0]) : .array(values.map { .string($0) })
    }

    static func typedValues(_ raw: String, type: String, name: String) -> [JSONValue]? {
        var values: [JSONValue]
        switch type {
        case "TEXT":
            if name == "CATEGORIES" || name == "RESOURCES" {
                values = TextValue.split(raw, at: ",").map { .string(ICalValueCoding.unescape($0)) }
            } else {
                values = [.string(ICalValueCoding.unescape(raw))]
            }
        case "INTEGER":
            guard let number = Int(raw) else { return nil }
            values = [.int(number)]
        case "DATE-TIME", "DATE":
            var list: [JSONValue] = []
            for item in raw.split(separator: ",", omittingEmptySubsequences: false) {
                guard let value = ICalDateTime.parse(String(item)), value.isDate == (type == "DATE") else { return nil }
                list.append(.string(jsonDateTime(value)))
            }
            values = list
        case "BOOLEAN":
            guard raw.uppercased() == "TRUE" || raw.uppercased() == "FALSE" else { return nil }
            values = [.bool(raw.uppercased() == "TRUE")]
        case "URI", "CAL-ADDRESS", "DURATION":
            values = [.string(raw)]
        default:
            return nil
        }
        guard rawValue(values, type: type, name: name) == raw else { return nil }
        return values
    }

    static func jsonDateTime(_ value: ICalDateTime) -> String {
        if value.isDate { return String(value.local.jsonString.prefix(10)) }
        return value.local.jsonString + (value.zone == .utc ? "Z" : "")
    }

    static func rawValue(_ values: [JSONValue], type: String, name: String) -> String? {
        switch type {
        case "TEXT":
            let texts = values.compactMap(\.stringValue).map { TextValue.escape($0) }
            return texts.count == values.count ? texts.joined(separator: ",") : nil
        case "INTEGER":
            return values.first?.intValue.map(String.init)
        case "BOOLEAN":
            return values.first?.boolValue.map { $0 ? "TRUE" : "FALSE" }
        case "DATE-TIME", "DATE":
            var parts: [String] = []
            for value in values {
                guard let text = value.stringValue else { return nil }
                if type == "DATE" {
                    parts.append(text.replacingOccurrences(of: "-", with: ""))
                } else {
                    guard let parsed = LocalDateTime.parseJSON(text) else { return nil }
                    parts.append(parsed.value.icalDateTime + (parsed.utc ? "Z" : ""))
                }
            }
            return parts.joined(separator: ",")
        default:
            let texts = values.compactMap(\.stringValue)
            return texts.count == values.count ? texts.joined(separator: ",") : nil
        }
    }

    /// The property for a jCal array; nil when malformed.
    static func icalProperty(_ value: JSONValue) -> ICalProperty? {
        guard let array = value.arrayValue, array.count >= 4, let name = array[0].stringValue,
            let parameters = array[1].objectValue, let type = array[2].stringValue
        else { return nil }
        var result: [ICalParameter] = []
        for (key, value) in parameters.sorted(by: { $0.key < $1.key }) {
            result.append(ICalParameter(key.uppercased(), parameterStrings(value)))
        }
        let upperName = name.uppercased()
        let upperType = type.uppercased()
        let raw: String
        if upperType == "UNKNOWN" {
            raw = array[3].stringValue ?? ""
        } else {
            raw = rawValue(Array(array[3...]), type: upperType, name: upperName) ?? ""
            if ICalValueCoding.defaultValueType(upperName) != upperType {
                result.insert(ICalParameter("VALUE", upperType), at: 0)
            }
        }
        return ICalProperty(name: upperName, parameters: result, value: raw)
    }

    static func parameterStrings(_ value: JSONValue) -> [String] {
        if let text = value.stringValue { return [text] }
        return value.arrayValue?.compactMap(\.stringValue) ?? []
    }

    static func component(_ component: ICalComponent) -> JSONValue {
        .array([
            .string(component.name.lowercased()), .array(component.properties.map(property)),
            .array(component.components.map(self.component)),
        ])
    }

    static func icalComponent(_ value: JSONValue) -> ICalComponent? {
        guard let array = value.arrayValue, array.count == 3, let name = array[0].stringValue else { return nil }
        return ICalComponent(
            name: name.uppercased(), properties: (array[1].arrayValue ?? []).compactMap(icalProperty),
            components: (array[2].arrayValue ?? []).compactMap(icalComponent))
    }
}

/// Stable map keys for converted elements (draft §2.1.3 leaves the scheme open): a hash of the
/// element's text, so that the same input always yields the same keys and an unchanged element
/// keeps its key when others are added or removed.
struct KeyMaker {
    var used: Set<String> = []

    mutating func key(for text: String, preferred: String? = nil) -> String {
        if let preferred, !preferred.isEmpty, !used.contains(preferred) {
            used.insert(preferred)
            return preferred
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        var key = String(hash, radix: 36)
        var suffix = 1
        while used.contains(key) {
            suffix += 1
            key = String(hash, radix: 36) + "-\(suffix)"
        }
        used.insert(key)
        return key
    }
}

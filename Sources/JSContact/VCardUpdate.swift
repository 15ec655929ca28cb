import Foundation
import JSON

extension JSContactConverter {
    /// The vCard to store after a client changed a Card: `stored` with only the changed parts
    /// rewritten.
    ///
    /// `stored` is converted again, remembering which vCard properties became which Card
    /// property or map entry (a "unit": `uid`, `name`, `emails/k2`, one vCardProps element, …).
    /// Every unit whose value (including its localizations) is the same in `newCard` keeps its
    /// original lines byte for byte, in place; changed units are regenerated where their first
    /// line was; removed units disappear; new units are appended. When nothing changed the result
    /// is equal (`==`) to `stored` and serializes to the same bytes.
    ///
    /// A changed entry that lost its `vCardParams` (a client replacing the whole object without
    /// echoing them) keeps the stored group and unknown parameters.
    public static func updatedVCard(stored: VCard, newCard: JSONObject) -> VCard {
        var reader = VCardReader(stored)
        let old = reader.read()
        let newCard = carryOverVCardParams(from: old.card, to: newCard)
        let storedGroups = Set(stored.properties.compactMap { $0.group?.lowercased() })
        var writer = CardWriter(card: newCard, version: stored.version, usedGroups: storedGroups)
        let generated = writer.units()
        var newUnits: [String: [VCardProperty]] = [:]
        var newOrder: [String] = []
        for unit in generated {
            if newUnits[unit.path] == nil { newOrder.append(unit.path) }
            newUnits[unit.path, default: []] += unit.properties
        }

        // vCardProps elements are matched by value: indexes shift when one is removed.
        let oldProps = old.card["vCardProps"]?.arrayValue ?? []
        let newProps = newCard["vCardProps"]?.arrayValue ?? []
        var unmatchedNew = Array(newProps.indices)
        var keptOldProps: Set<String> = []
        for (index, element) in oldProps.enumerated() {
            if let match = unmatchedNew.firstIndex(where: { newProps[$0] == element }) {
                unmatchedNew.remove(at: match)
                keptOldProps.insert("vCardProps/\(index)")
            }
        }
        let addedProps = Set(unmatchedNew.map { "vCardProps/\($0)" })

        var changed: Set<String> = []
        var oldUnits: Set<String> = []
        for units in old.units {
            for unit in units {
                oldUnits.insert(unit)
                if unit.hasPrefix("vCardProps/") {
                    if !keptOldProps.contains(unit) { changed.insert(unit) }
                } else if unitValue(old.card, unit) != unitValue(newCard, unit) {
                    changed.insert(unit)
                }
            }
        }
        // A line that belongs to a changed unit goes; every unit it also carried is then rewritten.
        var regenerate = changed
        var dropped = Set<Int>()
        var grew = true
        while grew {
            grew = false
            for (index, units) in old.units.enumerated() where !dropped.contains(index) {
                if units.contains(where: regenerate.contains) {
                    dropped.insert(index)
                    for unit in units where !regenerate.contains(unit) {
                        regenerate.insert(unit)
                        grew = true
                    }
                }
            }
        }

        var result: [VCardProperty] = []
        var emitted: Set<String> = []
        for (index, property) in stored.properties.enumerated() {
            guard dropped.contains(index) else {
                result.append(property)
                continue
            }
            for unit in old.units[index] where !emitted.contains(unit) {
                emitted.insert(unit)
                if unit.hasPrefix("vCardProps/") { continue }
                result += newUnits[unit] ?? []
            }
        }
        for path in newOrder where !emitted.contains(path) && !oldUnits.contains(path) {
            if path.hasPrefix("vCardProps/") {
                if !addedProps.contains(path) { continue }
            } else if unitValue(old.card, path) == unitValue(newCard, path) {
                // Unchanged and never written (e.g. a generated uid): nothing to add.
                continue
            }
            emitted.insert(path)
            result += newUnits[path] ?? []
        }
        // A generated uid (RFC 9555 §2.1.1) depends on the content: once the content changes,
        // write it down so the Card keeps its uid.
        if result != stored.properties, !stored.properties.contains(where: { $0.upperName == "UID" }),
            !result.contains(where: { $0.upperName == "UID" }), let uid = newCard["uid"]?.stringValue
        {
            result.append(VCardProperty(name: "UID", value: VCardValueCoding.escape(uid)))
        }
        return VCard(properties: result)
    }

    /// The value a unit stands for: the Card value at its path plus the localizations of it.
    static func unitValue(_ card: JSONObject, _ unit: String) -> JSONValue {
        let tokens = JSONPointer.tokens(unit)
        var result: JSONObject = ["value": JSONPointer.value(in: card, at: tokens) ?? .null]
        if tokens.first != "localizations", let localizations = card["localizations"]?.objectValue {
            var patches = JSONObject()
            for (language, patch) in localizations {
                for (path, value) in patch.objectValue ?? [:] {
                    let pathTokens = JSONPointer.tokens(path)
                    if pathTokens.count >= tokens.count, Array(pathTokens.prefix(tokens.count)) == tokens {
                        patches[language + "\u{0}" + path] = value
                    }
                }
            }
            if !patches.isEmpty { result["localizations"] = .object(patches) }
        }
        if tokens.first == "members" {
            // MEMBER is written according to the kind (Apple groups in 3.0).
            result["kind"] = card["kind"] ?? .null
        }
        return .object(result)
    }

    /// Copies the stored `vCardParams` into entries of the new Card that exist in both and lack them.
    static func carryOverVCardParams(from old: JSONObject, to new: JSONObject) -> JSONObject {
        var result = new
        for map in VCardMapping.entryMaps {
            guard let oldEntries = old[map]?.objectValue, var newEntries = result[map]?.objectValue else { continue }
            var touched = false
            for (key, value) in newEntries {
                guard var entry = value.objectValue, entry["vCardParams"] == nil,
                    let params = oldEntries[key]?.objectValue?["vCardParams"]
                else { continue }
                entry["vCardParams"] = params
                newEntries[key] = .object(entry)
                touched = true
            }
            if touched { result[map] = .object(newEntries) }
        }
        if var name = result["name"]?.objectValue, name["vCardParams"] == nil,
            let params = old["name"]?.objectValue?["vCardParams"]
        {
            name["vCardParams"] = params
            result["name"] = .object(name)
        }
        return result
    }
}

import Foundation
import JSON

/// Converts between vCard and JSContact Cards (RFC 9555). A Card is a `JSONObject`, exactly as
/// the gateway stores, patches and serves it.
///
/// Nothing is lost either way: vCard properties and parameters without a JSContact counterpart
/// are kept in `vCardProps` and `vCardParams` (RFC 9555 §2.15), and JSContact properties without
/// a vCard counterpart become `JSPROP` properties (RFC 9555 §3.2.1).
public enum JSContactConverter {
    /// The JSContact Card for a vCard (RFC 9555 §2).
    public static func card(from vCard: VCard) -> JSONObject {
        var reader = VCardReader(vCard)
        return reader.read().card
    }

    /// A vCard of `version` for a Card (RFC 9555 §3). Without a version, the version the Card was
    /// converted from (its `VERSION` in `vCardProps`) is used, else 4.0.
    public static func vCard(from card: JSONObject, version: VCardVersion? = nil) -> VCard {
        let version = version ?? CardWriter.sourceVersion(of: card) ?? .v4_0
        var writer = CardWriter(card: card, version: version, usedGroups: [])
        let units = writer.units()
        var properties = [VCardProperty(name: "VERSION", value: version.rawValue)]
        properties += units.flatMap(\.properties)
        return VCard(properties: properties)
    }
}

/// The result of reading a vCard: the Card, and for every vCard property the Card paths
/// ("units": a top-level property such as `uid`, or a map entry such as `emails/k2`) it became.
/// The update path uses this provenance to keep unchanged lines verbatim.
struct CardReading {
    var card: JSONObject
    /// Per vCard property index: the units it contributes to. Empty for BEGIN/END-like lines
    /// that belong to no unit; `vCardProps/<n>` for properties kept in vCardProps.
    var units: [[String]]
}

/// Table-driven knowledge shared by both directions.
enum VCardMapping {
    /// TYPE values that become Phone features (RFC 9555 Table 3).
    static let phoneFeatures: [String: String] = [
        "cell": "mobile", "fax": "fax", "main-number": "main-number", "pager": "pager", "text": "text",
        "textphone": "textphone", "video": "video", "voice": "voice",
    ]
    static let phoneFeaturesReverse: [String: String] = Dictionary(
        uniqueKeysWithValues: phoneFeatures.map { ($0.value, $0.key) })

    /// N components in order (RFC 9555 Table 1, RFC 9554 §2.2).
    static let nameKinds = ["surname", "given", "given2", "title", "credential", "surname2", "generation"]

    /// ADR components in order (RFC 9555 Table 2, RFC 9554 §2.1).
    static let addressKinds = [
        "postOfficeBox", "apartment", "name", "locality", "region", "postcode", "country", "room", "apartment",
        "floor", "number", "name", "building", "block", "subdistrict", "district", "landmark", "direction",
    ]

    /// Instant-messaging properties of pre-RFC 6350 clients, read as OnlineService.
    static let legacyMessaging: [String: String] = [
        "X-AIM": "AIM", "X-ICQ": "ICQ", "X-JABBER": "Jabber", "X-SKYPE": "Skype", "X-SKYPE-USERNAME": "Skype",
        "X-MSN": "MSN", "X-YAHOO": "Yahoo", "X-QQ": "QQ", "X-GTALK": "Google Talk", "X-GOOGLE-TALK": "Google Talk",
        "X-GADUGADU": "Gadu-Gadu", "X-TWITTER": "Twitter",
    ]

    /// Map-valued Card properties whose entries are units of their own.
    static let entryMaps: Set<String> = [
        "addresses", "anniversaries", "calendars", "cryptoKeys", "directories", "emails", "links", "media",
        "nicknames", "notes", "onlineServices", "organizations", "personalInfo", "phones", "preferredLanguages",
        "relatedTo", "schedulingAddresses", "titles", "members",
    ]

    /// The media type for a vCard 2.1/3.0 format TYPE (`JPEG`, `X509`).
    static func mediaType(forFormat format: String, property: String) -> String {
        let lower = format.lowercased()
        if lower.contains("/") { return lower }
        switch property {
        case "PHOTO", "LOGO": return "image/" + lower
        case "SOUND": return "audio/" + lower
        default:
            switch lower {
            case "x509": return "application/pkix-cert"
            case "pgp": return "application/pgp-keys"
            default: return "application/" + lower
            }
        }
    }

    /// The vCard 3.0 format TYPE for a media type (the reverse of `mediaType(forFormat:)`).
    static func format(forMediaType mediaType: String) -> String {
        let lower = mediaType.lowercased()
        switch lower {
        case "application/pkix-cert": return "X509"
        case "application/pgp-keys": return "PGP"
        default:
            let subtype = lower.split(separator: "/").last.map(String.init) ?? lower
            return subtype.uppercased()
        }
    }

    /// Whether a value starts with a URI scheme (RFC 3986 §3.1), as `tel:` or `urn:` do.
    static func hasURIScheme(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return false }
        let scheme = text[..<colon]
        return scheme.first?.isLetter == true
            && scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
    }

    /// RFC 9553 §1.4.1 Id: 1–255 octets of URL-safe base64 characters.
    static func isValidId(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 255
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}

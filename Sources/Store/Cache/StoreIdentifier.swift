import Crypto
import Foundation

/// Derives the JMAP ids of cached rows from their hrefs.
///
/// An id must survive resyncs and restarts, and even a wiped cache, so it is computed from what
/// the DAV server names a resource by rather than drawn at random: a kind letter and the
/// base64url of the first 12 bytes of SHA-256(accountId + "\n" + href). That stays inside the
/// RFC 8620 §1.2 Id alphabet (`[A-Za-z0-9_-]`), is 17 characters long, and differs between
/// accounts even for a shared href. Derivation only happens on first sight of an href: a row
/// keeps its id afterwards, even if its href changes.
enum StoreIdentifier {
    /// The letter that starts the ids of one kind of row, so ids of different kinds never collide.
    enum Prefix: String {
        case addressBook = "b"
        case calendar = "k"
        case contactCard = "c"
        case calendarEvent = "e"

        init(collection kind: StoredCollection.Kind) {
            self = kind == .addressBook ? .addressBook : .calendar
        }

        init(member kind: StoredCollection.Kind) {
            self = kind == .addressBook ? .contactCard : .calendarEvent
        }
    }

    /// The id for an href. `attempt` is 0 unless the natural id is already taken by another row
    /// (a row moved away from this href keeps its id); each further attempt salts the hash.
    static func derive(_ prefix: Prefix, accountId: String, href: String, attempt: Int = 0) -> String {
        var input = accountId + "\n" + href
        if attempt > 0 {
            input += "\n" + String(attempt)
        }
        let digest = SHA256.hash(data: Data(input.utf8))
        return prefix.rawValue + base64URL(Data(digest.prefix(12)))
    }

    /// Whether `id` has the RFC 8620 §1.2 Id syntax.
    static func isValid(_ id: String) -> Bool {
        (1...255).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                    true
                default:
                    false
                }
            }
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

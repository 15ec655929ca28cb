import DAV
import Foundation
import JMAPCore
import JSContact
import Store

/// ContactCard/set (RFC 9610 §3.5) against the CardDAV server, through `ResourceWriter`'s conditional
/// writes. A card the client did not change is never rewritten.
struct ContactCardWriter: MemberWriter {
    let resources: ResourceWriter
    /// Turns the client's `blobId`s into the `data:` URIs the vCard holds.
    let media: CardMedia

    /// Properties JMAP sets or a client may not change: `uid` names the DAV resource (RFC 6352 §5.1).
    static let immutable: Set<String> = ["id", "uid"]
    static let contentType = "text/vcard; charset=utf-8"

    // MARK: create

    func create(_ object: JSONObject, defaultCollection defaultBook: String?) async throws(SetError)
        -> CreatedRecord
    {
        var card = object
        var serverSet: JSONObject = [:]
        if card["id"] != nil { throw .invalidProperties(["id"], "`id` is set by the server.") }
        let bookId: String
        if let value = card.removeValue(forKey: "addressBookIds") {
            bookId = try ResourceWriter.singleCollection(value, property: "addressBookIds")
        } else if let defaultBook {
            bookId = defaultBook
            serverSet["addressBookIds"] = .object([defaultBook: .bool(true)])
        } else {
            throw .invalidProperties(["addressBookIds"], "There is no address book to put the card in.")
        }
        let book = try resources.collection(bookId, property: "addressBookIds")
        if card["@type"] == nil { card["@type"] = "Card" }
        if card["version"] == nil { card["version"] = "1.0" }
        if card["uid"] == nil {
            let uid = "urn:uuid:\(UUID().uuidString.lowercased())"
            card["uid"] = .string(uid)
            serverSet["uid"] = .string(uid)
        }
        card = try media.internalized(card)
        let invalid = JSContactValidation.validate(card)
        guard invalid.isEmpty else { throw .invalidProperties(invalid) }
        guard case .string(let uid)? = card["uid"] else { throw .invalidProperties(["uid"]) }

        // vCard 4.0, except for a card with an inline picture: 3.0's ENCODING=b is the form every CardDAV
        // server keeps (Radicale cuts a 4.0 `data:` URI at its comma).
        let version: VCardVersion = CardMedia.hasInlineData(card) ? .v3_0 : .v4_0
        let body = Data(VCardWriter.serialize(JSContactConverter.vCard(from: card, version: version)).utf8)
        let id = try await resources.create(body, uid: uid, in: book)
        return CreatedRecord(id: id, properties: serverSet)
    }

    // MARK: update

    /// Applies `patch` to the card as the server now holds it. A new `addressBookIds` moves the card.
    func update(_ id: String, patch: PatchObject) async throws(SetError) -> JSONObject {
        for _ in 0..<ResourceWriter.maxAttempts {
            let (object, book) = try await resources.current(id)
            // From the body, not the cached JSON: the patch applies to exactly what is on the server.
            let storedCard = ContactCards.convert(object.body)
            let card = ContactCards.withJMAPProperties(media.externalized(storedCard), of: object)
            var updated = try patch.apply(to: card, immutable: Self.immutable)
            var target = book
            if let value = updated.removeValue(forKey: "addressBookIds"), value != card["addressBookIds"] {
                target = try resources.collection(
                    try ResourceWriter.singleCollection(value, property: "addressBookIds"), property: "addressBookIds")
            }
            updated["id"] = nil
            updated = try media.internalized(updated, original: storedCard)
            let invalid = JSContactValidation.validate(updated)
            guard invalid.isEmpty else { throw .invalidProperties(invalid) }
            guard let stored = VCardParser.parse(String(decoding: object.body, as: UTF8.self)).cards.first else {
                throw .forbidden("The stored resource holds no vCard.")
            }
            let rewritten = JSContactConverter.updatedVCard(stored: stored, newCard: updated)
            // Nothing the vCard can express changed: the server's copy stays as it is, byte for byte.
            let body = rewritten == stored ? object.body : Data(VCardWriter.serialize(rewritten).utf8)
            if target.id != book.id {
                if try await resources.move(object, from: book, to: target, body: body) { return [:] }
                continue
            }
            if rewritten == stored { return [:] }
            // Changed on the server since we read it: take that version and apply the patch to it.
            if try await resources.replace(object, in: book, with: body) { return [:] }
        }
        throw SetError("stateMismatch", description: "The card kept changing on the server; try again.")
    }

    // MARK: destroy

    func destroy(_ id: String) async throws(SetError) {
        try await resources.destroy(id)
    }
}

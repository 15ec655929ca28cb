import Foundation
import JSContact
import JSON
import Store

/// One account's cards as JMAP sees them: JSContact converted from the cached vCard (RFC 9555),
/// converted once per ETag and kept in the cache, plus the JMAP properties `id` and `addressBookIds`.
/// Inline pictures are served as blobs (`CardMedia`).
struct ContactCards: Sendable {
    let store: any Store
    let blobs: BlobStore
    let accountId: String

    /// The cards of `ids` that exist, in that order.
    func cards(ids: [String]) async throws(StoreError) -> [JSONObject] {
        let objects = try await store.objects(accountId: accountId, ids: ids)
        var cards: [JSONObject] = []
        var converted: [ConvertedObject] = []
        cards.reserveCapacity(objects.count)
        for object in objects {
            let card: JSONObject
            if let json = object.json, let cached = try? JSONCoding.decode(JSONObject.self, from: json) {
                card = cached
            } else {
                card = CardMedia(blobs: blobs, accountId: accountId).externalized(Self.convert(object.body))
                if let json = try? JSONCoding.encode(card) {
                    converted.append(ConvertedObject(id: object.id, etag: object.etag, json: json))
                }
            }
            cards.append(Self.withJMAPProperties(card, of: object))
        }
        // Best effort: a failed write only means converting again next time.
        try? await store.saveConverted(converted, accountId: accountId)
        return cards
    }

    /// Every card id of the account.
    func allIds() async throws(StoreError) -> [String] {
        try await store.objectIds(accountId: accountId, dataType: .contactCard)
    }

    /// `card` as JMAP serves it: with the object's `id` and its one address book (RFC 9610 §3).
    static func withJMAPProperties(_ card: JSONObject, of object: StoredObject) -> JSONObject {
        var card = card
        card["id"] = .string(object.id)
        card["addressBookIds"] = .object([object.collectionId: .bool(true)])
        return card
    }

    /// The JSContact card of a vCard body. A body that holds no card at all (the server stored
    /// something else under a .vcf name) becomes an empty card rather than an error for the whole /get.
    static func convert(_ body: Data) -> JSONObject {
        let parsed = VCardParser.parse(String(decoding: body, as: UTF8.self))
        guard let vCard = parsed.cards.first else { return ["@type": "Card", "version": "1.0"] }
        return JSContactConverter.card(from: vCard)
    }
}

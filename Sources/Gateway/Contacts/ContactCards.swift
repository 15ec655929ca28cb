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

    /// The cards of `ids` that exist, in that order, and the ContactCard state they are at.
    func cards(ids: [String]) async throws(StoreError) -> (state: String, cards: [JSONObject]) {
        try await resolve(ids: ids) { object, cached in
            if let cached, let card = try? JSONReader.parseObject(cached) {
                return Self.withJMAPProperties(card, of: object)
            }
            return nil
        } converted: { object, card in
            Self.withJMAPProperties(card, of: object)
        }
    }

    /// The cards of `ids` that exist, in that order, as JSON text with `id` and `addressBookIds`, and the
    /// ContactCard state they are at: a card converted before is copied from the cache without being read
    /// (a /get then copies all of it, or cuts out the properties asked for).
    func encodedCards(ids: [String]) async throws(StoreError)
        -> (state: String, cards: [(id: String, record: EncodedJSON)])
    {
        try await resolve(ids: ids) { object, cached in
            guard let cached,
                let record = try? EncodedJSON(written: Array(cached)).prepending(Self.jmapProperties(of: object))
            else { return nil }
            return (object.id, record)
        } converted: { object, card in
            (try? EncodedJSON(.object(Self.withJMAPProperties(card, of: object)))).map { (object.id, $0) }
        }
    }

    /// Each stored card through `fromCache` (its converted JSON, when there is one); those it cannot
    /// serve are converted from the vCard, handed to `converted`, and their JSON saved for next time.
    private func resolve<Card>(
        ids: [String], fromCache: (StoredObject, Data?) -> Card?, converted: (StoredObject, JSONObject) -> Card?
    ) async throws(StoreError) -> (state: String, cards: [Card]) {
        let (state, objects) = try await store.objects(
            accountId: accountId, ids: ids, bodies: .unconvertedOnly, stateOf: .contactCard)
        var cards = objects.map { fromCache($0, $0.json) }
        var unconverted = objects.indices.filter { cards[$0] == nil }.map { ($0, objects[$0]) }
        // Cached JSON that did not serve (unreadable): those cards are converted after all, which needs
        // the vCards the first read left out.
        let withoutBodies = unconverted.filter { $0.1.json != nil }.map(\.1.id)
        if !withoutBodies.isEmpty {
            let full = try await store.objects(accountId: accountId, ids: withoutBodies)
            let byId = Dictionary(full.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            unconverted = unconverted.map { index, object in (index, byId[object.id] ?? object) }
        }
        var fresh: [ConvertedObject] = []
        for (index, object) in unconverted {
            var card = CardMedia(blobs: blobs, accountId: accountId).externalized(Self.convert(object.body))
            // Kept out of the cached JSON, which the JMAP properties are written in front of.
            for key in Self.jmapProperties(of: object).keys { card.removeValue(forKey: key) }
            if let json = try? JSONCoding.encode(card) {
                fresh.append(ConvertedObject(id: object.id, etag: object.etag, json: json))
            }
            cards[index] = converted(object, card)
        }
        // Best effort: a failed write only means converting again next time.
        try? await store.saveConverted(fresh, accountId: accountId)
        return (state, cards.compactMap { $0 })
    }

    /// Every card id of the account.
    func allIds() async throws(StoreError) -> [String] {
        try await store.objectIds(accountId: accountId, dataType: .contactCard)
    }

    /// `card` as JMAP serves it: with the object's `id` and its one address book (RFC 9610 §3).
    static func withJMAPProperties(_ card: JSONObject, of object: StoredObject) -> JSONObject {
        card.merging(jmapProperties(of: object)) { _, jmap in jmap }
    }

    static func jmapProperties(of object: StoredObject) -> JSONObject {
        ["id": .string(object.id), "addressBookIds": .object([object.collectionId: .bool(true)])]
    }

    /// The JSContact card of a vCard body. A body that holds no card at all (the server stored
    /// something else under a .vcf name) becomes an empty card rather than an error for the whole /get.
    static func convert(_ body: Data) -> JSONObject {
        let parsed = VCardParser.parse(String(decoding: body, as: UTF8.self))
        guard let vCard = parsed.cards.first else { return ["@type": "Card", "version": "1.0"] }
        return JSContactConverter.card(from: vCard)
    }
}

import Foundation
import Store
import Testing

/// An initial sync of a large address book is one transaction; this checks its result, not its speed.
@Suite("Bulk apply")
struct BulkApplyTests {
    @Test("10,000 cards in one apply are all stored, listed as created, and paged by maxChanges")
    func tenThousandCards() async throws {
        try await withStore { store, _ in
            let initial = try await store.state()
            let cards = Fixture.cards(1...10_000)
            try await store.applyCards(cards, isComplete: true)

            let ids = try await store.objectIds(accountId: Fixture.alice, dataType: .contactCard)
            #expect(ids.count == 10_000)
            let changes = try await store.changes(since: initial)
            #expect(changes.created.count == 10_000)
            #expect(Set(changes.created) == Set(ids))
            #expect(changes.hasMoreChanges == false)

            let book = try #require(try await store.collections(accountId: Fixture.alice).first)
            let versions = try await store.objectVersions(accountId: Fixture.alice, collectionId: book.id)
            #expect(Set(versions.map(\.href)) == Set(cards.map(\.href)))
            let sample = try await store.objects(accountId: Fixture.alice, ids: Array(changes.created.suffix(700)))
            #expect(sample.map(\.href) == cards.suffix(700).map(\.href))
            #expect(sample.last?.body == cards.last?.body)

            let page = try await store.changes(
                accountId: Fixture.alice, dataType: .contactCard, sinceState: initial, maxChanges: 500
            )
            #expect(page.created == Array(changes.created.prefix(500)))
            #expect(page.hasMoreChanges)

            // Resyncing the same 10,000 is no change; a complete sync of none destroys them all.
            let state = try await store.state()
            try await store.applyCards(cards, isComplete: true)
            #expect(try await store.state() == state)
            try await store.applyCards(isComplete: true)
            #expect(try await store.changes(since: state).destroyed.count == 10_000)
            #expect(try await store.changes(since: initial).created.isEmpty)
        }
    }
}

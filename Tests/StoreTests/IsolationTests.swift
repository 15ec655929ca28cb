import Foundation
import Store
import Testing

/// Every row belongs to one account: two users never see each other's data or changes.
@Suite("Account isolation")
struct IsolationTests {
    @Test("Two accounts with the same hrefs get different ids and never see each other's rows")
    func accountsNeverMix() async throws {
        try await withStore { store, _ in
            let aliceInitial = try await store.state(accountId: Fixture.alice)
            let bobInitial = try await store.state(accountId: Fixture.bob)
            // The same hrefs on purpose: a shared server path must not make shared ids.
            try await store.applyCards(Fixture.cards(1...3), accountId: Fixture.alice)
            try await store.applyCards(Fixture.cards(1...2), accountId: Fixture.bob)

            let aliceIds = try await store.objectIds(accountId: Fixture.alice, dataType: .contactCard)
            let bobIds = try await store.objectIds(accountId: Fixture.bob, dataType: .contactCard)
            #expect(aliceIds.count == 3)
            #expect(bobIds.count == 2)
            #expect(Set(aliceIds).isDisjoint(with: bobIds))

            #expect(try await store.objects(accountId: Fixture.bob, ids: aliceIds).isEmpty)
            #expect(try await store.objects(accountId: Fixture.alice, ids: bobIds).isEmpty)
            let aliceBook = try #require(try await store.collections(accountId: Fixture.alice).first)
            let bobBook = try #require(try await store.collections(accountId: Fixture.bob).first)
            #expect(aliceBook.id != bobBook.id)
            #expect(try await store.objectVersions(accountId: Fixture.bob, collectionId: aliceBook.id).isEmpty)
            await #expect(throws: StoreError.notFound("collection \(aliceBook.id)")) {
                try await store.removeCollection(id: aliceBook.id, accountId: Fixture.bob)
            }

            #expect(
                Set(try await store.changes(since: aliceInitial, accountId: Fixture.alice).created) == Set(aliceIds))
            #expect(Set(try await store.changes(since: bobInitial, accountId: Fixture.bob).created) == Set(bobIds))

            // A change in one account leaves the other's state alone.
            let bobState = try await store.state(accountId: Fixture.bob)
            try await store.applyCards(removed: [Fixture.card(1).href], accountId: Fixture.alice)
            #expect(try await store.state(accountId: Fixture.bob) == bobState)
            #expect(try await store.objectIds(accountId: Fixture.bob, dataType: .contactCard).count == 2)

            // Pruning one account keeps the other's log.
            try await store.pruneChanges(accountId: Fixture.alice, keepingNewest: 0)
            #expect(try await store.changes(since: bobInitial, accountId: Fixture.bob).created.count == 2)
        }
    }

    @Test("An account never seen has the initial state, no changes and no rows")
    func unknownAccountIsEmpty() async throws {
        try await withStore { store, _ in
            try await store.applyCards(Fixture.cards(1...3))
            let state = try await store.state(accountId: "nobody", dataType: .contactCard)
            let aliceInitial = try await store.state(accountId: "alice-too", dataType: .contactCard)
            #expect(state == aliceInitial)
            let changes = try await store.changes(
                accountId: "nobody", dataType: .contactCard, sinceState: state,
                maxChanges: nil)
            #expect(changes.created.isEmpty && changes.newState == state)
            #expect(try await store.collections(accountId: "nobody").isEmpty)
            #expect(try await store.objectIds(accountId: "nobody", dataType: .contactCard).isEmpty)
        }
    }
}

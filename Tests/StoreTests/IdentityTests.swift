import Foundation
import Store
import Testing

/// Ids are opaque, URL-safe (RFC 8620 §1.2) and stable: the same href keeps the same id.
@Suite("Stable ids")
struct IdentityTests {
    @Test("Ids and states survive closing and reopening the database file")
    func idsSurviveReopen() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }

        let first = try database.open()
        try await first.registerAccount(id: Fixture.alice, principalURL: "https://dav.example/alice/")
        try await first.applyCards(Fixture.cards(1...5))
        let bookId = try #require(try await first.collections(accountId: Fixture.alice).first?.id)
        let ids = try await first.objectIds(accountId: Fixture.alice, dataType: .contactCard)
        let state = try await first.state()
        try first.close()

        let second = try database.open()
        defer { try? second.close() }
        #expect(try await second.state() == state)
        #expect(try await second.objectIds(accountId: Fixture.alice, dataType: .contactCard) == ids)
        // A full resync of the same hrefs is no change at all.
        try await second.applyCards(Fixture.cards(1...5), isComplete: true)
        #expect(try await second.state() == state)
        #expect(try await second.collections(accountId: Fixture.alice).first?.id == bookId)
        // States issued before the reopen still work.
        try await second.applyCards([Fixture.card(6)], isComplete: true, unchanged: Fixture.cards(1...5).map(\.href))
        let changes = try await second.changes(since: state)
        #expect(changes.created.count == 1)
        #expect(changes.destroyed.isEmpty)
    }

    @Test("An href destroyed and seen again gets its old id back, as a `created`")
    func idsSurviveDestroyAndRecreate() async throws {
        try await withStore { store, _ in
            try await store.applyCards(Fixture.cards(1...2))
            let book = try #require(try await store.collections(accountId: Fixture.alice).first)
            let cardId = try #require(try await store.id(ofHref: Fixture.card(1).href))

            try await store.removeCollection(id: book.id, accountId: Fixture.alice)
            let books = try await store.state(.addressBook)
            let cards = try await store.state()
            try await store.applyCards([Fixture.card(1)])

            #expect(try await store.collections(accountId: Fixture.alice).map(\.id) == [book.id])
            #expect(try await store.id(ofHref: Fixture.card(1).href) == cardId)
            #expect(try await store.changes(.addressBook, since: books).created == [book.id])
            #expect(try await store.changes(since: cards).created == [cardId])
            // The card that did not come back stays destroyed.
            #expect(try await store.objectIds(accountId: Fixture.alice, dataType: .contactCard) == [cardId])
        }
    }

    @Test("Ids use only the RFC 8620 §1.2 alphabet, with a letter per kind")
    func idsAreURLSafe() async throws {
        try await withStore { store, _ in
            var weird = Fixture.card(1)
            weird.href = "https://dav.example/alice/contacts/%C3%A9t%C3%A9 +/?=&.vcf"
            try await store.applyCards([weird] + Fixture.cards(2...40))
            try await store.apply(
                CollectionUpdate(collection: Fixture.calendar(), upserted: [Fixture.event(1)]),
                accountId: Fixture.alice)

            let cardIds = try await store.objectIds(accountId: Fixture.alice, dataType: .contactCard)
            let eventIds = try await store.objectIds(accountId: Fixture.alice, dataType: .calendarEvent)
            let bookIds = try await store.objectIds(accountId: Fixture.alice, dataType: .addressBook)
            let calendarIds = try await store.objectIds(accountId: Fixture.alice, dataType: .calendar)
            let all = cardIds + eventIds + bookIds + calendarIds
            #expect(all.count == 43)
            #expect(Set(all).count == all.count)
            for id in all {
                #expect(id.wholeMatch(of: /[A-Za-z0-9_-]{1,255}/) != nil, "\(id)")
            }
            #expect(cardIds.allSatisfy { $0.hasPrefix("c") })
            #expect(eventIds.allSatisfy { $0.hasPrefix("e") })
            #expect(bookIds.allSatisfy { $0.hasPrefix("b") })
            #expect(calendarIds.allSatisfy { $0.hasPrefix("k") })
        }
    }

    @Test("The same href yields the same id in a fresh database: ids survive a wiped cache")
    func idsAreDerivedFromHrefs() async throws {
        var seen: [[String]] = []
        for _ in 0..<2 {
            try await withStore { store, _ in
                try await store.applyCards(Fixture.cards(1...3))
                seen.append(try await store.objectIds(accountId: Fixture.alice, dataType: .contactCard))
            }
        }
        #expect(seen.count == 2)
        #expect(seen.first == seen.last)
    }
}

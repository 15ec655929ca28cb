import Foundation
import Store
import Testing

/// Applying one collection's sync result: which JMAP-visible changes it logs.
@Suite("Applying sync results")
struct ApplyTests {
    @Test("An initial apply creates every object; /changes from the initial state lists them as created")
    func initialApplyCreatesObjects() async throws {
        try await withStore { store, _ in
            let initial = try await store.state()
            let initialBooks = try await store.state(.addressBook)
            try await store.applyCards(Fixture.cards(1...25))

            let changes = try await store.changes(since: initial)
            #expect(changes.created.count == 25)
            #expect(changes.updated.isEmpty)
            #expect(changes.destroyed.isEmpty)
            #expect(changes.hasMoreChanges == false)
            #expect(changes.oldState == initial)
            #expect(changes.newState == (try await store.state()))

            let ids = try await store.objectIds(accountId: Fixture.alice, dataType: .contactCard)
            #expect(Set(ids) == Set(changes.created))
            let objects = try await store.objects(accountId: Fixture.alice, ids: changes.created)
            #expect(objects.map(\.href) == Fixture.cards(1...25).map(\.href))
            #expect(objects.first?.body == Fixture.card(1).body)

            let books = try await store.collections(accountId: Fixture.alice)
            #expect(books.count == 1)
            #expect(try await store.changes(.addressBook, since: initialBooks).created == books.map(\.id))
            #expect(objects.allSatisfy { $0.collectionId == books.first?.id })
        }
    }

    @Test("A new ETag is exactly one update (RFC 8620 §5.2)")
    func newETagIsOneUpdate() async throws {
        try await withStore { store, _ in
            try await store.applyCards(Fixture.cards(1...3))
            let before = try await store.state()
            try await store.applyCards([Fixture.card(2, etag: "2")])

            let changes = try await store.changes(since: before)
            let id = try #require(try await store.id(ofHref: Fixture.card(2).href))
            #expect(changes.created.isEmpty)
            #expect(changes.updated == [id])
            #expect(changes.destroyed.isEmpty)
            let object = try #require(try await store.objects(accountId: Fixture.alice, ids: [id]).first)
            #expect(object.etag == "\"2\"")
            #expect(object.body == Fixture.card(2, etag: "2").body)
        }
    }

    @Test("A new body under the same ETag is an update too")
    func newBodyIsUpdate() async throws {
        try await withStore { store, _ in
            try await store.applyCards([Fixture.card(1)])
            let before = try await store.state()
            var card = Fixture.card(1)
            card.body = Data("BEGIN:VCARD\r\nFN:Other\r\nEND:VCARD\r\n".utf8)
            try await store.applyCards([card])
            #expect(try await store.changes(since: before).updated.count == 1)
        }
    }

    @Test("The same ETag and body is no change: the state stays")
    func unchangedIsNoChange() async throws {
        try await withStore { store, _ in
            try await store.applyCards(Fixture.cards(1...3))
            let cards = try await store.state()
            let books = try await store.state(.addressBook)
            try await store.applyCards(Fixture.cards(1...3))
            #expect(try await store.state() == cards)
            #expect(try await store.state(.addressBook) == books)
            #expect(try await store.changes(since: cards).created.isEmpty)
        }
    }

    @Test("A removed href is destroyed; an unknown removed href is ignored")
    func removedIsDestroyed() async throws {
        try await withStore { store, _ in
            try await store.applyCards(Fixture.cards(1...3))
            let id = try #require(try await store.id(ofHref: Fixture.card(3).href))
            let before = try await store.state()
            try await store.applyCards(removed: [Fixture.card(3).href, "https://dav.example/alice/contacts/never.vcf"])

            let changes = try await store.changes(since: before)
            #expect(changes.destroyed == [id])
            #expect(changes.created.isEmpty && changes.updated.isEmpty)
            #expect(try await store.objects(accountId: Fixture.alice, ids: [id]).isEmpty)
            #expect(try await store.objectIds(accountId: Fixture.alice, dataType: .contactCard).count == 2)

            let afterRemoval = try await store.state()
            try await store.applyCards(removed: ["https://dav.example/alice/contacts/tombstone.vcf"])
            #expect(try await store.state() == afterRemoval)
        }
    }

    @Test("A complete update destroys every cached href neither upserted nor unchanged")
    func completeUpdateDestroysMissing() async throws {
        try await withStore { store, _ in
            try await store.applyCards(Fixture.cards(1...4))
            let gone = try #require(try await store.id(ofHref: Fixture.card(4).href))
            let changedId = try #require(try await store.id(ofHref: Fixture.card(1).href))
            let before = try await store.state()
            try await store.applyCards(
                [Fixture.card(1, etag: "2")], isComplete: true, unchanged: [Fixture.card(2).href, Fixture.card(3).href]
            )

            let changes = try await store.changes(since: before)
            #expect(changes.destroyed == [gone])
            #expect(changes.updated == [changedId])
            #expect(changes.created.isEmpty)
            let book = try #require(try await store.collections(accountId: Fixture.alice).first)
            let versions = try await store.objectVersions(accountId: Fixture.alice, collectionId: book.id)
            #expect(Set(versions.map(\.href)) == Set(Fixture.cards(1...3).map(\.href)))
        }
    }

    @Test("Changed display name, colour or privileges make the AddressBook `updated`")
    func collectionPropertyChangeIsUpdate() async throws {
        try await withStore { store, _ in
            try await store.applyCards(book: Fixture.addressBook())
            let id = try #require(try await store.collections(accountId: Fixture.alice).first?.id)
            let cards = try await store.state()

            var renamed = Fixture.addressBook(displayName: "Friends")
            var before = try await store.state(.addressBook)
            try await store.applyCards(book: renamed)
            #expect(try await store.changes(.addressBook, since: before).updated == [id])

            renamed.color = "#ff0000"
            before = try await store.state(.addressBook)
            try await store.applyCards(book: renamed)
            #expect(try await store.changes(.addressBook, since: before).updated == [id])

            renamed.privileges = ["read"]
            before = try await store.state(.addressBook)
            try await store.applyCards(book: renamed)
            #expect(try await store.changes(.addressBook, since: before).updated == [id])

            // Privileges are a set: the same ones in another order, or repeated, are no change.
            renamed.privileges = ["write", "read"]
            try await store.applyCards(book: renamed)
            renamed.privileges = ["read", "write", "read"]
            before = try await store.state(.addressBook)
            try await store.applyCards(book: renamed)
            #expect(try await store.state(.addressBook) == before)

            #expect(try await store.state() == cards)
            #expect(try await store.collections(accountId: Fixture.alice).first?.displayName == "Friends")
        }
    }

    @Test("A ctag, sync token or sync support change alone is stored but is no JMAP change")
    func ctagOnlyIsNoChange() async throws {
        try await withStore { store, _ in
            try await store.applyCards(book: Fixture.addressBook(ctag: "1"))
            let before = try await store.state(.addressBook)
            var book = Fixture.addressBook(ctag: "2")
            book.syncToken = "https://dav.example/sync/2"
            book.supportsSyncCollection = true
            try await store.applyCards(book: book)

            #expect(try await store.state(.addressBook) == before)
            let stored = try #require(try await store.collections(accountId: Fixture.alice).first)
            #expect(stored.ctag == "2")
            #expect(stored.syncToken == "https://dav.example/sync/2")
            #expect(stored.supportsSyncCollection)
        }
    }

    @Test("removeCollection destroys the collection and each of its objects")
    func removeCollectionDestroysObjects() async throws {
        try await withStore { store, _ in
            try await store.applyCards(Fixture.cards(1...3))
            let book = try #require(try await store.collections(accountId: Fixture.alice).first)
            let cardIds = try await store.objectIds(accountId: Fixture.alice, dataType: .contactCard)
            let cards = try await store.state()
            let books = try await store.state(.addressBook)

            try await store.removeCollection(id: book.id, accountId: Fixture.alice)

            #expect(try await store.changes(.addressBook, since: books).destroyed == [book.id])
            #expect(Set(try await store.changes(since: cards).destroyed) == Set(cardIds))
            #expect(try await store.collections(accountId: Fixture.alice).isEmpty)
            #expect(try await store.objectIds(accountId: Fixture.alice, dataType: .contactCard).isEmpty)
            #expect(try await store.objectIds(accountId: Fixture.alice, dataType: .addressBook).isEmpty)
            #expect(try await store.objectVersions(accountId: Fixture.alice, collectionId: book.id).isEmpty)

            // Removing it again is a no-op; an id never seen is not found.
            let after = try await store.state(.addressBook)
            try await store.removeCollection(id: book.id, accountId: Fixture.alice)
            #expect(try await store.state(.addressBook) == after)
            await #expect(throws: StoreError.notFound("collection bNope")) {
                try await store.removeCollection(id: "bNope", accountId: Fixture.alice)
            }
        }
    }

    @Test("Calendars and events keep their own data types and states")
    func calendarsHaveTheirOwnTypes() async throws {
        try await withStore { store, _ in
            let cards = try await store.state()
            let events = try await store.state(.calendarEvent)
            let update = CollectionUpdate(
                collection: Fixture.calendar(), upserted: [Fixture.event(1), Fixture.event(2)])
            try await store.apply(update, accountId: Fixture.alice)

            #expect(try await store.state() == cards)
            #expect(try await store.changes(.calendarEvent, since: events).created.count == 2)
            #expect(try await store.objectIds(accountId: Fixture.alice, dataType: .calendarEvent).count == 2)
            #expect(try await store.objectIds(accountId: Fixture.alice, dataType: .contactCard).isEmpty)
            #expect(try await store.objectIds(accountId: Fixture.alice, dataType: .calendar).count == 1)
            #expect(try await store.objectIds(accountId: Fixture.alice, dataType: .addressBook).isEmpty)
        }
    }

    @Test("Applying for an account never registered fails without writing")
    func unregisteredAccountIsNotFound() async throws {
        try await withStore { store, _ in
            await #expect(throws: StoreError.notFound("account carol")) {
                try await store.applyCards([Fixture.card(1, account: "carol")], accountId: "carol")
            }
            let collections = try await store.collections(accountId: "carol")
            #expect(collections.isEmpty)
        }
    }
}

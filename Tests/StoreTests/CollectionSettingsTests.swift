import Foundation
import Store
import Testing

/// The user's own collection settings (RFC 9610 §2: sortOrder, isSubscribed, isDefault) and the cache of
/// converted objects: what the DAV server does not keep, kept per account by the store.
@Suite struct CollectionSettingsTests {
    @Test func settingsAreAChangeAndSurviveSyncs() async throws {
        try await withStore { store, _ in
            try await store.applyCards(Fixture.cards(1...1))
            let book = try #require(try await store.collections(accountId: Fixture.alice).first)
            #expect(book.settings == CollectionSettings())
            let before = try await store.state(.addressBook)

            let settings = CollectionSettings(sortOrder: 7, isSubscribed: false, isDefault: true)
            try await store.updateSettings(settings, collectionId: book.id, accountId: Fixture.alice)
            #expect(try await store.collections(accountId: Fixture.alice).first?.settings == settings)
            #expect(try await store.changes(.addressBook, since: before).updated == [book.id])

            // A sync carries the server's view of the collection only: the settings stay.
            let afterSettings = try await store.state(.addressBook)
            try await store.applyCards(Fixture.cards(2...2), book: Fixture.addressBook(ctag: "2"))
            #expect(try await store.collections(accountId: Fixture.alice).first?.settings == settings)
            #expect(try await store.state(.addressBook) == afterSettings)

            // The same settings again change nothing.
            try await store.updateSettings(settings, collectionId: book.id, accountId: Fixture.alice)
            #expect(try await store.state(.addressBook) == afterSettings)
        }
    }

    @Test("RFC 9610 §2: at most one default address book per account")
    func isDefaultIsExclusive() async throws {
        try await withStore { store, _ in
            try await store.applyCards(Fixture.cards(1...1))
            try await store.applyCards([], book: Fixture.addressBook("work", displayName: "Work"))
            let books = try await store.collections(accountId: Fixture.alice)
            try #require(books.count == 2)
            try await store.updateSettings(
                CollectionSettings(isDefault: true), collectionId: books[0].id, accountId: Fixture.alice)
            let before = try await store.state(.addressBook)
            try await store.updateSettings(
                CollectionSettings(isDefault: true), collectionId: books[1].id, accountId: Fixture.alice)
            let after = try await store.collections(accountId: Fixture.alice)
            #expect(after.filter(\.settings.isDefault).map(\.id) == [books[1].id])
            #expect(Set(try await store.changes(.addressBook, since: before).updated) == Set(books.map(\.id)))
            // Bob's books are his own.
            #expect(try await store.collections(accountId: Fixture.bob).isEmpty)
        }
    }

    /// draft-ietf-jmap-calendars-27 §4: a calendar's order and time zone on the server are changes a client
    /// sees; the per-user properties (one JSON object the store does not read) are too, and syncs keep them.
    @Test func calendarOrderTimeZoneAndUserPropertiesAreKept() async throws {
        try await withStore { store, _ in
            var calendar = Fixture.calendar()
            try await store.apply(CollectionUpdate(collection: calendar), accountId: Fixture.alice)
            let id = try #require(try await store.collections(accountId: Fixture.alice).first?.id)
            let before = try await store.state(.calendar)

            calendar.order = 3
            calendar.timeZone = "Europe/Berlin"
            try await store.apply(CollectionUpdate(collection: calendar), accountId: Fixture.alice)
            let synced = try #require(try await store.collections(accountId: Fixture.alice).first)
            #expect(synced.order == 3)
            #expect(synced.timeZone == "Europe/Berlin")
            #expect(try await store.changes(.calendar, since: before).updated == [id])

            let properties = Data(#"{"isVisible":false,"includeInAvailability":"none"}"#.utf8)
            let settings = CollectionSettings(sortOrder: 2, userProperties: properties)
            let beforeSettings = try await store.state(.calendar)
            try await store.updateSettings(settings, collectionId: id, accountId: Fixture.alice)
            #expect(try await store.changes(.calendar, since: beforeSettings).updated == [id])

            // The next sync brings the server's view only: the user's properties stay, and nothing changed.
            let afterSettings = try await store.state(.calendar)
            try await store.apply(CollectionUpdate(collection: calendar), accountId: Fixture.alice)
            #expect(try await store.collections(accountId: Fixture.alice).first?.settings == settings)
            #expect(try await store.state(.calendar) == afterSettings)
            // A server that drops its time zone is a change again.
            calendar.timeZone = nil
            try await store.apply(CollectionUpdate(collection: calendar), accountId: Fixture.alice)
            #expect(try await store.collections(accountId: Fixture.alice).first?.timeZone == nil)
            #expect(try await store.state(.calendar) != afterSettings)
        }
    }

    @Test func unknownCollectionIsNotFound() async throws {
        try await withStore { store, _ in
            await #expect(throws: StoreError.self) {
                try await store.updateSettings(CollectionSettings(), collectionId: "nope", accountId: Fixture.alice)
            }
        }
    }

    @Test func convertedJSONIsKeptOnlyForTheBodyItCameFrom() async throws {
        try await withStore { store, _ in
            try await store.applyCards(Fixture.cards(1...2))
            let ids = try await store.objectIds(accountId: Fixture.alice, dataType: .contactCard)
            let objects = try await store.objects(accountId: Fixture.alice, ids: ids)
            let state = try await store.state()
            try await store.saveConverted(
                objects.map { ConvertedObject(id: $0.id, etag: $0.etag, json: Data(#"{"n":1}"#.utf8)) }
                    + [ConvertedObject(id: "unknown", etag: nil, json: Data())],
                accountId: Fixture.alice)
            #expect(try await store.objects(accountId: Fixture.alice, ids: ids).allSatisfy { $0.json != nil })
            #expect(try await store.state() == state, "caching a conversion is not a change")

            // A stale conversion (the ETag moved on) is not saved; a new body drops the old conversion.
            try await store.applyCards([Fixture.card(1, etag: "2")])
            let changed = try #require(objects.first { $0.href.hasSuffix("/1.vcf") })
            try await store.saveConverted(
                [ConvertedObject(id: changed.id, etag: changed.etag, json: Data("{}".utf8))], accountId: Fixture.alice)
            #expect(try await store.objects(accountId: Fixture.alice, ids: [changed.id]).first?.json == nil)
            // Bob cannot write into alice's objects.
            let other = try #require(objects.first { $0.href.hasSuffix("/2.vcf") })
            try await store.saveConverted(
                [ConvertedObject(id: other.id, etag: other.etag, json: Data("{}".utf8))], accountId: Fixture.bob)
            let kept = try await store.objects(accountId: Fixture.alice, ids: [other.id]).first?.json
            #expect(kept == Data(#"{"n":1}"#.utf8))
        }
    }
}

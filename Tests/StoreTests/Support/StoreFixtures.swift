import Foundation
import Store
import Testing

/// A cache file in its own temporary directory, removed when the test is done.
struct TemporaryDatabase {
    let directory = FileManager.default.temporaryDirectory.appending(path: "StoreTests-\(UUID().uuidString)")

    /// In a subdirectory that does not exist yet: opening must create it.
    var path: String { directory.appending(path: "cache/store.sqlite").path }

    func open() throws -> SQLiteStore {
        try SQLiteStore(path: path)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `body` with a fresh store holding the registered accounts "alice" and "bob".
func withStore(_ body: (SQLiteStore, TemporaryDatabase) async throws -> Void) async throws {
    let database = TemporaryDatabase()
    defer { database.remove() }
    let store = try database.open()
    defer { try? store.close() }
    for account in [Fixture.alice, Fixture.bob] {
        try await store.registerAccount(id: account, principalURL: "https://dav.example/\(account)/")
    }
    try await body(store, database)
}

enum Fixture {
    static let alice = "alice"
    static let bob = "bob"

    static func addressBook(
        _ name: String = "contacts", account: String = alice, displayName: String? = "Contacts", ctag: String? = "1"
    ) -> StoredCollection {
        StoredCollection(
            id: "", href: "https://dav.example/\(account)/\(name)/", kind: .addressBook, displayName: displayName,
            ctag: ctag, privileges: ["read", "write"]
        )
    }

    static func calendar(_ name: String = "work", account: String = alice) -> StoredCollection {
        StoredCollection(id: "", href: "https://dav.example/\(account)/\(name)/", kind: .calendar, displayName: "Work")
    }

    static func card(_ number: Int, account: String = alice, book: String = "contacts", etag: String = "1")
        -> FetchedObject
    {
        FetchedObject(
            href: "https://dav.example/\(account)/\(book)/\(number).vcf", etag: "\"\(etag)\"", uid: "uid-\(number)",
            body: Data("BEGIN:VCARD\r\nUID:uid-\(number)\r\nFN:Card \(number) v\(etag)\r\nEND:VCARD\r\n".utf8)
        )
    }

    static func event(_ number: Int, account: String = alice, calendar: String = "work") -> FetchedObject {
        FetchedObject(
            href: "https://dav.example/\(account)/\(calendar)/\(number).ics", etag: "\"1\"", uid: "event-\(number)",
            body: Data("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".utf8)
        )
    }

    static func cards(_ numbers: ClosedRange<Int>, account: String = alice) -> [FetchedObject] {
        numbers.map { card($0, account: account) }
    }
}

extension SQLiteStore {
    /// All changes since `state`, in one call.
    func changes(_ dataType: DataType = .contactCard, since state: String, accountId: String = Fixture.alice)
        async throws -> StoredChanges
    {
        try await changes(accountId: accountId, dataType: dataType, sinceState: state, maxChanges: nil)
    }

    func state(_ dataType: DataType = .contactCard, accountId: String = Fixture.alice) async throws -> String {
        try await state(accountId: accountId, dataType: dataType)
    }

    /// The id the store gave an href.
    func id(ofHref href: String, accountId: String = Fixture.alice) async throws -> String? {
        for collection in try await collections(accountId: accountId) {
            if collection.href == href {
                return collection.id
            }
            let versions = try await objectVersions(accountId: accountId, collectionId: collection.id)
            if let version = versions.first(where: { $0.href == href }) {
                return version.id
            }
        }
        return nil
    }

    /// Applies `objects` to the default address book.
    func applyCards(
        _ objects: [FetchedObject] = [], removed: [String] = [], isComplete: Bool = false, unchanged: [String] = [],
        book: StoredCollection = Fixture.addressBook(), accountId: String = Fixture.alice
    ) async throws {
        let update = CollectionUpdate(
            collection: book, upserted: objects, removed: removed, isComplete: isComplete, unchanged: unchanged
        )
        try await apply(update, accountId: accountId)
    }
}

/// Fails the test unless `changes` from `state` is refused with `cannotCalculateChanges`.
func expectCannotCalculateChanges(
    _ store: SQLiteStore, since state: String, dataType: DataType = .contactCard,
    sourceLocation: SourceLocation = #_sourceLocation
) async {
    do {
        let changes = try await store.changes(
            accountId: Fixture.alice, dataType: dataType, sinceState: state, maxChanges: nil
        )
        Issue.record("changes since \(state) succeeded: \(changes)", sourceLocation: sourceLocation)
    } catch {
        guard case .cannotCalculateChanges = error else {
            Issue.record("changes since \(state) failed with \(error)", sourceLocation: sourceLocation)
            return
        }
    }
}

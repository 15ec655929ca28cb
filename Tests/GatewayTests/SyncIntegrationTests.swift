import DAV
import Foundation
import Logging
import Store
import TestSupport
import Testing

@testable import Gateway

/// The sync engine against the real servers: what is created, modified and deleted directly on the
/// DAV server shows up as exactly those created/updated/destroyed ids in the store's changes
/// (RFC 8620 §5.2), by sync-collection (RFC 6578), after a refused token, and with sync-collection
/// switched off (ctag probe + ETag diff).
extension DAVBackedTests {
    @Suite struct SyncIntegrationTests {
        static let http = HTTPClientHandle(configuration: DAVClientConfiguration(timeout: .seconds(20)))

        struct Scenario: Sendable, CustomTestStringConvertible {
            var server: TestBackends.Server
            var useSyncCollection: Bool
            /// Fetch a (nearly) whole collection with one query REPORT instead of multigets.
            var bulkFetch: Bool
            var testDescription: String {
                "\(server.rawValue.lowercased()), sync-collection \(useSyncCollection ? "on" : "off"), "
                    + (bulkFetch ? "bulk query" : "multiget only")
            }
        }

        static let scenarios = TestBackends.Server.allCases.flatMap { server in
            [true, false].flatMap { useSyncCollection in
                [true, false].map { Scenario(server: server, useSyncCollection: useSyncCollection, bulkFetch: $0) }
            }
        }

        /// A fresh cache, alice's synchronizer on `server`, and her address book URL.
        struct Fixture {
            var store: SQLiteStore
            var synchronizer: AccountSynchronizer
            var coordinator: SyncCoordinator
            var client: DAVClient
            var addressBook: URL
            var accountId: String
            var directory: URL

            init(server: TestBackends.Server, options: SyncOptions) async throws {
                let backends = try TestBackends.load()
                let credentials = DAVCredentials.basic(username: "alice", password: "alice-pw")
                client = DAVClient(
                    httpClient: SyncIntegrationTests.http.client, configuration: .init(),
                    credentials: credentials)
                directory = FileManager.default.temporaryDirectory.appending(
                    path: "sync-\(UUID().uuidString)")
                store = try SQLiteStore(path: directory.appending(path: "gateway.sqlite").path)
                let principal = try await DAVDiscovery(client: client, baseURL: try backends.url(server))
                    .currentUserPrincipal()
                let user = GatewayUser(
                    username: "alice", principalURL: principal, credentials: credentials,
                    accountCapabilities: [:])
                accountId = user.accountId
                coordinator = SyncCoordinator(
                    store: store, httpClient: SyncIntegrationTests.http, davConfiguration: .init(),
                    options: options,
                    logger: Logger(label: "sync-tests"))
                synchronizer = try await coordinator.synchronizer(for: user)
                addressBook = try backends.collection(server, "AB", user: TestBackends.alice)
            }

            func put(_ name: String, uid: String, note: String, precondition: DAVWritePrecondition)
                async throws
            {
                let card =
                    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:\(uid)\r\nFN:Sync Test \(name)\r\nN:Test;\(name);;;\r\nNOTE:\(note)\r\nEND:VCARD\r\n"
                try await client.put(
                    addressBook.appending(path: "\(uid).vcf"), body: Data(card.utf8),
                    contentType: "text/vcard; charset=utf-8",
                    precondition: precondition)
            }

            func etag(_ uid: String) async throws -> String? {
                try await client.get(addressBook.appending(path: "\(uid).vcf")).etag
            }

            func delete(_ uid: String) async throws {
                try await client.delete(addressBook.appending(path: "\(uid).vcf"))
            }

            /// href → id of the address book's cached cards.
            func ids() async throws -> [String: String] {
                let collections = try await store.collections(accountId: accountId)
                let normalized = DAVHref.normalize(addressBook.absoluteString, relativeTo: addressBook)
                let book = try #require(collections.first { $0.href == normalized })
                let versions = try await store.objectVersions(accountId: accountId, collectionId: book.id)
                return Dictionary(
                    versions.map { ($0.href, $0.id) }, uniquingKeysWith: { first, _ in first })
            }

            func href(_ uid: String) -> String {
                DAVHref.normalize(
                    addressBook.appending(path: "\(uid).vcf").absoluteString, relativeTo: addressBook)
            }
        }

        @Test(arguments: scenarios)
        func directChangesShowUpAsExactlyThoseChanges(_ scenario: Scenario) async throws {
            // Small batches, so fetches span several multigets and several store writes.
            let options = SyncOptions(
                useSyncCollection: scenario.useSyncCollection, multigetBatchSize: 7,
                bulkFetchThreshold: scenario.bulkFetch ? 1 : 0, applyBatchSize: 3)
            let fixture = try await Fixture(server: scenario.server, options: options)
            defer { try? FileManager.default.removeItem(at: fixture.directory) }
            let run = UUID().uuidString.prefix(8).lowercased()
            let uids = (0..<12).map { "sync-\(run)-\($0)" }
            for uid in uids { try await fixture.put(uid, uid: uid, note: "v1", precondition: .create) }

            // Initial sync: every card on the server is in the cache, and /changes from the empty
            // cache's state lists them as created.
            let emptyState = try await fixture.store.state(
                accountId: fixture.accountId, dataType: .contactCard)
            let initial = try await fixture.synchronizer.sync()
            let listed = try await fixture.client.listMembers(fixture.addressBook)
            var ids = try await fixture.ids()
            #expect(Set(ids.keys) == Set(listed.map(\.href)))
            for uid in uids { #expect(ids[fixture.href(uid)] != nil, "\(uid) cached") }
            #expect(initial.fetched >= uids.count)
            let firstChanges = try await fixture.store.changes(
                accountId: fixture.accountId, dataType: .contactCard, sinceState: emptyState,
                maxChanges: nil)
            #expect(Set(firstChanges.created) == Set(ids.values))
            // The initial fetch came from the query for every member, unless the server sent the bodies
            // inside sync-collection (Radicale does) or bulk fetching is off.
            let bookHref = DAVHref.normalize(fixture.addressBook.absoluteString, relativeTo: fixture.addressBook)
            let initialBook = try #require(initial.collections.first { $0.href == bookHref })
            let inline = scenario.server == .radicale && scenario.useSyncCollection
            #expect(initialBook.fetchedByQuery == (scenario.bulkFetch && !inline ? initialBook.fetched : 0))

            // A sync with nothing changed changes nothing.
            let state0 = try await fixture.store.state(
                accountId: fixture.accountId, dataType: .contactCard)
            let idle = try await fixture.synchronizer.sync()
            #expect(idle.fetched == 0)
            #expect(
                try await fixture.store.state(accountId: fixture.accountId, dataType: .contactCard)
                    == state0)

            // Direct changes on the server: 2 created, 1 modified, 1 deleted.
            let created = ["sync-\(run)-new-a", "sync-\(run)-new-b"]
            for uid in created {
                try await fixture.put(uid, uid: uid, note: "new", precondition: .create)
            }
            let modifiedETag = try #require(try await fixture.etag(uids[0]))
            try await fixture.put(uids[0], uid: uids[0], note: "v2", precondition: .ifMatch(modifiedETag))
            try await fixture.delete(uids[1])

            let report = try await fixture.synchronizer.sync()
            #expect(report.fetched == 3)
            // Three of a dozen or more: multiget, not a query for everything.
            #expect(report.collections.first { $0.href == bookHref }?.fetchedByQuery == 0)
            ids = try await fixture.ids()
            let changes = try await fixture.store.changes(
                accountId: fixture.accountId, dataType: .contactCard, sinceState: state0, maxChanges: nil)
            #expect(Set(changes.created) == Set(try created.map { try #require(ids[fixture.href($0)]) }))
            #expect(changes.updated == [try #require(ids[fixture.href(uids[0])])])
            #expect(
                changes.destroyed == [try #require(firstChanges.created.first { !ids.values.contains($0) })]
            )
            #expect(ids[fixture.href(uids[1])] == nil)
            let modified = try await fixture.store.objects(
                accountId: fixture.accountId, ids: changes.updated)
            #expect(
                modified.first.map { String(decoding: $0.body, as: UTF8.self).contains("NOTE:v2") } == true)

            if scenario.useSyncCollection {
                try await refusedTokenFallsBackToTheETagDiff(fixture, run: run, uids: uids)
            }
            for uid in uids.dropFirst(2) + created + [uids[0]] { try? await fixture.delete(uid) }
        }

        /// A token the server refuses (Radicale 403, Xandikos 412 `valid-sync-token`) falls back to the
        /// ETag diff, with the same result.
        func refusedTokenFallsBackToTheETagDiff(_ fixture: Fixture, run: String, uids: [String])
            async throws
        {
            let collections = try await fixture.store.collections(accountId: fixture.accountId)
            let normalized = DAVHref.normalize(
                fixture.addressBook.absoluteString, relativeTo: fixture.addressBook)
            var book = try #require(collections.first { $0.href == normalized })
            let bogus =
                book.syncToken.map { $0.hasPrefix("http") ? $0 + "bogus" : "deadbeef" + $0.dropFirst(8) }
                ?? "bogus"
            book.syncToken = String(bogus)
            try await fixture.store.apply(
                CollectionUpdate(collection: book), accountId: fixture.accountId)

            let state = try await fixture.store.state(
                accountId: fixture.accountId, dataType: .contactCard)
            let uid = "sync-\(run)-after-refusal"
            try await fixture.put(uid, uid: uid, note: "x", precondition: .create)
            try await fixture.delete(uids[2])
            let report = try await fixture.synchronizer.sync()
            let result = try #require(report.collections.first { $0.href == normalized })
            #expect(result.tokenRefused)
            #expect(result.method == .etagDiff)
            let ids = try await fixture.ids()
            let changes = try await fixture.store.changes(
                accountId: fixture.accountId, dataType: .contactCard, sinceState: state, maxChanges: nil)
            #expect(changes.created == [try #require(ids[fixture.href(uid)])])
            #expect(changes.updated.isEmpty)
            #expect(changes.destroyed.count == 1)
            try await fixture.delete(uid)

            // And the next sync is incremental again: nothing fetched, nothing refused.
            let next = try await fixture.synchronizer.sync()
            #expect(next.collections.allSatisfy { !$0.tokenRefused })
        }
    }
}

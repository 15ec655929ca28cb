import DAV
import Foundation
import Store
import TestSupport
import Testing

@testable import Gateway

/// Issue 3: a collection added or removed on the server is a change of the AddressBook data type, and
/// a collection deleted between the home listing and its sync is "gone", not a failed account sync.
extension DAVBackedTests {
    @Suite struct CollectionLifecycleTests {
        typealias Fixture = DAVBackedTests.SyncIntegrationTests.Fixture

        @Test(arguments: TestBackends.Server.allCases)
        func addedAndRemovedCollectionsAreChanges(server: TestBackends.Server) async throws {
            // The home listing is reused for an hour, so the deletion below is only noticed when the
            // collection's own sync answers 404.
            let fixture = try await Fixture(
                server: server, options: SyncOptions(collectionListingInterval: .seconds(3600)))
            defer { try? FileManager.default.removeItem(at: fixture.directory) }
            let home = fixture.addressBook.deletingLastPathComponent()
            let scratch = home.appending(path: "lifecycle-\(UUID().uuidString.lowercased())/")
            let before = try await fixture.store.state(accountId: fixture.accountId, dataType: .addressBook)
            try await fixture.client.makeAddressBook(scratch, displayName: "Lifecycle test")
            let normalized = DAVHref.normalize(scratch.absoluteString, relativeTo: scratch)
            do {
                _ = try await fixture.synchronizer.sync()
                let created = try #require(
                    try await fixture.store.collections(accountId: fixture.accountId).first {
                        $0.href == normalized
                    })
                #expect(created.displayName == "Lifecycle test")
                let afterCreate = try await fixture.store.state(
                    accountId: fixture.accountId, dataType: .addressBook)
                let changes = try await fixture.store.changes(
                    accountId: fixture.accountId, dataType: .addressBook, sinceState: before, maxChanges: nil)
                #expect(changes.created.contains(created.id))

                try await fixture.client.delete(scratch)
                let report = try await fixture.synchronizer.sync()
                #expect(report.collectionsRemoved == 1)
                #expect(
                    try await fixture.store.collections(accountId: fixture.accountId).allSatisfy {
                        $0.href != normalized
                    })
                let removal = try await fixture.store.changes(
                    accountId: fixture.accountId, dataType: .addressBook, sinceState: afterCreate, maxChanges: nil)
                #expect(removal.destroyed == [created.id])
                // The listing was dropped with the vanished collection: the next sync lists again, cleanly.
                let next = try await fixture.synchronizer.sync()
                #expect(next.collectionsRemoved == 0)
            } catch {
                try? await fixture.client.delete(scratch)
                throw error
            }
        }
    }
}

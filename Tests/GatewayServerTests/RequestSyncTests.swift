import DAV
import Foundation
import Store
import TestSupport
import Testing

/// Issue 3, "when to sync": a request for an account whose cache is older than `min_sync_age` syncs
/// first, so it reads what is on the DAV server now; only the kinds of collection its methods use.
/// (Reads from the cache while the server is down: `AccountSynchronizer.syncIfStale`, tested in
/// SyncSchedulingTests.)
extension BobBackedTests {
    @Suite struct RequestSyncTests {
        static let echo = #"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Core/echo",{},"0"]]}"#

        static func addressBookGet(_ accountId: String) -> String {
            #"{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:contacts"],"methodCalls":"#
                + #"[["AddressBook/get",{"accountId":"\#(accountId)","ids":[]},"0"]]}"#
        }

        @Test func requestSyncsAStaleAccountFirst() async throws {
            let gateway = try TestGateway { $0.backend.minSyncAge = .zero }
            let bob = TestBackends.bob
            let book = try TestBackends.load().collection(.radicale, "AB", user: bob)
            let dav = bob.davClient
            let card = try #require(URL(string: book.absoluteString + "request-sync-\(UUID().uuidString).vcf"))
            let vCard = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:\(UUID().uuidString)\r\nFN:Request Sync\r\nEND:VCARD\r\n"
            try await gateway.run { client in
                let accountId = try await client.accountId(of: bob)
                let store = try SQLiteStore(path: gateway.configuration.cache.databasePath)
                // Neither the session nor a request without data methods syncs; a contacts request syncs
                // the address books, and not the calendars.
                #expect(try await store.collections(accountId: accountId).isEmpty)
                #expect(try await client.jmap(Self.echo, as: bob).0 == .ok)
                #expect(try await store.collections(accountId: accountId).isEmpty)
                #expect(try await client.jmap(Self.addressBookGet(accountId), as: bob).0 == .ok)
                let synced = try await store.collections(accountId: accountId)
                #expect(!synced.isEmpty)
                #expect(synced.allSatisfy { $0.kind == .addressBook })
                let books = synced.filter { $0.kind == .addressBook }
                let cached = try #require(
                    books.first { $0.href == DAVHref.normalize(book.absoluteString, relativeTo: book) })
                let before = try await store.state(accountId: accountId, dataType: .contactCard)

                // Written behind the gateway's back: the next request sees it, without waiting for a poll.
                _ = try await dav.put(card, body: Data(vCard.utf8), contentType: "text/vcard", precondition: .create)
                do {
                    #expect(try await client.jmap(Self.addressBookGet(accountId), as: bob).0 == .ok)
                    let href = DAVHref.normalize(card.absoluteString, relativeTo: book)
                    let versions = try await store.objectVersions(
                        accountId: accountId, collectionId: cached.id, hrefs: [href])
                    #expect(versions.map(\.href) == [href])
                    let changes = try await store.changes(
                        accountId: accountId, dataType: .contactCard, sinceState: before, maxChanges: nil)
                    // (DAV tests may add cards to bob's scratch books meanwhile: look for this one.)
                    #expect(versions.allSatisfy { changes.created.contains($0.id) })
                } catch {
                    try? await dav.delete(card)
                    throw error
                }
                try await dav.delete(card)
            }
        }
    }
}

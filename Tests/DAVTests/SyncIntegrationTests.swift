import Foundation
import TestSupport
import Testing

@testable import DAV

/// sync-collection, PROPFIND listings and multiget against the real servers, each test in its own
/// scratch address book.
@Suite struct SyncIntegrationTests {
    @Test(arguments: TestBackends.Server.allCases)
    func incrementalSyncFollowsCreateModifyDelete(server: TestBackends.Server) async throws {
        let scratch = try ScratchServer(server)
        let client = scratch.client
        try await scratch.withAddressBook { book in
            let initial = try await client.syncCollection(book, syncToken: nil)
            #expect(initial.members.isEmpty)
            #expect(initial.removed.isEmpty)
            let start = try #require(initial.syncToken)

            let card = try scratch.newResource(in: book, "vcf")
            let href = DAVHref.normalize(card.absoluteString, relativeTo: book)
            let created = try #require(
                try await client.put(
                    card, body: TestDAV.vCard(uid: "sync-1", name: "One"), contentType: "text/vcard",
                    precondition: .create))
            let afterCreate = try await client.syncCollection(book, syncToken: start)
            #expect(
                afterCreate.members == [
                    DAVMember(href: href, etag: created, properties: afterCreate.members.first?.properties ?? [])
                ])
            #expect(afterCreate.removed.isEmpty)
            #expect(!afterCreate.truncated)
            let tokenAfterCreate = try #require(afterCreate.syncToken)
            #expect(tokenAfterCreate != start)

            let modified = try #require(
                try await client.put(
                    card, body: TestDAV.vCard(uid: "sync-1", name: "One Again"), contentType: "text/vcard",
                    precondition: .ifMatch(created)))
            #expect(modified != created)
            let afterModify = try await client.syncCollection(book, syncToken: tokenAfterCreate)
            #expect(afterModify.members.map(\.href) == [href])
            #expect(afterModify.members.first?.etag == modified)

            try await client.delete(card, ifMatch: modified)
            let afterDelete = try await client.syncCollection(book, syncToken: try #require(afterModify.syncToken))
            #expect(afterDelete.members.isEmpty)
            #expect(afterDelete.removed == [href])
        }
    }

    @Test(arguments: TestBackends.Server.allCases)
    func refusedTokenIsInvalidSyncToken(server: TestBackends.Server) async throws {
        let scratch = try ScratchServer(server)
        let book = try TestBackends.load().collection(server, "AB", user: scratch.user)
        await #expect {
            _ = try await scratch.client.syncCollection(book, syncToken: "http://example.com/ns/sync/bogus-\(UUID())")
        } throws: { isDAVError($0) { if case .invalidSyncToken = $0 { true } else { false } } }
        // The same collection syncs fine from no token.
        #expect(try await scratch.client.syncCollection(book, syncToken: nil).syncToken != nil)
    }

    /// A 403 that is about access, not the token, stays `.forbidden` (Radicale; Xandikos answers 500).
    @Test func foreignCollectionIsForbiddenNotAnInvalidToken() async throws {
        let bobsBook = try TestBackends.load().collection(.radicale, "AB", user: TestBackends.bob)
        await #expect {
            _ = try await TestDAV.client(TestBackends.alice).syncCollection(bobsBook, syncToken: nil)
        } throws: { isDAVError($0) { if case .forbidden = $0 { true } else { false } } }
    }

    @Test(arguments: TestBackends.Server.allCases)
    func listingAgreesWithSync(server: TestBackends.Server) async throws {
        let scratch = try ScratchServer(server)
        let client = scratch.client
        try await scratch.withAddressBook { book in
            // Names the servers spell differently in hrefs: `@`, a space, non-ASCII.
            let names = ["a@b-\(UUID()).vcf", "with space-\(UUID()).vcf", "José-\(UUID()).vcf"]
            var etags: [String: String?] = [:]
            for (index, name) in names.enumerated() {
                let encoded = try #require(name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed))
                let url = try TestDAV.url(book.absoluteString + encoded)
                etags[DAVHref.normalize(url.absoluteString, relativeTo: book)] = try await client.put(
                    url, body: TestDAV.vCard(uid: "list-\(index)", name: "N\(index)"), contentType: "text/vcard",
                    precondition: .create)
            }
            let listed = try await client.listMembers(book)
            let synced = try await client.syncCollection(book, syncToken: nil)
            #expect(listed.count == 3)
            #expect(Set(listed.map(\.href)) == Set(etags.keys))
            #expect(Dictionary(uniqueKeysWithValues: listed.map { ($0.href, $0.etag) }) == etags)
            #expect(
                Dictionary(uniqueKeysWithValues: synced.members.map { ($0.href, $0.etag) })
                    == Dictionary(uniqueKeysWithValues: listed.map { ($0.href, $0.etag) }))
            #expect(listed.allSatisfy { $0.contentType?.hasPrefix("text/vcard") == true })
        }
    }

    @Test(arguments: TestBackends.Server.allCases)
    func multigetFetchesExistingAndReportsMissing(server: TestBackends.Server) async throws {
        let scratch = try ScratchServer(server)
        let client = scratch.client
        try await scratch.withAddressBook { book in
            let urls = try await scratch.putVCards(3, in: book, uidPrefix: "mg", namePrefix: "M")
            let missing = try scratch.newResource(in: book, "vcf")
            // Absolute URLs, a path, and a literal `@` where the canonical form has %40: all accepted.
            let requested = [
                urls[0].absoluteString, DAVHref.path(urls[1].absoluteString, relativeTo: book), urls[2].absoluteString,
                missing.absoluteString,
            ]
            let result = try await client.multiget(book, kind: .addressBook, hrefs: requested, batchSize: 2)
            #expect(result.missing == [DAVHref.normalize(missing.absoluteString, relativeTo: book)])
            #expect(result.resources.map(\.href) == urls.map { DAVHref.normalize($0.absoluteString, relativeTo: book) })
            for (index, resource) in result.resources.enumerated() {
                #expect(TestDAV.text(resource.body).contains("UID:mg-\(index)\r\n"))
                // The same bytes and ETag as a GET, CRLF line ends included.
                let fetched = try await client.get(urls[index])
                #expect(resource.body == fetched.body)
                #expect(resource.etag == fetched.etag)
            }
        }
    }

    /// addressbook-query and calendar-query for every member (RFC 6352 §8.6, RFC 4791 §7.8) return
    /// each card and event with the same bytes and ETag as a multiget.
    @Test(arguments: TestBackends.Server.allCases)
    func queryForEveryMemberMatchesTheMultiget(server: TestBackends.Server) async throws {
        let scratch = try ScratchServer(server)
        let client = scratch.client
        try await scratch.withAddressBook { book in
            let hrefs = try await scratch.putVCards(3, in: book, uidPrefix: "all", namePrefix: "A").map {
                DAVHref.normalize($0.absoluteString, relativeTo: book)
            }
            let all = try await client.allResources(book, kind: .addressBook)
            #expect(Set(all.map(\.href)) == Set(hrefs))
            let multigot = try await client.multiget(book, kind: .addressBook, hrefs: hrefs)
            #expect(Set(all) == Set(multigot.resources))
        }
        try await scratch.withCalendar { calendar in
            var hrefs: [String] = []
            for index in 0..<2 {
                let url = try scratch.newResource(in: calendar, "ics")
                try await client.put(
                    url,
                    body: TestDAV.event(
                        uid: "all-\(index)", start: "2026030\(index + 1)T100000", end: "2026030\(index + 1)T110000"),
                    contentType: "text/calendar")
                hrefs.append(DAVHref.normalize(url.absoluteString, relativeTo: calendar))
            }
            let all = try await client.allResources(calendar, kind: .calendar)
            #expect(Set(all.map(\.href)) == Set(hrefs))
            let multigot = try await client.multiget(calendar, kind: .calendar, hrefs: hrefs)
            #expect(Set(all) == Set(multigot.resources))
        }
    }
}

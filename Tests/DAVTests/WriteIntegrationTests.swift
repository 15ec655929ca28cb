import Foundation
import TestSupport
import Testing

@testable import DAV

/// GET, conditional PUT and DELETE (RFC 9110 §13.1) against the real servers.
@Suite struct WriteIntegrationTests {
    static func isPreconditionFailed(_ error: any Error) -> Bool {
        isDAVError(error) { if case .preconditionFailed = $0 { true } else { false } }
    }

    @Test(arguments: TestBackends.Server.allCases)
    func createTwiceFailsTheSecondTime(server: TestBackends.Server) async throws {
        let scratch = try ScratchServer(server)
        try await scratch.withAddressBook { book in
            let card = try scratch.newResource(in: book, "vcf")
            let first = try await scratch.client.put(
                card, body: TestDAV.vCard(uid: "twice", name: "First"), contentType: "text/vcard", precondition: .create
            )
            #expect(first != nil)
            await #expect {
                try await scratch.client.put(
                    card, body: TestDAV.vCard(uid: "twice", name: "Second"), contentType: "text/vcard",
                    precondition: .create)
            } throws: { Self.isPreconditionFailed($0) }
            let stored = try await scratch.client.get(card)
            #expect(TestDAV.text(stored.body).contains("FN:First"))
            #expect(stored.etag == first)
        }
    }

    @Test(arguments: TestBackends.Server.allCases)
    func wrongIfMatchLeavesTheResourceAlone(server: TestBackends.Server) async throws {
        let scratch = try ScratchServer(server)
        try await scratch.withAddressBook { book in
            let card = try scratch.newResource(in: book, "vcf")
            let etag = try #require(
                try await scratch.client.put(
                    card, body: TestDAV.vCard(uid: "im", name: "Kept"), contentType: "text/vcard"))
            await #expect {
                try await scratch.client.put(
                    card, body: TestDAV.vCard(uid: "im", name: "Lost"), contentType: "text/vcard",
                    precondition: .ifMatch("\"not-the-etag\""))
            } throws: { Self.isPreconditionFailed($0) }
            #expect(TestDAV.text(try await scratch.client.get(card).body).contains("FN:Kept"))
            let updated = try await scratch.client.put(
                card, body: TestDAV.vCard(uid: "im", name: "Updated"), contentType: "text/vcard",
                precondition: .ifMatch(etag))
            #expect(updated != nil && updated != etag)
        }
    }

    @Test(arguments: TestBackends.Server.allCases)
    func deleteHonoursIfMatch(server: TestBackends.Server) async throws {
        let scratch = try ScratchServer(server)
        try await scratch.withCalendar { calendar in
            let event = try scratch.newResource(in: calendar, "ics")
            let etag = try #require(
                try await scratch.client.put(
                    event, body: TestDAV.event(uid: "del-\(UUID())", start: "20260310T100000", end: "20260310T110000"),
                    contentType: "text/calendar", precondition: .create))
            await #expect {
                try await scratch.client.delete(event, ifMatch: "\"not-the-etag\"")
            } throws: { Self.isPreconditionFailed($0) }
            #expect(try await scratch.client.get(event).etag == etag)
            // Radicale answers 200 with a multistatus body, Xandikos 204.
            try await scratch.client.delete(event, ifMatch: etag)
            await #expect {
                try await scratch.client.get(event)
            } throws: { isDAVError($0) { if case .notFound = $0 { true } else { false } } }
        }
    }

    @Test(arguments: TestBackends.Server.allCases)
    func getReturnsTheStoredBodyAndThePutETag(server: TestBackends.Server) async throws {
        let scratch = try ScratchServer(server)
        try await scratch.withAddressBook { book in
            let card = try scratch.newResource(in: book, "vcf")
            let etag = try await scratch.client.put(
                card, body: TestDAV.vCard(uid: "get-1", name: "Zoë"), contentType: "text/vcard; charset=utf-8")
            let resource = try await scratch.client.get(card)
            #expect(resource.etag == etag)
            #expect(resource.href == DAVHref.normalize(card.absoluteString, relativeTo: card))
            #expect(TestDAV.text(resource.body).contains("FN:Zoë"))
        }
    }
}

import Foundation
import TestSupport
import Testing

@testable import DAV

/// A real server with a fresh collection per test, so tests can run repeatedly and in parallel with
/// each other and with the gateway's tests. The collections belong to bob: the gateway tests list
/// alice's collections, and a scratch collection in her home could change what they see.
struct ScratchServer {
    let server: TestBackends.Server
    let client: DAVClient
    let addressBookHome: URL
    let calendarHome: URL
    let user = TestBackends.bob

    init(_ server: TestBackends.Server) throws {
        let backends = try TestBackends.load()
        self.server = server
        client = TestDAV.client(user)
        // The configured collections sit directly in their homes on both servers.
        addressBookHome = try backends.collection(server, "AB", user: user).deletingLastPathComponent()
        calendarHome = try backends.collection(server, "CAL", user: user).deletingLastPathComponent()
    }

    /// A URL in `collection` for a new resource; the `@` makes servers disagree on its spelling.
    func newResource(in collection: URL, _ suffix: String) throws -> URL {
        try TestDAV.url(collection.absoluteString + "t-\(UUID().uuidString.lowercased())@x.\(suffix)")
    }

    /// `count` new vCards in `book`, UIDs "<uidPrefix>-0"… and names "<namePrefix>0"…; their URLs in order.
    func putVCards(_ count: Int, in book: URL, uidPrefix: String, namePrefix: String) async throws -> [URL] {
        var urls: [URL] = []
        for index in 0..<count {
            let url = try newResource(in: book, "vcf")
            try await client.put(
                url, body: TestDAV.vCard(uid: "\(uidPrefix)-\(index)", name: "\(namePrefix)\(index)"),
                contentType: "text/vcard")
            urls.append(url)
        }
        return urls
    }

    /// Runs `body` with a new, empty address book, deleted afterwards whatever happens.
    @discardableResult
    func withAddressBook<T>(_ body: (URL) async throws -> T) async throws -> T {
        let url = try scratchURL(in: addressBookHome)
        try await client.makeAddressBook(url, displayName: "DAV test \(url.lastPathComponent)")
        return try await cleaningUp(url, body)
    }

    /// Runs `body` with a new, empty VEVENT/VTODO calendar, deleted afterwards whatever happens.
    @discardableResult
    func withCalendar<T>(_ body: (URL) async throws -> T) async throws -> T {
        let url = try scratchURL(in: calendarHome)
        try await client.makeCalendar(
            url, displayName: "DAV test \(url.lastPathComponent)", components: ["VEVENT", "VTODO"])
        return try await cleaningUp(url, body)
    }

    func scratchURL(in home: URL) throws -> URL {
        try TestDAV.url(home.absoluteString + "davtest-\(UUID().uuidString.lowercased())/")
    }

    private func cleaningUp<T>(_ url: URL, _ body: (URL) async throws -> T) async throws -> T {
        do {
            let result = try await body(url)
            try await client.delete(url)
            return result
        } catch {
            try? await client.delete(url)
            throw error
        }
    }
}

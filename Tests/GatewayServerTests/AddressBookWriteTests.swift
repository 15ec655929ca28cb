import DAV
import Foundation
import JMAPCore
import TestSupport
import Testing

/// AddressBook/set (RFC 9610 §2.3) and moving a card between address books (§3.5) over HTTP against
/// the real servers: the DAV server is checked directly after every step.
extension BobBackedTests {
    @Suite struct AddressBookWriteTests {

        @Test(arguments: TestBackends.Server.allCases)
        func createRenameMoveDefaultDestroy(server: TestBackends.Server) async throws {
            let bob = TestBackends.bob
            let gateway = try TestGateway(server: server) { $0.backend.minSyncAge = .zero }
            let dav = bob.davClient
            let name = "Work \(UUID().uuidString.prefix(8))"
            let home = try TestBackends.load().collection(server, "AB", user: bob).deletingLastPathComponent()
            @Sendable func davBook(named name: String) async throws -> DAVCollection? {
                try await DAVDiscovery(client: dav, baseURL: home).collections(
                    inHome: home, properties: DAVCollection.listingProperties
                ).first { $0.displayName == name }
            }
            try await gateway.run { client in
                let session = try await client.session(as: bob)
                let accountId = try await client.accountId(of: bob)
                let capability = session["accounts"]?.objectValue?[accountId]?.objectValue?["accountCapabilities"]?
                    .objectValue?["urn:ietf:params:jmap:contacts"]?.objectValue
                #expect(capability?["mayCreateAddressBook"] == .bool(true), "bob owns his address book home")
                func call(_ calls: String) async throws -> [(name: String, arguments: JSONObject, id: String)] {
                    try await client.contactsCalls(calls, as: bob)
                }
                let before = try await call(#"["AddressBook/get",{"accountId":"\#(accountId)"},"g"]"#)
                let defaultId = try #require(
                    before.first?.arguments["list"]?.arrayValue?.compactMap(\.objectValue).first {
                        $0["isDefault"] == .bool(true)
                    }?["id"]?.stringValue)

                // Create: an extended MKCOL with the name and description; sortOrder is the user's own.
                let created = try await call(
                    """
                    ["AddressBook/set",{"accountId":"\(accountId)","create":{"b1":{
                      "name":"\(name)","description":"Office contacts","sortOrder":5}}},"c"],
                    ["AddressBook/set",{"accountId":"\(accountId)","create":{"bad":{"name":""}}},"bad"]
                    """)
                let createdBook = try #require(created.first?.arguments["created"]?.objectValue?["b1"]?.objectValue)
                let bookId = try #require(createdBook["id"]?.stringValue)
                let bookState = try #require(created.first?.arguments["newState"]?.stringValue)
                #expect(createdBook["isDefault"] == .bool(false))
                #expect(createdBook["isSubscribed"] == .bool(true))
                #expect(
                    created.last?.arguments["notCreated"]?.objectValue?["bad"]?.objectValue?["type"]
                        == "invalidProperties")
                let onServer = try #require(try await davBook(named: name))
                #expect(onServer.description == "Office contacts")

                // Update: the name and description on the server, isSubscribed in the cache.
                let renamed = name + " (renamed)"
                _ = try await call(
                    """
                    ["AddressBook/set",{"accountId":"\(accountId)","update":{"\(bookId)":{
                      "name":"\(renamed)","description":null,"isSubscribed":false}}},"u"]
                    """)
                let renamedOnServer = try #require(try await davBook(named: renamed))
                #expect((renamedOnServer.description ?? "").isEmpty)
                let got = try await call(#"["AddressBook/get",{"accountId":"\#(accountId)","ids":["\#(bookId)"]},"g"]"#)
                let book = try #require(got.first?.arguments["list"]?.arrayValue?.first?.objectValue)
                #expect(book["name"] == .string(renamed))
                #expect(book["description"] == .null)
                #expect(book["sortOrder"] == .int(5))
                #expect(book["isSubscribed"] == .bool(false))

                // A card in the new book, then moved to the default one: same id, other collection.
                let uid = "move-\(UUID().uuidString.lowercased())"
                let card = try await call(
                    """
                    ["ContactCard/set",{"accountId":"\(accountId)","create":{"m":{"uid":"\(uid)",
                      "addressBookIds":{"\(bookId)":true},"name":{"full":"Ada Lovelace"}}}},"cc"]
                    """)
                let cardId = try #require(
                    card.first?.arguments["created"]?.objectValue?["m"]?.objectValue?["id"]?.stringValue)
                let inNewBook = try #require(URL(string: "\(renamedOnServer.url.absoluteString)\(uid).vcf"))
                let original = try await dav.get(inNewBook)
                let hasContents = try await call(
                    #"["AddressBook/set",{"accountId":"\#(accountId)","destroy":["\#(bookId)"]},"d"]"#)
                #expect(
                    hasContents.first?.arguments["notDestroyed"]?.objectValue?[bookId]?.objectValue?["type"]
                        == "addressBookHasContents")

                let moved = try await call(
                    """
                    ["ContactCard/set",{"accountId":"\(accountId)","update":{"\(cardId)":{
                      "addressBookIds":{"\(defaultId)":true}}}},"mv"],
                    ["ContactCard/get",{"accountId":"\(accountId)","ids":["\(cardId)"],"properties":["addressBookIds"]},"g"]
                    """)
                #expect(moved.first?.arguments["updated"]?.objectValue?.keys.contains(cardId) == true)
                #expect(
                    moved.last?.arguments["list"]?.arrayValue?.first?.objectValue?["addressBookIds"]
                        == .object([defaultId: true]))
                await #expect(throws: DAVError.self) { try await dav.get(inNewBook) }
                let inDefault = try TestBackends.load().collection(server, "AB", user: bob)
                    .appendingPathComponent("\(uid).vcf")
                #expect(try await dav.get(inDefault).body == original.body, "moved byte for byte")

                // onSuccessSetIsDefault: both books' isDefault reported as changed.
                let madeDefault = try await call(
                    #"["AddressBook/set",{"accountId":"\#(accountId)","onSuccessSetIsDefault":"\#(bookId)"},"def"]"#)
                let updated = madeDefault.first?.arguments["updated"]?.objectValue
                #expect(updated?[bookId]?.objectValue?["isDefault"] == .bool(true))
                #expect(updated?[defaultId]?.objectValue?["isDefault"] == .bool(false))

                // Destroy with its contents: the collection is gone from the server.
                _ = try await call(
                    """
                    ["ContactCard/set",{"accountId":"\(accountId)","update":{"\(cardId)":{
                      "addressBookIds":{"\(bookId)":true}}}},"back"],
                    ["AddressBook/set",{"accountId":"\(accountId)","destroy":["\(bookId)"],
                      "onDestroyRemoveContents":true},"d"]
                    """)
                #expect(try await davBook(named: renamed) == nil)
                await #expect(throws: DAVError.self) { try await dav.get(inDefault) }
                let changes = try await call(
                    #"["AddressBook/changes",{"accountId":"\#(accountId)","sinceState":"\#(bookState)"},"ch"]"#)
                // Only this book is asserted on: the DAV tests create and delete bob's scratch books meanwhile.
                #expect(changes.first?.arguments["destroyed"]?.arrayValue?.contains(.string(bookId)) == true)
                let gone = try await call(
                    #"["ContactCard/get",{"accountId":"\#(accountId)","ids":["\#(cardId)"]},"g"]"#)
                #expect(gone.first?.arguments["notFound"] == .array([.string(cardId)]))
            }
        }
    }
}

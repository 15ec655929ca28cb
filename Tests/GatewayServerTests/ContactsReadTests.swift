import DAV
import Foundation
import JMAPCore
import TestSupport
import Testing

/// RFC 9610 over HTTP against the real servers: the contacts capability, AddressBook/get, and
/// ContactCard/get and /changes for cards written directly on the DAV server.
extension BobBackedTests {
    @Suite struct ContactsReadTests {
        static let using = #"["urn:ietf:params:jmap:core","urn:ietf:params:jmap:contacts"]"#

        @Test("RFC 9610 §1.4.1: the contacts capability, in the session and the account")
        func capability() async throws {
            try await TestGateway().run { client in
                let session = try await client.session(as: TestBackends.bob)
                #expect(session["capabilities"]?.objectValue?["urn:ietf:params:jmap:contacts"] == .object([:]))
                let account = try #require(session["accounts"]?.objectValue?.values.first?.objectValue)
                let contacts = account["accountCapabilities"]?.objectValue?["urn:ietf:params:jmap:contacts"]
                #expect(contacts?.objectValue?["maxAddressBooksPerCard"] == .int(1))
                // No AddressBook/set yet, so no promise that one may create address books.
                #expect(contacts?.objectValue?["mayCreateAddressBook"] == .bool(true), "the user owns the home")
            }
        }

        @Test(arguments: TestBackends.Server.allCases)
        func cardsWrittenOnTheServerAreReadAsJSContact(server: TestBackends.Server) async throws {
            let bob = TestBackends.bob
            let gateway = try TestGateway(server: server) { $0.backend.minSyncAge = .zero }
            let book = try TestBackends.load().collection(server, "AB", user: bob)
            let dav = bob.davClient
            let uid = "read-\(UUID().uuidString.lowercased())"
            let url = try #require(URL(string: book.absoluteString + "\(uid).vcf"))
            @Sendable func vCard(_ email: String) -> Data {
                Data(
                    ("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:\(uid)\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
                        + "item1.EMAIL;TYPE=INTERNET:\(email)\r\nitem1.X-ABLabel:Home\r\n"
                        + "X-UNKNOWN;X-PARAM=1:kept\r\nEND:VCARD\r\n").utf8)
            }
            let etag = try await dav.put(
                url, body: vCard("ada@example.com"), contentType: "text/vcard", precondition: .create)
            defer { Task { try? await dav.delete(url) } }

            try await gateway.run { client in
                let accountId = try await client.accountId(of: bob)
                let (status, body) = try await client.jmap(
                    """
                    {"using":\(Self.using),"methodCalls":[
                      ["AddressBook/get",{"accountId":"\(accountId)"},"b"],
                      ["ContactCard/get",{"accountId":"\(accountId)"},"c"]]}
                    """, as: bob)
                #expect(status == .ok)
                let responses = body.methodResponses
                try #require(responses.map(\.name) == ["AddressBook/get", "ContactCard/get"])
                let books = try #require(responses[0].arguments["list"]?.arrayValue).compactMap(\.objectValue)
                #expect(books.filter { $0["isDefault"] == .bool(true) }.count == 1, "RFC 9610 §2: one default")
                #expect(books.allSatisfy { $0["myRights"]?.objectValue?["mayRead"] == .bool(true) })
                let cards = try #require(responses[1].arguments["list"]?.arrayValue).compactMap(\.objectValue)
                let card = try #require(cards.first { $0["uid"] == .string(uid) })
                #expect(card["name"]?.objectValue?["full"] == .string("Ada Lovelace"))
                let email = card["emails"]?.objectValue?.values.first?.objectValue
                #expect(email?["address"] == .string("ada@example.com"))
                #expect(email?["label"] == .string("Home"))
                let cardBooks = try #require(card["addressBookIds"]?.objectValue)
                #expect(cardBooks.count == 1 && cardBooks.values.allSatisfy { $0 == .bool(true) })
                #expect(books.contains { $0["id"]?.stringValue == cardBooks.keys.first })
                let id = try #require(card["id"]?.stringValue)
                let state = try #require(responses[1].arguments["state"]?.stringValue)

                // `properties` (RFC 8620 §5.1): only those, and always the id.
                let (_, projected) = try await client.jmap(
                    """
                    {"using":\(Self.using),"methodCalls":[
                      ["ContactCard/get",{"accountId":"\(accountId)","ids":["\(id)","nope"],"properties":["uid"]},"p"]]}
                    """, as: bob)
                let only = try #require(projected.methodResponses.first?.arguments)
                #expect(only["list"] == .array([.object(["id": .string(id), "uid": .string(uid)])]))
                #expect(only["notFound"] == .array(["nope"]))

                // Served again, now from the cached JSON copied into the response unread: the same card,
                // and a result reference (RFC 8620 §3.7) reads into it.
                let (_, again) = try await client.jmap(
                    """
                    {"using":\(Self.using),"methodCalls":[
                      ["ContactCard/get",{"accountId":"\(accountId)","ids":["\(id)"]},"a"],
                      ["ContactCard/get",{"accountId":"\(accountId)","properties":["uid"],
                        "#ids":{"resultOf":"a","name":"ContactCard/get","path":"/list/*/id"}},"r"]]}
                    """, as: bob)
                #expect(again.methodResponses.first?.arguments["list"] == .array([.object(card)]))
                // With `properties`, those members are cut out of the cached text: equal to the full card's.
                let (_, picked) = try await client.jmap(
                    """
                    {"using":\(Self.using),"methodCalls":[
                      ["ContactCard/get",{"accountId":"\(accountId)","ids":["\(id)"],
                        "properties":["name","emails","addressBookIds","x-missing"]},"n"]]}
                    """, as: bob)
                let wanted: Set = ["id", "name", "emails", "addressBookIds"]
                #expect(
                    picked.methodResponses.first?.arguments["list"]
                        == .array([.object(card.filter { wanted.contains($0.key) })]))
                #expect(
                    again.methodResponses.last?.arguments["list"]
                        == .array([.object(["id": .string(id), "uid": .string(uid)])]))

                // A query without filter or sort lists every card in id order, read or not (RFC 8620 §5.5):
                // the ids a /get of every card in the same request returns (other tests write to bob's books).
                let (_, everything) = try await client.jmap(
                    """
                    {"using":\(Self.using),"methodCalls":[
                      ["ContactCard/get",{"accountId":"\(accountId)","properties":["id"]},"ids"],
                      ["ContactCard/query",{"accountId":"\(accountId)"},"all"],
                      ["ContactCard/query",{"accountId":"\(accountId)","filter":{"operator":"OR","conditions":[]},
                        "sort":[{"property":"updated"}]},"none"]]}
                    """, as: bob)
                let listed = everything.methodResponses.first?.arguments["list"]?.arrayValue ?? []
                let allIds = listed.compactMap { $0.objectValue?["id"]?.stringValue }
                #expect(allIds.contains(id))
                #expect(
                    everything.methodResponses.dropFirst().first?.arguments["ids"]
                        == JSONValue(allIds.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }))
                #expect(everything.methodResponses.last?.arguments["ids"] == .array([]), "an empty OR matches nothing")

                // A query the DAV-side edit below will make this card match (RFC 9610 §3.4).
                let filter = #"{"operator":"AND","conditions":[{"uid":"\#(uid)"},{"email":"lovelace.example"}]}"#
                let (_, queried) = try await client.jmap(
                    """
                    {"using":\(Self.using),"methodCalls":[
                      ["ContactCard/query",{"accountId":"\(accountId)","filter":\(filter)},"q"]]}
                    """, as: bob)
                #expect(queried.methodResponses.first?.arguments["ids"] == .array([]))
                let queryState = try #require(queried.methodResponses.first?.arguments["queryState"]?.stringValue)

                // Changed on the server: the next request syncs, and /changes names exactly this card.
                try await dav.put(
                    url, body: vCard("ada@lovelace.example"), contentType: "text/vcard",
                    precondition: etag.map { .ifMatch($0) } ?? .none)
                let (_, after) = try await client.jmap(
                    """
                    {"using":\(Self.using),"methodCalls":[
                      ["ContactCard/changes",{"accountId":"\(accountId)","sinceState":"\(state)"},"x"],
                      ["ContactCard/queryChanges",{"accountId":"\(accountId)","filter":\(filter),
                        "sinceQueryState":"\(queryState)"},"qc"],
                      ["ContactCard/get",{"accountId":"\(accountId)","ids":["\(id)"],"properties":["emails"]},"g"]]}
                    """, as: bob)
                let changes = try #require(after.methodResponses.first?.arguments)
                let queryChanges = try #require(after.methodResponses.dropFirst().first?.arguments)
                #expect(queryChanges["added"] == .array([["id": .string(id), "index": 0]]))
                #expect(queryChanges["removed"]?.arrayValue?.contains(.string(id)) == true)
                // (DAV tests create and delete scratch books in bob's home meanwhile: look at this card.)
                #expect(changes["updated"]?.arrayValue?.contains(.string(id)) == true)
                #expect(changes["created"]?.arrayValue?.contains(.string(id)) == false)
                #expect(changes["destroyed"]?.arrayValue?.contains(.string(id)) == false)
                let updated = after.methodResponses.last?.arguments["list"]?.arrayValue?.first?.objectValue
                let address = updated?["emails"]?.objectValue?.values.first?.objectValue?["address"]
                #expect(address == .string("ada@lovelace.example"))
            }
        }

        @Test("RFC 8620 §5.2: a state this cache never issued is cannotCalculateChanges")
        func unknownStateCannotCalculate() async throws {
            try await TestGateway().run { client in
                let accountId = try await client.accountId(of: TestBackends.bob)
                let (_, body) = try await client.jmap(
                    """
                    {"using":\(Self.using),"methodCalls":[
                      ["ContactCard/changes",{"accountId":"\(accountId)","sinceState":"nope-1"},"x"]]}
                    """, as: TestBackends.bob)
                let response = try #require(body.methodResponses.first)
                #expect(response.name == "error")
                #expect(response.arguments["type"] == .string("cannotCalculateChanges"))
            }
        }
    }
}

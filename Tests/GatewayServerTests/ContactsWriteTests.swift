import DAV
import Foundation
import JMAPCore
import TestSupport
import Testing

/// ContactCard/set (RFC 9610 §3.5) over HTTP against the real servers: create, a one-property patch
/// that keeps every other line of the stored vCard, an edit made on the DAV server between the
/// client's get and set that is not lost, and destroy.
extension BobBackedTests {
    @Suite struct ContactsWriteTests {
        static let using = #"["urn:ietf:params:jmap:core","urn:ietf:params:jmap:contacts"]"#

        @Test(arguments: TestBackends.Server.allCases)
        func createPatchConcurrentEditDestroy(server: TestBackends.Server) async throws {
            let bob = TestBackends.bob
            let gateway = try TestGateway(server: server) { $0.backend.minSyncAge = .zero }
            let dav = bob.davClient
            let uid = "write-\(UUID().uuidString.lowercased())"
            try await gateway.run { client in
                let accountId = try await client.accountId(of: bob)
                func call(_ calls: String) async throws -> [(name: String, arguments: JSONObject, id: String)] {
                    try await client.contactsCalls(calls, as: bob)
                }

                let before = try await call(
                    #"["ContactCard/query",{"accountId":"\#(accountId)","filter":{"uid":"\#(uid)"}},"q0"]"#)
                #expect(before.first?.arguments["ids"] == .array([]))
                #expect(before.first?.arguments["canCalculateChanges"] == .bool(true))
                let queryState = try #require(before.first?.arguments["queryState"]?.stringValue)

                // Create: no addressBookIds, so the default book (server-set, returned in `created`).
                let created = try await call(
                    """
                    ["ContactCard/set",{"accountId":"\(accountId)","create":{"c1":{
                      "@type":"Card","uid":"\(uid)","name":{"full":"Grace Hopper"},
                      "emails":{"e1":{"address":"grace@example.com"}},"notes":{"n1":{"note":"first"}}}}},"s"]
                    """)
                let createdCard = try #require(created.first?.arguments["created"]?.objectValue?["c1"]?.objectValue)
                let id = try #require(createdCard["id"]?.stringValue)
                #expect(createdCard["addressBookIds"]?.objectValue?.count == 1)

                // ContactCard/queryChanges (RFC 9610 §3.4): the new card is added at index 0 of the
                // results it matches, and of no others.
                let queryChanges = try await call(
                    """
                    ["ContactCard/queryChanges",{"accountId":"\(accountId)","filter":{"uid":"\(uid)"},
                      "sinceQueryState":"\(queryState)","calculateTotal":true},"qc"],
                    ["ContactCard/queryChanges",{"accountId":"\(accountId)","filter":{"uid":"no-such-uid"},
                      "sinceQueryState":"\(queryState)"},"qn"]
                    """)
                #expect(queryChanges.first?.arguments["added"] == .array([["id": .string(id), "index": 0]]))
                #expect(queryChanges.first?.arguments["total"] == .int(1))
                #expect(queryChanges.last?.arguments["added"] == .array([]))

                // ContactCard/query (RFC 9610 §3.3) finds it by nested conditions, on the cache.
                let found = try await call(
                    """
                    ["ContactCard/query",{"accountId":"\(accountId)","filter":{"operator":"AND","conditions":[
                      {"email":"grace@EXAMPLE"},{"name":"hopper"},{"operator":"NOT","conditions":[{"note":"second"}]}]},
                      "sort":[{"property":"name/given"}],"calculateTotal":true},"q"],
                    ["ContactCard/query",{"accountId":"\(accountId)","filter":{"color":"red"}},"e"]
                    """)
                #expect(found.first?.arguments["ids"] == .array([.string(id)]))
                #expect(found.first?.arguments["total"] == .int(1))
                #expect(found.last?.name == "error")
                #expect(found.last?.arguments["type"] == .string("unsupportedFilter"))

                let got = try await call(#"["ContactCard/get",{"accountId":"\#(accountId)","ids":["\#(id)"]},"g"]"#)
                let card = try #require(got.first?.arguments["list"]?.arrayValue?.first?.objectValue)
                #expect(card["uid"] == .string(uid))
                #expect(card["name"]?.objectValue?["full"] == .string("Grace Hopper"))
                let url = try #require(
                    URL(
                        string: try TestBackends.load().collection(server, "AB", user: bob).absoluteString
                            + "\(uid).vcf"))
                let original = try await dav.get(url)
                let originalText = String(decoding: original.body, as: UTF8.self)
                #expect(originalText.contains("grace@example.com"))

                // Meanwhile, on the DAV server: another client adds a TITLE.
                let edited = originalText.replacingOccurrences(of: "END:VCARD", with: "TITLE:Rear Admiral\r\nEND:VCARD")
                try await dav.put(
                    url, body: Data(edited.utf8), contentType: "text/vcard",
                    precondition: original.etag.map { .ifMatch($0) } ?? .none)

                // The client patches one nested property from the state it had: the patch applies to
                // the server's current version, and neither edit is lost.
                let patched = try await call(
                    #"["ContactCard/set",{"accountId":"\#(accountId)","update":{"\#(id)":{"emails/e1/address":"hopper@navy.example"}}},"u"]"#
                )
                #expect(patched.first?.arguments["updated"]?.objectValue?.keys.contains(id) == true)
                let after = String(decoding: try await dav.get(url).body, as: UTF8.self)
                #expect(after.contains("hopper@navy.example"))
                #expect(!after.contains("grace@example.com"))
                #expect(after.contains("TITLE:Rear Admiral"), "the DAV-side edit survived")
                #expect(after.contains("first"), "the untouched note survived")

                // A patch that changes nothing the vCard holds does not rewrite the resource.
                let etagBefore = try await dav.get(url).etag
                let unchanged = try await call(
                    #"["ContactCard/set",{"accountId":"\#(accountId)","update":{"\#(id)":{"name/full":"Grace Hopper"}}},"n"]"#
                )
                #expect(unchanged.first?.arguments["updated"]?.objectValue?.keys.contains(id) == true)
                #expect(try await dav.get(url).etag == etagBefore)

                // `uid` names the resource: immutable.
                let refused = try await call(
                    #"["ContactCard/set",{"accountId":"\#(accountId)","update":{"\#(id)":{"uid":"other"}}},"r"]"#)
                #expect(refused.first?.arguments["notUpdated"]?.objectValue?[id] != nil)

                // Destroy.
                let destroyed = try await call(
                    #"["ContactCard/set",{"accountId":"\#(accountId)","destroy":["\#(id)"]},"d"]"#)
                #expect(destroyed.first?.arguments["destroyed"] == .array([.string(id)]))
                await #expect(throws: DAVError.self) { _ = try await dav.get(url) }
                let gone = try await call(#"["ContactCard/get",{"accountId":"\#(accountId)","ids":["\#(id)"]},"g"]"#)
                #expect(gone.first?.arguments["notFound"] == .array([.string(id)]))
            }
        }

        /// RFC 8620 §5.4: /copy reads from another account the caller may use. Naming another user's
        /// account is `fromAccountNotFound`, exactly as for an account that does not exist.
        @Test func copyOnlyFromAccountsTheCallerMayUse() async throws {
            let (alice, bob) = (TestBackends.alice, TestBackends.bob)
            let gateway = try TestGateway(server: .radicale)
            try await gateway.run { client in
                let aliceAccount = try await client.accountId(of: alice)
                let bobAccount = try await client.accountId(of: bob)
                #expect(aliceAccount != bobAccount)
                let (status, body) = try await client.jmap(
                    """
                    {"using":\(Self.using),"methodCalls":[
                      ["ContactCard/copy",{"fromAccountId":"\(bobAccount)","accountId":"\(aliceAccount)",
                        "create":{"c":{"id":"anything"}}},"x"],
                      ["ContactCard/copy",{"fromAccountId":"\(aliceAccount)","accountId":"\(aliceAccount)",
                        "create":{"c":{"id":"anything"}}},"s"]]}
                    """, as: alice)
                #expect(status == .ok)
                #expect(body.methodResponses.first?.arguments["type"] == "fromAccountNotFound")
                #expect(body.methodResponses.last?.arguments["type"] == "invalidArguments")
            }
        }
    }
}

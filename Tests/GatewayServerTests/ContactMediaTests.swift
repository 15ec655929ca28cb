import DAV
import Foundation
import Hummingbird
import HummingbirdTesting
import JMAPCore
import TestSupport
import Testing

/// RFC 9610 §3 and §3.5: a photo set by blobId after an upload is stored inline in the vCard, served
/// back as a blobId the client downloads, kept byte for byte when another property changes, and a
/// blob that is not an image is refused as a photo.
extension BobBackedTests {
    @Suite struct ContactMediaTests {
        /// A 1x1 PNG.
        static let png: [UInt8] = Array(
            Data(
                base64Encoded:
                    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
            ) ?? Data())

        @Test(arguments: TestBackends.Server.allCases)
        func photoRoundTripThroughBlobs(server: TestBackends.Server) async throws {
            let bob = TestBackends.bob
            let gateway = try TestGateway(server: server) { $0.backend.minSyncAge = .zero }
            let uid = "photo-\(UUID().uuidString.lowercased())"
            let url = try TestBackends.load().collection(server, "AB", user: bob).appendingPathComponent("\(uid).vcf")
            try await gateway.run { client in
                let accountId = try await client.accountId(of: bob)
                func call(_ calls: String) async throws -> [(name: String, arguments: JSONObject, id: String)] {
                    try await client.contactsCalls(calls, as: bob)
                }
                let (_, photo) = try await BlobTests.upload(
                    client, Self.png, type: "image/png", accountId: accountId, as: bob)
                let photoId = try #require(photo["blobId"]?.stringValue)
                let (_, text) = try await BlobTests.upload(
                    client, Array("not a picture".utf8), type: "image/png", accountId: accountId, as: bob)
                let textId = try #require(text["blobId"]?.stringValue)

                let created = try await call(
                    """
                    ["ContactCard/set",{"accountId":"\(accountId)","create":{
                      "c":{"uid":"\(uid)","name":{"full":"Pic Ture"},
                        "media":{"p":{"@type":"Media","kind":"photo","blobId":"\(photoId)"}}},
                      "bad":{"name":{"full":"No Picture"},
                        "media":{"p":{"@type":"Media","kind":"photo","blobId":"\(textId)"}}}}},"c"]
                    """)
                let id = try #require(
                    created.first?.arguments["created"]?.objectValue?["c"]?.objectValue?["id"]?.stringValue)
                let refused = created.first?.arguments["notCreated"]?.objectValue?["bad"]?.objectValue
                #expect(refused?["type"] == "invalidProperties")
                #expect(refused?["properties"] == .array(["media/p/blobId"]))

                // On the DAV server the photo is inline, as every CardDAV client expects.
                let vCard = String(decoding: try await bob.davClient.get(url).body, as: UTF8.self)
                let unfolded = vCard.replacingOccurrences(of: "\r\n ", with: "")
                #expect(unfolded.contains(Data(Self.png).base64EncodedString()))

                // Served as a blob: blobId and mediaType, no uri; the download gives the bytes.
                let got = try await call(
                    #"["ContactCard/get",{"accountId":"\#(accountId)","ids":["\#(id)"],"properties":["media"]},"g"]"#)
                // The card is stored as vCard 3.0 (inline pictures survive there on every server), which has
                // no PROP-ID: the medium comes back under a key of the server's choosing.
                let media = try #require(
                    got.first?.arguments["list"]?.arrayValue?.first?.objectValue?["media"]?.objectValue)
                #expect(media.count == 1)
                let medium = try #require(media.values.first?.objectValue)
                #expect(medium["uri"] == nil)
                #expect(medium["mediaType"] == "image/png")
                let blobId = try #require(medium["blobId"]?.stringValue)
                try await client.execute(
                    uri: "/jmap/download/\(accountId)/\(blobId)/photo.png?type=image/png", method: .get,
                    headers: bob.authorization
                ) { response in
                    #expect(response.status == .ok)
                    #expect(Array(buffer: response.body) == Self.png)
                }

                // Another property changes: the PHOTO line stays exactly as it was.
                let photoLine = unfolded.split(separator: "\r\n").first { $0.hasPrefix("PHOTO") }
                _ = try await call(
                    #"["ContactCard/set",{"accountId":"\#(accountId)","update":{"\#(id)":{"name/full":"Pic Tured"}}},"u"]"#
                )
                let after = String(decoding: try await bob.davClient.get(url).body, as: UTF8.self)
                    .replacingOccurrences(of: "\r\n ", with: "")
                #expect(after.contains("Pic Tured"))
                #expect(after.split(separator: "\r\n").first { $0.hasPrefix("PHOTO") } == photoLine)

                _ = try await call(#"["ContactCard/set",{"accountId":"\#(accountId)","destroy":["\#(id)"]},"d"]"#)
            }
        }
    }
}

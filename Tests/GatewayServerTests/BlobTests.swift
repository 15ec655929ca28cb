import Foundation
import Hummingbird
import HummingbirdTesting
import JMAPCore
import TestSupport
import Testing

/// Upload (RFC 8620 §6.1), download (§6.2) and the Blob methods (RFC 9404) over real HTTP.
@Suite struct BlobTests {
    static func upload(
        _ client: any TestClientProtocol, _ bytes: [UInt8], type: String, accountId: String,
        as user: TestBackends.User = TestBackends.alice
    ) async throws -> (HTTPResponse.Status, JSONObject) {
        var headers = user.authorization
        headers[.contentType] = type
        return try await client.execute(
            uri: "/jmap/upload/\(accountId)/", method: .post, headers: headers, body: ByteBuffer(bytes: bytes)
        ) { response in
            (response.status, (try? JSONCoding.decode(JSONObject.self, from: Data(buffer: response.body))) ?? [:])
        }
    }

    @Test func uploadThenDownloadRoundTripsBytesAndType() async throws {
        try await TestGateway().run { client in
            let accountId = try await client.accountId(of: TestBackends.alice)
            let bytes: [UInt8] = Array(0...255) + Array("héllo/wörld".utf8)
            let (status, upload) = try await Self.upload(client, bytes, type: "image/png", accountId: accountId)
            #expect(status == .created)
            #expect(upload["accountId"]?.stringValue == accountId)
            #expect(upload["type"] == "image/png")
            #expect(upload["size"]?.intValue == bytes.count)
            let blobId = try #require(upload["blobId"]?.stringValue)
            #expect(Id.isValid(blobId))

            try await client.execute(
                uri: "/jmap/download/\(accountId)/\(blobId)/my%20photo.png?type=image/png", method: .get,
                headers: TestBackends.alice.authorization
            ) { response in
                #expect(response.status == .ok)
                #expect(Array(buffer: response.body) == bytes)
                #expect(response.headers[.contentType] == "image/png")
                let disposition = try #require(response.headers[.contentDisposition])
                #expect(disposition.contains(#"filename="my photo.png""#))
            }
            // The type in the URL decides the Content-Type of the download (§6.2).
            try await client.execute(
                uri: "/jmap/download/\(accountId)/\(blobId)/x.bin?type=application/octet-stream", method: .get,
                headers: TestBackends.alice.authorization
            ) { response in
                #expect(response.headers[.contentType] == "application/octet-stream")
            }
        }
    }

    /// One user never reaches another's blobs, by upload or download.
    @Test func blobsArePerAccount() async throws {
        try await TestGateway().run { client in
            let alice = try await client.accountId(of: TestBackends.alice)
            let (_, upload) = try await Self.upload(client, Array("secret".utf8), type: "text/plain", accountId: alice)
            let blobId = try #require(upload["blobId"]?.stringValue)
            try await client.execute(
                uri: "/jmap/download/\(alice)/\(blobId)/x.txt", method: .get, headers: TestBackends.bob.authorization
            ) { #expect($0.status == .notFound) }
            let bob = try await client.accountId(of: TestBackends.bob)
            try await client.execute(
                uri: "/jmap/download/\(bob)/\(blobId)/x.txt", method: .get, headers: TestBackends.bob.authorization
            ) { #expect($0.status == .notFound) }
            let (status, _) = try await Self.upload(
                client, [1], type: "text/plain", accountId: alice, as: TestBackends.bob)
            #expect(status == .notFound)
        }
    }

    @Test func uploadLargerThanMaxSizeUploadIsRefused() async throws {
        try await TestGateway(adjust: { $0.limits.maxSizeUpload = 1000 }).run { client in
            let accountId = try await client.accountId(of: TestBackends.alice)
            let (status, problem) = try await Self.upload(
                client, Array(repeating: 7, count: 1001), type: "application/octet-stream", accountId: accountId)
            #expect(status == .contentTooLarge)
            #expect(problem["type"] == "urn:ietf:params:jmap:error:limit")
            #expect(problem["limit"] == "maxSizeUpload")
        }
    }

    /// RFC 9404 §4.1 and §4.2: Blob/upload from text, base64 and a slice of an uploaded blob,
    /// referenced later in the same request by creation id.
    @Test func blobUploadAndGet() async throws {
        try await TestGateway().run { client in
            let accountId = try await client.accountId(of: TestBackends.alice)
            let (_, upload) = try await Self.upload(
                client, Array("0123456789".utf8), type: "text/plain", accountId: accountId)
            let uploaded = try #require(upload["blobId"]?.stringValue)
            let (_, response) = try await client.jmap(
                #"""
                {"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:blob"],"methodCalls":[
                  ["Blob/upload",{"accountId":"\#(accountId)","create":{
                    "b1":{"data":[{"data:asText":"abc/"},{"data:asBase64":"/w=="},{"blobId":"\#(uploaded)","offset":2,"length":3}],"type":"application/x-test"},
                    "bad":{"data":[{"blobId":"\#(uploaded)","offset":8,"length":5}]}}},"u"],
                  ["Blob/get",{"accountId":"\#(accountId)","ids":["#b1","\#(uploaded)","nope"],
                    "properties":["data:asBase64","size","digest:sha-256"]},"g"],
                  ["Blob/get",{"accountId":"\#(accountId)","ids":["\#(uploaded)"],"offset":8,"length":5},"t"]]}
                """#)
            let calls = response.methodResponses
            #expect(calls.map(\.name) == ["Blob/upload", "Blob/get", "Blob/get"])
            let created = try #require(calls[0].arguments["created"]?.objectValue?["b1"]?.objectValue)
            #expect(created["size"] == 8)
            #expect(created["type"] == "application/x-test")
            #expect(calls[0].arguments["notCreated"]?.objectValue?["bad"]?.objectValue?["type"] == "invalidProperties")

            let list = try #require(calls[1].arguments["list"]?.arrayValue)
            #expect(list.count == 2)
            let first = try #require(list.first?.objectValue)
            #expect(first["id"] == created["id"])
            #expect(
                first["data:asBase64"]?.stringValue.flatMap { Data(base64Encoded: $0) } == Data("abc/".utf8)
                    + Data([0xFF]) + Data("234".utf8))
            #expect(first["digest:sha-256"]?.stringValue?.isEmpty == false)
            #expect(calls[1].arguments["notFound"] == ["nope"])

            let truncated = try #require(calls[2].arguments["list"]?.arrayValue?.first?.objectValue)
            #expect(truncated["data:asText"] == "89")
            #expect(truncated["isTruncated"] == true)
            #expect(truncated["size"] == 10)
        }
    }
}

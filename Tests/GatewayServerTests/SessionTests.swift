import Foundation
import Hummingbird
import HummingbirdTesting
import JMAPCore
import TestSupport
import Testing

/// The session resource (RFC 8620 §2) and authentication by the DAV server, over real HTTP
/// against Radicale.
@Suite struct SessionTests {
    @Test func wellKnownRedirectsToTheSession() async throws {
        try await TestGateway().run { client in
            try await client.execute(uri: "/.well-known/jmap", method: .get) { response in
                #expect([.movedPermanently, .found, .temporaryRedirect, .permanentRedirect].contains(response.status))
                #expect(response.headers[.location] == "/jmap/session")
            }
        }
    }

    @Test func aliceGetsHerSessionWithLimitsAndURLs() async throws {
        try await TestGateway(adjust: { $0.limits.maxCallsInRequest = 7 }).run { client in
            let session = try await client.session(as: TestBackends.alice)
            #expect(session["username"] == "alice")
            let core = try #require(session["capabilities"]?.objectValue?[Capability.core]?.objectValue)
            #expect(core["maxCallsInRequest"] == 7)
            for key in [
                "maxSizeUpload", "maxConcurrentUpload", "maxSizeRequest", "maxConcurrentRequests", "maxObjectsInGet",
                "maxObjectsInSet",
            ] {
                #expect(core[key]?.intValue ?? 0 > 0, "\(key)")
            }
            let accounts = try #require(session["accounts"]?.objectValue)
            #expect(accounts.count == 1)
            let accountId = try #require(accounts.keys.first)
            #expect(Id.isValid(accountId))
            #expect(accounts[accountId]?.objectValue?["name"] == "alice")
            #expect(session["apiUrl"]?.stringValue?.hasSuffix("/jmap/api") == true)
            #expect(session["downloadUrl"]?.stringValue?.contains("{accountId}/{blobId}/{name}?type={type}") == true)
            #expect(session["uploadUrl"]?.stringValue?.hasSuffix("/jmap/upload/{accountId}/") == true)
            #expect(session["eventSourceUrl"]?.stringValue?.contains("types={types}") == true)
            #expect(session["state"]?.stringValue?.isEmpty == false)
        }
    }

    /// The account id is the principal's, stable across gateway instances; bob sees only bob.
    @Test func accountIdsAreStableAndPerUser() async throws {
        let first = try await TestGateway().run { client in
            (try await client.accountId(of: TestBackends.alice), try await client.accountId(of: TestBackends.bob))
        }
        let second = try await TestGateway().run { client in try await client.accountId(of: TestBackends.alice) }
        #expect(first.0 == second)
        #expect(first.0 != first.1)
        try await TestGateway().run { client in
            let session = try await client.session(as: TestBackends.bob)
            #expect(session["username"] == "bob")
            #expect(session["accounts"]?.objectValue?.keys.sorted() == [first.1])
        }
    }

    @Test func wrongPasswordGets401WithChallenge() async throws {
        try await TestGateway().run { client in
            let wrong = TestBackends.User(name: "alice", password: "not-alice-pw")
            try await client.execute(uri: "/jmap/session", method: .get, headers: wrong.authorization) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Basic realm=") == true)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/jmap/api", method: .post) { response in
                #expect(response.status == .unauthorized)
            }
            // Bearer tokens are recognised but not accepted yet.
            try await client.execute(uri: "/jmap/session", method: .get, headers: [.authorization: "Bearer abc"]) {
                response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    /// A login is remembered by its whole Authorization header: the same user with another password is
    /// asked of the DAV server again (and refused), and every API response carries the state of the
    /// session the user sees (RFC 8620 §3.4), remembered per login.
    @Test func rememberedLoginsMatchTheWholeHeader() async throws {
        try await TestGateway().run { client in
            let session = try await client.session(as: TestBackends.alice)
            let wrong = TestBackends.User(name: "alice", password: "alice-pw-not")
            try await client.execute(uri: "/jmap/api", method: .post, headers: wrong.authorization) { response in
                #expect(response.status == .unauthorized)
            }
            for _ in 0..<2 {
                let (status, body) = try await client.jmap(
                    #"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Core/echo",{},"0"]]}"#)
                #expect(status == .ok)
                #expect(body["sessionState"] == session["state"])
            }
        }
    }

    @Test func healthAndReadiness() async throws {
        try await TestGateway().run { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/ready", method: .get) { #expect($0.status == .ok) }
        }
        // Nothing listens on port 9 of loopback: not ready.
        let unreachable = try #require(URL(string: "http://127.0.0.1:9/"))
        try await TestGateway(adjust: {
            $0.backend.url = unreachable
            $0.backend.timeout = .seconds(2)
        }).run { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/ready", method: .get) { #expect($0.status == .serviceUnavailable) }
            // And logins cannot be checked: 503, not 401.
            try await client.execute(uri: "/jmap/session", method: .get, headers: TestBackends.alice.authorization) {
                #expect($0.status == .serviceUnavailable)
            }
        }
    }

    @Test func corsPreflightAndResponseHeaders() async throws {
        try await TestGateway().run { client in
            let preflight: HTTPFields = [
                .origin: "https://app.example", .accessControlRequestMethod: "POST",
                .accessControlRequestHeaders: "authorization, content-type",
            ]
            try await client.execute(uri: "/jmap/api", method: .options, headers: preflight) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "https://app.example")
                #expect(response.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            }
            var headers = TestBackends.alice.authorization
            headers[.origin] = "https://app.example"
            try await client.execute(uri: "/jmap/session", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == "https://app.example")
            }
        }
    }
}

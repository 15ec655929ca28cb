import Foundation
import HummingbirdTesting
import JMAPCore
import TestSupport
import Testing

/// The principals capabilities (RFC 9670 §1.5, draft-ietf-jmap-calendars-27 §1.5.2), Principal/get and
/// /changes (RFC 9670 §2) and ParticipantIdentity (draft-ietf-jmap-calendars-27 §3) over HTTP against the
/// real servers. Radicale names the principal's own URL as its calendar user address; Xandikos names none.
@Suite struct PrincipalTests {
    @Test(arguments: TestBackends.Server.allCases)
    func sessionNamesTheUsersPrincipal(server: TestBackends.Server) async throws {
        let alice = TestBackends.alice
        try await TestGateway(server: server).run { client in
            let session = try await client.session(as: alice)
            let accountId = try await client.accountId(of: alice)
            let capabilities = try #require(
                session["accounts"]?.objectValue?[accountId]?.objectValue?["accountCapabilities"]?.objectValue)
            let principalId = try #require(
                capabilities["urn:ietf:params:jmap:principals"]?.objectValue?["currentUserPrincipalId"]?.stringValue)
            #expect(Id.isValid(principalId) && principalId != accountId)
            #expect(
                capabilities["urn:ietf:params:jmap:principals:owner"]
                    == ["accountIdForPrincipal": .string(accountId), "principalId": .string(principalId)])
            #expect(
                capabilities["urn:ietf:params:jmap:principals:availability"]
                    == ["maxAvailabilityDuration": "P366D"])
            // RFC 9670 §1.5.2: principals:owner is an account capability only.
            let sessionCapabilities = try #require(session["capabilities"]?.objectValue)
            #expect(sessionCapabilities["urn:ietf:params:jmap:principals"] != nil)
            #expect(sessionCapabilities["urn:ietf:params:jmap:principals:availability"] != nil)
            #expect(sessionCapabilities["urn:ietf:params:jmap:principals:owner"] == nil)
        }
    }

    @Test(arguments: TestBackends.Server.allCases)
    func principalGetDescribesTheUser(server: TestBackends.Server) async throws {
        let alice = TestBackends.alice
        let principalURL = try TestBackends.load().url(server).appendingPathComponent("alice/").absoluteString
        let first = try await TestGateway(server: server).run { client in
            let accountId = try await client.accountId(of: alice)
            let principalId = try await client.principalId(of: alice)
            let response = try await client.calendarCollectionCalls(
                """
                ["Principal/get",{"accountId":"\(accountId)"},"all"],
                ["Principal/get",{"accountId":"\(accountId)","ids":["\(principalId)","nope"],
                  "properties":["name"]},"some"]
                """, as: alice)
            let all = try #require(response.first?.arguments)
            let principal = try #require(all["list"]?.arrayValue?.first?.objectValue)
            #expect(all["list"]?.arrayValue?.count == 1, "the user's own principal only")
            #expect(principal["id"] == .string(principalId))
            #expect(principal["type"] == "individual")
            #expect(principal["name"] == "alice", "the displayname or, without one, the username")
            #expect(principal["email"] == .null, "no mailto: calendar user address on either server")
            #expect(principal["timeZone"] == .null)
            #expect(principal["accounts"]?.objectValue?.keys.sorted() == [accountId])
            let calendars = try #require(
                principal["capabilities"]?.objectValue?["urn:ietf:params:jmap:calendars"]?.objectValue)
            #expect(calendars["accountId"] == .string(accountId))
            #expect(calendars["mayGetAvailability"] == true)
            #expect(calendars["mayShareWith"] == false)
            switch server {
            case .radicale: #expect(calendars["calendarAddress"] == .string(principalURL))
            case .xandikos: #expect(calendars["calendarAddress"] == nil)
            }

            let some = try #require(response.last?.arguments)
            #expect(some["list"] == [["id": .string(principalId), "name": "alice"]])
            #expect(some["notFound"] == ["nope"])

            // RFC 9670 §2.2: nothing is logged, so only the current state has (no) changes.
            let state = try #require(all["state"]?.stringValue)
            let changes = try await client.calendarCollectionCalls(
                """
                ["Principal/changes",{"accountId":"\(accountId)","sinceState":"\(state)"},"c"],
                ["Principal/changes",{"accountId":"\(accountId)","sinceState":"old"},"old"]
                """, as: alice)
            #expect(changes.first?.arguments["newState"] == .string(state))
            #expect(changes.first?.arguments["created"] == [] && changes.first?.arguments["updated"] == [])
            #expect(changes.last?.name == "error")
            #expect(changes.last?.arguments["type"] == "cannotCalculateChanges")
            return (principalId, state)
        }
        // Stable across gateway instances (RFC 9670 §2: immutable), and bob's is another.
        let second = try await TestGateway(server: server).run { client in
            (try await client.principalId(of: alice), try await client.principalId(of: TestBackends.bob))
        }
        #expect(second.0 == first.0)
        #expect(second.1 != first.0)
    }

    /// §3: one identity per calendar user address (RFC 6638 §2.4.1), the first the default; §3.3: the
    /// DAV server cannot store others, so every change is forbidden.
    @Test(arguments: TestBackends.Server.allCases)
    func participantIdentitiesAreTheCalendarUserAddresses(server: TestBackends.Server) async throws {
        let alice = TestBackends.alice
        let principalURL = try TestBackends.load().url(server).appendingPathComponent("alice/").absoluteString
        let firstIds = try await TestGateway(server: server).run { client in
            let accountId = try await client.accountId(of: alice)
            let got = try #require(
                try await client.calendarCollectionCalls(
                    #"["ParticipantIdentity/get",{"accountId":"\#(accountId)"},"g"]"#, as: alice
                ).first?.arguments)
            let identities = got["list"]?.arrayValue?.compactMap(\.objectValue) ?? []
            switch server {
            case .radicale:
                #expect(identities.count == 1)
                #expect(identities.first?["calendarAddress"] == .string(principalURL))
                #expect(identities.first?["isDefault"] == true)
                #expect(identities.first?["name"] == "alice")
            case .xandikos:
                #expect(identities.isEmpty, "Xandikos names no calendar user address")
            }
            let state = try #require(got["state"]?.stringValue)
            let ids = identities.compactMap { $0["id"]?.stringValue }
            let existing = ids.first ?? "unknown"
            let calls = try await client.calendarCollectionCalls(
                """
                ["ParticipantIdentity/changes",{"accountId":"\(accountId)","sinceState":"\(state)"},"c"],
                ["ParticipantIdentity/set",{"accountId":"\(accountId)","onSuccessSetIsDefault":"#new",
                  "create":{"new":{"name":"Alice","calendarAddress":"mailto:alice@example.com"}},
                  "update":{"\(existing)":{"name":"Other"}},"destroy":["unknown"]},"s"],
                ["ParticipantIdentity/set",{"accountId":"\(accountId)","destroy":["\(existing)"]},"d"]
                """, as: alice)
            #expect(calls.first?.arguments["newState"] == .string(state))
            let set = try #require(calls.first { $0.id == "s" }?.arguments)
            let destroy = try #require(calls.last?.arguments)
            #expect(set["notCreated"]?.objectValue?["new"]?.objectValue?["type"] == "forbidden")
            #expect(set["notDestroyed"]?.objectValue?["unknown"]?.objectValue?["type"] == "notFound")
            if server == .radicale {
                #expect(set["notUpdated"]?.objectValue?[existing]?.objectValue?["type"] == "forbidden")
                #expect(destroy["notDestroyed"]?.objectValue?[existing]?.objectValue?["type"] == "forbidden")
            }
            #expect(set["newState"] == .string(state), "nothing changed")
            return ids
        }
        let secondIds = try await TestGateway(server: server).run { client in
            let accountId = try await client.accountId(of: alice)
            return try await client.calendarCollectionCalls(
                #"["ParticipantIdentity/get",{"accountId":"\#(accountId)"},"g"]"#, as: alice
            ).first?.arguments["list"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? []
        }
        #expect(secondIds == firstIds, "ids are stable")
    }
}

extension TestClientProtocol {
    /// The user's Principal id, from the session (RFC 9670 §1.5.1 currentUserPrincipalId).
    func principalId(of user: TestBackends.User) async throws -> String {
        let session = try await session(as: user)
        let accountId = try await accountId(of: user)
        guard
            let id = session["accounts"]?.objectValue?[accountId]?.objectValue?["accountCapabilities"]?.objectValue?[
                "urn:ietf:params:jmap:principals"]?.objectValue?["currentUserPrincipalId"]?.stringValue
        else { throw TestBackendsError("no currentUserPrincipalId in \(user.name)'s session") }
        return id
    }
}

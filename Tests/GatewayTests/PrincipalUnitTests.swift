import Foundation
import JMAPCore
import Testing

@testable import DAV
@testable import Gateway

/// The Principal (RFC 9670 §2) and ParticipantIdentities (draft-ietf-jmap-calendars-27 §3) the gateway
/// derives from a DAV principal, for addresses the test servers do not have (mailto:, several).
@Suite struct PrincipalUnitTests {
    let user: GatewayUser

    init() throws {
        user = GatewayUser(
            username: "alice", principalURL: try #require(URL(string: "https://dav.example/principals/alice/")),
            credentials: .basic(username: "alice", password: "x"), accountCapabilities: [:])
    }

    func principal(displayName: String? = nil, addresses: [String]) -> DAVPrincipal {
        DAVPrincipal(
            url: user.principalURL, displayName: displayName, addressbookHomes: [], calendarHomes: [],
            calendarUserAddresses: addresses)
    }

    /// RFC 9670 §2: email is an addr-spec, here from the first mailto: address (RFC 6068 §2).
    @Test func emailIsTheFirstMailtoAddress() {
        #expect(
            PrincipalMethods.email(["https://dav.example/alice/", "mailto:alice@example.com"]) == "alice@example.com")
        #expect(PrincipalMethods.email(["MAILTO:a%2Bb@example.com?subject=x"]) == "a+b@example.com")
        #expect(PrincipalMethods.email(["mailto:not-an-address", "mailto:b@example.com"]) == "b@example.com")
        #expect(PrincipalMethods.email(["mailto:a@x.com,b@x.com"]) == nil)
        #expect(PrincipalMethods.email(["urn:uuid:1"]) == nil)
    }

    /// §3: one identity per address, mailto: first and the default, each address once; ids derive from the
    /// account and the address only.
    @Test func identitiesPutMailtoFirst() {
        let addresses = ["https://dav.example/principals/alice/", "mailto:alice@example.com", "mailto:a@example.org"]
        let identities = ParticipantIdentityMethods.identities(
            of: user, principal: principal(displayName: "Alice Liddell", addresses: addresses + [addresses[1]]))
        #expect(
            identities.map { $0["calendarAddress"] } == [
                "mailto:alice@example.com", "mailto:a@example.org", "https://dav.example/principals/alice/",
            ])
        #expect(identities.map { $0["isDefault"] } == [true, false, false])
        #expect(identities.allSatisfy { $0["name"] == "Alice Liddell" })
        let ids = identities.compactMap { $0["id"]?.stringValue }
        #expect(Set(ids).count == 3 && ids.allSatisfy(Id.isValid))
        let again = ParticipantIdentityMethods.identities(of: user, principal: principal(addresses: [addresses[0]]))
        #expect(again.first?["id"] == .string(ids[2]), "the same address keeps its id")
        #expect(again.first?["isDefault"] == true)
        #expect(ParticipantIdentityMethods.identities(of: user, principal: principal(addresses: [])).isEmpty)
    }

    @Test func principalCarriesTheCalendarAddressAndEmail() {
        let json = PrincipalMethods.json(
            for: user, principal: principal(displayName: " ", addresses: ["urn:x", "mailto:alice@example.com"]))
        #expect(json["id"] == .string(user.principalId))
        #expect(json["name"] == "alice", "a blank displayname is no name")
        #expect(json["email"] == "alice@example.com")
        let calendars = json["capabilities"]?.objectValue?["urn:ietf:params:jmap:calendars"]?.objectValue
        #expect(calendars?["calendarAddress"] == "mailto:alice@example.com")
        #expect(calendars?["accountId"] == .string(user.accountId))
        #expect(user.principalId != user.accountId && Id.isValid(user.principalId))
    }
}

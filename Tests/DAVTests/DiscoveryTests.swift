import Foundation
import TestSupport
import Testing

@testable import DAV

/// Discovery (RFC 6764 §6, RFC 5397, RFC 6352 §7.1.1, RFC 4791 §6.2.1) against the real servers.
@Suite struct DiscoveryTests {
    let backends: TestBackends

    init() throws {
        backends = try TestBackends.load()
    }

    func discovery(_ server: TestBackends.Server, _ user: TestBackends.User) throws -> DAVDiscovery {
        DAVDiscovery(client: TestDAV.client(user), baseURL: try backends.url(server))
    }

    @Test(arguments: TestBackends.Server.allCases)
    func findsPrincipalHomesAndCollections(server: TestBackends.Server) async throws {
        let discovery = try discovery(server, TestBackends.alice)
        let principalURL = try await discovery.currentUserPrincipal()
        #expect(principalURL.path() == "/alice/")
        let principal = try await discovery.principal(at: principalURL)
        #expect(!principal.addressbookHomes.isEmpty)
        #expect(!principal.calendarHomes.isEmpty)
        var collections: [DAVCollection] = []
        for home in Set(principal.addressbookHomes + principal.calendarHomes) {
            collections += try await discovery.collections(inHome: home)
        }
        #expect(collections.contains { $0.url == (try? backends.collection(server, "AB", user: TestBackends.alice)) })
        #expect(collections.contains { $0.url == (try? backends.collection(server, "CAL", user: TestBackends.alice)) })
        #expect(collections.allSatisfy { $0.supportsSyncCollection })
        // One user never sees another's collections.
        #expect(!collections.contains { $0.url.path.contains("/bob/") })
    }

    @Test(arguments: TestBackends.Server.allCases)
    func wrongPasswordIsUnauthorized(server: TestBackends.Server) async throws {
        let discovery = try discovery(server, .init(name: "alice", password: "wrong"))
        await #expect {
            _ = try await discovery.currentUserPrincipal()
        } throws: { error in
            if case DAVError.unauthorized = error { return true }
            return false
        }
    }

    /// Radicale answers /.well-known/carddav with a relative 301; the PROPFIND body must survive it.
    @Test func relativeWellKnownRedirectIsFollowedWithTheBody() async throws {
        let discovery = try discovery(.radicale, TestBackends.bob)
        let raw = try await discovery.client.send(
            "PROPFIND", try backends.url(.radicale).appending(path: ".well-known/carddav"), headers: [("Depth", "0")],
            body: DAVRequestBody.propfind([.currentUserPrincipal]))
        #expect([301, 302, 307, 308].contains(raw.status))
        #expect(try await discovery.currentUserPrincipal().path() == "/bob/")
    }

    /// RFC 6638 §2.4.1: Radicale names the principal's own path as its calendar user address, read as
    /// an absolute URI; Xandikos names none.
    @Test(arguments: TestBackends.Server.allCases)
    func calendarUserAddressesAreAbsolute(server: TestBackends.Server) async throws {
        let discovery = try discovery(server, TestBackends.bob)
        let principalURL = try await discovery.currentUserPrincipal()
        let addresses = try await discovery.principal(at: principalURL).calendarUserAddresses
        switch server {
        case .radicale: #expect(addresses == [principalURL.absoluteString])
        case .xandikos: #expect(addresses.isEmpty)
        }
    }

    @Test func relativeAddressesAreResolvedAgainstThePrincipal() throws {
        let principal = try TestDAV.url("http://h/dav/alice/")
        #expect(DAVDiscovery.absoluteAddress("/dav/alice/", relativeTo: principal) == "http://h/dav/alice/")
        #expect(
            DAVDiscovery.absoluteAddress("mailto:alice@example.com", relativeTo: principal)
                == "mailto:alice@example.com")
        #expect(DAVDiscovery.absoluteAddress("urn:uuid:1", relativeTo: principal) == "urn:uuid:1")
    }
}

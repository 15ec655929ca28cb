import Foundation
import Testing

@testable import DAV

/// Multistatus parsing (RFC 4918 §13) on responses recorded from the real test servers.
@Suite struct MultistatusTests {
    func recorded(_ name: String) throws -> Data {
        try TestDAV.recorded(name)
    }

    @Test func radicaleHomeListsItsAddressBookAndCalendar() throws {
        let multistatus = try Multistatus(data: recorded("radicale-home-depth1"), maxSize: 1 << 20)
        let base = try #require(URL(string: "http://127.0.0.1:5232/alice/"))
        let collections = multistatus.responses.compactMap { DAVCollection(response: $0, baseURL: base) }
        #expect(collections.map(\.kind) == [.addressBook, .calendar])
        #expect(collections.map { $0.url.path() } == ["/alice/contacts/", "/alice/calendar/"])
        #expect(collections.allSatisfy { $0.supportsSyncCollection })
        #expect(collections.first?.displayName == "Contacts")
        #expect(collections.first?.privileges.contains("write") == true)
        #expect(collections.first?.ctag?.isEmpty == false)
    }

    /// Xandikos uses generated prefixes (ns0:, ns2:) instead of a default namespace.
    @Test func xandikosPrefixedNamespacesResolve() throws {
        let multistatus = try Multistatus(data: recorded("xandikos-addressbook-home-depth1"), maxSize: 1 << 20)
        let base = try #require(URL(string: "http://127.0.0.1:8081/alice/contacts/"))
        let collections = multistatus.responses.compactMap { DAVCollection(response: $0, baseURL: base) }
        #expect(collections.count == 1)
        #expect(collections.first?.url.absoluteString == "http://127.0.0.1:8081/alice/contacts/addressbook/")
        #expect(collections.first?.syncToken == collections.first?.ctag)
        #expect(collections.first?.privileges == ["all"])
    }

    @Test func responseStatusAndSyncTokenAreRead() throws {
        let xml = """
            <?xml version="1.0"?>
            <d:multistatus xmlns:d="DAV:">
              <d:response><d:href>/a/gone.vcf</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>
              <d:response><d:href>/a/x.vcf</d:href>
                <d:propstat><d:prop><d:getetag>"1"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
                <d:propstat><d:prop><d:displayname/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>
              </d:response>
              <d:sync-token>data:,42</d:sync-token>
            </d:multistatus>
            """
        let multistatus = try Multistatus(data: Data(xml.utf8), maxSize: 1 << 20)
        #expect(multistatus.syncToken == "data:,42")
        #expect(multistatus.responses.map(\.status) == [404, nil])
        #expect(multistatus.responses[1].property(.getETag)?.trimmedText == "\"1\"")
        // A property reported with 404 is not a value.
        #expect(multistatus.responses[1].property(.displayName) == nil)
    }

    /// External entities must never be fetched, and entity expansion never attempted: any DTD is refused.
    @Test func documentTypeDeclarationsAreRefused() {
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <d:multistatus xmlns:d="DAV:"><d:response><d:href>&xxe;</d:href></d:response></d:multistatus>
            """
        #expect(throws: MultistatusError.self) { try Multistatus(data: Data(xxe.utf8), maxSize: 1 << 20) }
    }

    @Test func sizeCapIsEnforced() {
        let xml = "<d:multistatus xmlns:d=\"DAV:\">" + String(repeating: " ", count: 2000) + "</d:multistatus>"
        #expect {
            try Multistatus(data: Data(xml.utf8), maxSize: 1000)
        } throws: { error in
            if case MultistatusError.tooLarge = error { return true }
            return false
        }
    }

    @Test func malformedXMLIsAnError() {
        #expect(throws: MultistatusError.self) {
            try Multistatus(data: Data("<d:multistatus xmlns:d=\"DAV:\"><d:response>".utf8), maxSize: 1 << 20)
        }
        #expect(throws: MultistatusError.self) {
            try Multistatus(data: Data("<html><body>not DAV</body></html>".utf8), maxSize: 1 << 20)
        }
    }

    @Test func requestBodiesDeclareEveryNamespaceOnce() {
        let body = String(
            decoding: DAVRequestBody.propfind([.displayName, .getCTag, .calendarColor, .getETag]), as: UTF8.self)
        #expect(body.contains(#"xmlns:d="DAV:""#))
        #expect(body.contains(#"xmlns:n1="http://calendarserver.org/ns/""#))
        #expect(body.contains(#"xmlns:n2="http://apple.com/ns/ical/""#))
        #expect(body.contains("<d:displayname/><n1:getctag/><n2:calendar-color/><d:getetag/>"))
    }

    @Test func credentialsNeverPrintTheSecret() {
        let credentials = DAVCredentials.basic(username: "alice", password: "alice-pw")
        #expect(!"\(credentials)".contains("alice-pw"))
        #expect(!String(reflecting: credentials).contains("alice-pw"))
        #expect(!"\(DAVCredentials.bearer(token: "s3cret"))".contains("s3cret"))
    }
}

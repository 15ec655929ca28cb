import Foundation
import Testing

@testable import DAV

/// sync-collection (RFC 6578) on recorded and hand-written answers: tombstones, truncation, invalid
/// tokens, and the request body.
@Suite struct SyncCollectionTests {
    let client = TestDAV.client(.init(name: "alice", password: "unused"))

    func page(_ name: String, collection: String) throws -> SyncPage {
        try client.syncPage(
            TestDAV.response(207, TestDAV.recorded(name), url: collection), collection: TestDAV.url(collection))
    }

    @Test func radicaleInitialSyncReportsTombstonesAsRemoved() throws {
        let page = try page("radicale-sync-initial-tombstone", collection: "http://127.0.0.1:5232/alice/rec-ab/")
        let result = SyncCollectionResultSnapshot(page)
        #expect(result.removed == ["http://127.0.0.1:5232/alice/rec-ab/c1.vcf"])
        #expect(
            result.members == [
                "http://127.0.0.1:5232/alice/rec-ab/a%40b.vcf":
                    "\"26faacbc2f2ccb65af607d11f18a393e4fbe6c219cdf91086357d535a03680a4\"",
                "http://127.0.0.1:5232/alice/rec-ab/x%40y%20z.vcf":
                    "\"77a476cd6a6553fc5ffdca504126bb645eb541d0de7172022fa48b3d16e28f3c\"",
            ])
        #expect(page.syncToken?.hasPrefix("http://radicale.org/ns/sync/") == true)
        #expect(!page.truncated)
    }

    @Test func xandikosLiteralAtHrefsNormaliseLikeRadicales() throws {
        let page = try page(
            "xandikos-sync-incremental-tombstone", collection: "http://127.0.0.1:8081/alice/contacts/rec-ab/")
        let result = SyncCollectionResultSnapshot(page)
        #expect(
            Set(result.members.keys) == [
                "http://127.0.0.1:8081/alice/contacts/rec-ab/a%40b.vcf",
                "http://127.0.0.1:8081/alice/contacts/rec-ab/x%40y%20z.vcf",
            ])
        #expect(result.removed == ["http://127.0.0.1:8081/alice/contacts/rec-ab/c1.vcf"])
        #expect(page.syncToken == "853a49ce136810aadb6523414e7fbf56779d4d01")
    }

    /// RFC 6578 §3.10: the 507 is for the request URI and marks truncation; it is not a member.
    @Test func status507OnTheCollectionMarksTruncation() throws {
        let page = try page("rfc6578-sync-truncated-507", collection: "http://webdav.example.com/home/cyrusdaboo/")
        #expect(page.truncated)
        #expect(page.syncToken == "http://example.com/ns/sync/1233")
        #expect(
            page.changes.map(\.href) == [
                "http://webdav.example.com/home/cyrusdaboo/test.doc",
                "http://webdav.example.com/home/cyrusdaboo/vcard.vcf",
            ])
    }

    @Test func truncatedSyncContinuesFromTheReturnedTokenAndMerges() async throws {
        let first = try page("rfc6578-sync-truncated-507", collection: "http://webdav.example.com/home/cyrusdaboo/")
        let second = try page("handwritten-sync-continuation", collection: "http://webdav.example.com/home/cyrusdaboo/")
        let tokens = Tokens()
        let result = try await SyncCollectionResult.collect(from: nil, maxRequests: 10) { token throws(DAVError) in
            await tokens.append(token)
            return token == nil ? first : second
        }
        #expect(await tokens.seen == [nil, "http://example.com/ns/sync/1233"])
        #expect(result.requests == 2)
        #expect(!result.truncated)
        #expect(result.syncToken == "http://example.com/ns/sync/1236")
        // The later page wins: test.doc was listed, then deleted; vcard.vcf changed again.
        #expect(result.removed == ["http://webdav.example.com/home/cyrusdaboo/test.doc"])
        #expect(
            result.members.map { [$0.href, $0.etag ?? ""] } == [
                ["http://webdav.example.com/home/cyrusdaboo/vcard.vcf", "\"00003-abcd1\""],
                ["http://webdav.example.com/home/cyrusdaboo/new%20card.vcf", "\"00004-abcd1\""],
            ])
    }

    @Test func continuationStopsAtTheBoundAndWhenTheTokenStalls() async throws {
        let counter = Tokens()
        let bounded = try await SyncCollectionResult.collect(from: "t0", maxRequests: 3) { token throws(DAVError) in
            let count = await counter.append(token)
            return SyncPage(changes: [], syncToken: "t\(count)", truncated: true)
        }
        #expect(bounded.requests == 3)
        #expect(bounded.truncated)
        #expect(bounded.syncToken == "t3")

        let stalled = try await SyncCollectionResult.collect(from: "same", maxRequests: 50) { _ throws(DAVError) in
            SyncPage(changes: [], syncToken: "same", truncated: true)
        }
        #expect(stalled.requests == 1)
        #expect(stalled.truncated)
    }

    @Test func truncationWithoutATokenIsMalformed() throws {
        let xml = """
            <d:multistatus xmlns:d="DAV:"><d:response><d:href>/c/</d:href>
            <d:status>HTTP/1.1 507 Insufficient Storage</d:status></d:response></d:multistatus>
            """
        #expect {
            try client.syncPage(
                TestDAV.response(207, Data(xml.utf8), url: "http://h/c/"), collection: TestDAV.url("http://h/c/"))
        } throws: { isDAVError($0) { if case .malformedResponse = $0 { true } else { false } } }
    }

    @Test func collectionItselfAndSubcollectionsAreNotMembers() throws {
        let xml = """
            <d:multistatus xmlns:d="DAV:">
              <d:response><d:href>/c/</d:href><d:propstat><d:prop><d:getetag>"c"</d:getetag></d:prop>
                <d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
              <d:response><d:href>/c/sub/</d:href><d:status>HTTP/1.1 403 Forbidden</d:status>
                <d:error><d:supported-report/></d:error></d:response>
              <d:response><d:href>/c/x.ics</d:href><d:propstat><d:prop><d:getetag>"x"</d:getetag></d:prop>
                <d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
              <d:sync-token>t</d:sync-token>
            </d:multistatus>
            """
        // Configured without the trailing slash the server uses.
        let page = try client.syncPage(
            TestDAV.response(207, Data(xml.utf8), url: "http://h/c"), collection: TestDAV.url("http://h/c"))
        #expect(page.changes.map(\.href) == ["http://h/c/x.ics"])
    }

    @Test(arguments: [
        ("radicale-sync-invalid-token-403", 403), ("xandikos-sync-invalid-token-412", 412),
    ])
    func refusedTokenIsInvalidSyncToken(recording: String, status: Int) throws {
        let response = try TestDAV.response(status, TestDAV.recorded(recording), url: "http://h/c/")
        #expect(DAVError.from(response) == .invalidSyncToken(url: "http://h/c/"))
    }

    @Test func otherRefusalsKeepTheirMeaning() throws {
        let needPrivileges = Data(#"<d:error xmlns:d="DAV:"><d:need-privileges/></d:error>"#.utf8)
        let validToken409 = Data(#"<D:error xmlns:D="DAV:"><D:valid-sync-token/></D:error>"#.utf8)
        let uidConflict = Data(#"<e xmlns="DAV:"/>"#.utf8)
        #expect(
            DAVError.from(try TestDAV.response(403, needPrivileges, url: "http://h/")) == .forbidden(url: "http://h/"))
        #expect(DAVError.from(try TestDAV.response(403, Data(), url: "http://h/")) == .forbidden(url: "http://h/"))
        #expect(
            DAVError.from(try TestDAV.response(403, Data("<html>".utf8), url: "http://h/"))
                == .forbidden(url: "http://h/"))
        #expect(
            DAVError.from(try TestDAV.response(412, Data(), url: "http://h/")) == .preconditionFailed(url: "http://h/"))
        #expect(
            DAVError.from(try TestDAV.response(409, validToken409, url: "http://h/"))
                == .invalidSyncToken(url: "http://h/"))
        #expect(
            DAVError.from(try TestDAV.response(409, uidConflict, url: "http://h/"))
                == .conflict(url: "http://h/", detail: nil))
    }

    /// Never `DAV:limit` (Xandikos truncates silently with one); sync-level 1; an empty token for an initial sync.
    @Test func requestBodyFollowsRFC6578() throws {
        let initial = TestDAV.text(DAVRequestBody.syncCollection(token: nil, properties: [.getETag]))
        #expect(initial.contains("<d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop>"))
        #expect(!initial.contains("limit"))
        let root = try XMLTreeParser.parse(
            DAVRequestBody.syncCollection(token: "a&b<c>", properties: [.getETag]), maxSize: 1 << 16)
        #expect(root.name == .dav("sync-collection"))
        #expect(root.child(.syncToken)?.text == "a&b<c>")
    }
}

/// A page's changes as plain values, for comparisons.
private struct SyncCollectionResultSnapshot {
    var members: [String: String] = [:]
    var removed: [String] = []

    init(_ page: SyncPage) {
        for change in page.changes {
            switch change {
            case .changed(let member): members[member.href] = member.etag ?? ""
            case .removed(let href): removed.append(href)
            }
        }
    }
}

/// Records the tokens a sync asked with.
private actor Tokens {
    var seen: [String?] = []

    @discardableResult
    func append(_ token: String?) -> Int {
        seen.append(token)
        return seen.count
    }
}

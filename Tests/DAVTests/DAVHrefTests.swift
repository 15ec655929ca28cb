import Foundation
import Testing

@testable import DAV

/// One cache key per resource, whatever spelling the server used (RFC 3986 §6.2.2).
@Suite struct DAVHrefTests {
    let base: URL

    init() throws {
        base = try TestDAV.url("http://127.0.0.1:5232/alice/contacts/")
    }

    @Test func encodedAndLiteralAtGiveOneKey() {
        let radicale = DAVHref.normalize("/alice/contacts/a%40b.vcf", relativeTo: base)
        let xandikos = DAVHref.normalize("/alice/contacts/a@b.vcf", relativeTo: base)
        #expect(radicale == xandikos)
        #expect(radicale == "http://127.0.0.1:5232/alice/contacts/a%40b.vcf")
    }

    @Test func pathAndAbsoluteURLGiveOneKey() {
        // Xandikos answers PROPPATCH with an absolute URL, everything else with a path.
        #expect(
            DAVHref.normalize("http://127.0.0.1:5232/alice/contacts/", relativeTo: base)
                == DAVHref.normalize("/alice/contacts/", relativeTo: base))
        #expect(DAVHref.normalize("", relativeTo: base) == "http://127.0.0.1:5232/alice/contacts/")
    }

    @Test func schemeHostAndDefaultPortAreCanonical() throws {
        #expect(DAVHref.normalize("HTTP://Example.COM:80/a", relativeTo: base) == "http://example.com/a")
        #expect(DAVHref.normalize("https://example.com:443/a", relativeTo: base) == "https://example.com/a")
        #expect(DAVHref.normalize("https://example.com:8443/a", relativeTo: base) == "https://example.com:8443/a")
        #expect(DAVHref.normalize("https://user:pw@example.com/a", relativeTo: base) == "https://example.com/a")
        #expect(DAVHref.normalize("http://[::1]:80/x", relativeTo: base) == "http://[::1]/x")
        #expect(DAVHref.normalize("http://[::1]:8080/x", relativeTo: base) == "http://[::1]:8080/x")
        #expect(DAVHref.normalize("//other.example/x", relativeTo: base) == "http://other.example/x")
    }

    @Test func pathSegmentsAreReencodedWithOneSet() {
        let expected = "http://127.0.0.1:5232/alice/Jos%C3%A9%20%C3%91.vcf"
        #expect(DAVHref.normalize("/alice/José Ñ.vcf", relativeTo: base) == expected)
        #expect(DAVHref.normalize("/alice/Jos%c3%a9%20%C3%91.vcf", relativeTo: base) == expected)
        // Unreserved characters are never escaped; an escaped slash stays inside its segment.
        #expect(DAVHref.normalize("/a/%7Euser/b%2Fc", relativeTo: base) == "http://127.0.0.1:5232/a/~user/b%2Fc")
        // A malformed escape is a literal percent sign.
        #expect(DAVHref.normalize("/a/100%zz", relativeTo: base) == "http://127.0.0.1:5232/a/100%25zz")
        #expect(DAVHref.normalize("/a/x+y,z=1:2", relativeTo: base) == "http://127.0.0.1:5232/a/x%2By%2Cz%3D1%3A2")
    }

    @Test func dotSegmentsAndRelativeReferencesResolve() {
        #expect(DAVHref.normalize("/a/b/../c/./d", relativeTo: base) == "http://127.0.0.1:5232/a/c/d")
        #expect(DAVHref.normalize("/a/b/..", relativeTo: base) == "http://127.0.0.1:5232/a/")
        #expect(DAVHref.normalize("card.vcf", relativeTo: base) == "http://127.0.0.1:5232/alice/contacts/card.vcf")
        #expect(DAVHref.normalize("../calendar/", relativeTo: base) == "http://127.0.0.1:5232/alice/calendar/")
        // A collection keeps its trailing slash; empty segments are kept.
        #expect(DAVHref.normalize("/a//b/", relativeTo: base) == "http://127.0.0.1:5232/a//b/")
    }

    @Test func fragmentIsDroppedQueryKeptAndOtherSchemesPassThrough() {
        #expect(DAVHref.normalize("/a/b.ics#x", relativeTo: base) == "http://127.0.0.1:5232/a/b.ics")
        #expect(DAVHref.normalize("/a/b?x=1", relativeTo: base) == "http://127.0.0.1:5232/a/b?x=1")
        #expect(DAVHref.normalize(" mailto:alice@example.com ", relativeTo: base) == "mailto:alice@example.com")
    }

    @Test func pathIsWhatAMultigetSends() {
        #expect(
            DAVHref.path("http://127.0.0.1:5232/alice/contacts/a@b.vcf", relativeTo: base)
                == "/alice/contacts/a%40b.vcf")
        #expect(DAVHref.path("x y.vcf", relativeTo: base) == "/alice/contacts/x%20y.vcf")
    }

    @Test func collectionWithAndWithoutSlashIsOneResource() {
        #expect(DAVHref.sameResource("http://h/a/b/", "http://h/a/b"))
        #expect(!DAVHref.sameResource("http://h/a/b/", "http://h/a/c/"))
    }
}

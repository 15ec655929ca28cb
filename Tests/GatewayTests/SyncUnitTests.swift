import Foundation
import Store
import Testing

@testable import Gateway

@Suite struct SyncUnitTests {
    /// A request syncs only the collections its methods use.
    @Test func methodsNameTheCollectionsToSync() {
        #expect(GatewayMethods.collectionKinds(forMethods: ["Core/echo"]).isEmpty)
        #expect(
            GatewayMethods.collectionKinds(forMethods: ["ContactCard/get", "AddressBook/changes"]) == [.addressBook])
        #expect(GatewayMethods.collectionKinds(forMethods: ["CalendarEvent/query", "Core/echo"]) == [.calendar])
        #expect(
            GatewayMethods.collectionKinds(forMethods: ["ContactCard/get", "Principal/get"]) == [
                .addressBook, .calendar,
            ])
        #expect(GatewayMethods.collectionKinds(forMethods: ["Blob/get"]) == [.addressBook, .calendar])
        #expect(GatewayMethods.collectionKinds(forMethods: ["Mailbox/get"]) == [.addressBook, .calendar])
    }

    @Test func uidIsReadFromFoldedAndGroupedLines() {
        #expect(
            ResourceUID.extract(
                from: Data("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:1234\r\nEND:VCARD\r\n".utf8))
                == "urn:uuid:1234")
        #expect(
            ResourceUID.extract(from: Data("BEGIN:VCARD\nUID:abc\n def\nEND:VCARD\n".utf8)) == "abcdef")
        #expect(
            ResourceUID.extract(from: Data("BEGIN:VCARD\r\nitem1.UID;VALUE=text:x\r\nEND:VCARD".utf8))
                == "x")
        #expect(ResourceUID.extract(from: Data("BEGIN:VCARD\r\nFN:UID:no\r\nEND:VCARD".utf8)) == nil)
    }

    /// Only new hrefs and changed or unknown ETags are fetched.
    @Test func partitionFetchesOnlyWhatChanged() {
        let versions = [
            "a": ObjectVersion(id: "1", href: "a", etag: "\"1\""),
            "b": ObjectVersion(id: "2", href: "b", etag: "\"2\""),
        ]
        let (changed, unchanged) = CollectionSynchronizer.partition(
            [("a", "\"1\""), ("b", "\"3\""), ("c", "\"4\""), ("d", nil)], versions: versions)
        #expect(changed == ["b", "c", "d"])
        #expect(unchanged == ["a"])
    }
}

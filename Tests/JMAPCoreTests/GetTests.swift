import JMAPCore
import Testing

/// Foo/get (RFC 8620 §5.1).
@Suite struct GetTests {
    let harness = Harness()

    @Test func nullIdsReturnsEveryRecordWithTheRequestedProperties() async throws {
        let ids = try await harness.seed(["a": ["title": "A", "priority": 1], "b": ["title": "B"]])
        let response = try await harness.call("Note/get", ["accountId": "a1", "ids": nil, "properties": ["title"]])
        #expect(response.name == "Note/get")
        #expect(response["state"] == "s2")
        #expect(
            response["list"] == [
                ["id": .string(ids["a"] ?? ""), "title": "A"], ["id": .string(ids["b"] ?? ""), "title": "B"],
            ])
        #expect(response["notFound"] == [])
    }

    @Test func withoutPropertiesEveryPropertyComesBack() async throws {
        let ids = try await harness.seed(["a": ["title": "A", "body": "two words"]])
        let response = try await harness.call("Note/get", ["accountId": "a1", "ids": [.string(ids["a"] ?? "")]])
        let note = try #require(response["list"]?.arrayValue?.first?.objectValue)
        #expect(Set(note.keys) == Note.properties)
        #expect(note["wordCount"] == 2)
    }

    @Test func missingRepeatedAndUnresolvedIdsAreReportedOnce() async throws {
        let ids = try await harness.seed(["a": ["title": "A"]])
        let id = JSONValue.string(ids["a"] ?? "")
        let response = try await harness.call(
            "Note/get", ["accountId": "a1", "ids": [id, "n404", id, "#nope", "n404", "not/an/id"]])
        #expect(response["list"]?.arrayValue?.count == 1)
        #expect(response["notFound"] == ["n404", "#nope", "not/an/id"])
    }

    @Test func emptyIdsFindNothing() async throws {
        try await harness.seed(["a": ["title": "A"]])
        let response = try await harness.call("Note/get", ["accountId": "a1", "ids": []])
        #expect(response["list"] == [])
        #expect(response["notFound"] == [])
    }

    @Test func unknownPropertyIsInvalid() async throws {
        let response = try await harness.call("Note/get", ["accountId": "a1", "properties": ["title", "colour"]])
        #expect(response.errorType == "invalidArguments")
        #expect(response["description"]?.stringValue?.contains("colour") == true)
    }

    @Test func moreIdsThanMaxObjectsInGetIsTooLarge() async throws {
        let harness = Harness(limits: CoreLimits(maxObjectsInGet: 2))
        let response = try await harness.call("Note/get", ["accountId": "a1", "ids": ["n1", "n2", "n3"]])
        #expect(response.errorType == "requestTooLarge")
    }

    @Test func nullIdsWithMoreRecordsThanMaxObjectsInGetIsTooLarge() async throws {
        let harness = Harness(limits: CoreLimits(maxObjectsInGet: 2))
        try await harness.seed(["a": ["title": "A"], "b": ["title": "B"], "c": ["title": "C"]])
        let response = try await harness.call("Note/get", ["accountId": "a1"])
        #expect(response.errorType == "requestTooLarge")
    }
}

/// A result reference (RFC 8620 §3.7) reads into records a /get kept as JSON text.
@Suite struct EncodedRecordPointerTests {
    @Test func pointerGoesIntoEncodedRecords() throws {
        let records: [JSONValue] = [
            .encoded(try EncodedJSON(["id": "c1", "addressBookIds": ["b1": true]])),
            .encoded(try EncodedJSON(["id": "c2", "addressBookIds": ["b2": true]])),
        ]
        let response: JSONValue = ["list": .array(records)]
        #expect(JSONPointer("/list/*/id")?.evaluate(in: response) == ["c1", "c2"])
        #expect(JSONPointer("/list/1/addressBookIds")?.evaluate(in: response) == ["b2": true])
    }
}

import JMAPCore
import Testing

/// Foo/queryChanges (RFC 8620 §5.6), on `Harness.fixture` sorted by title.
@Suite struct QueryChangesTests {
    let harness = Harness()
    let sortByTitle: JSONValue = [["property": "title"]]

    /// From [n1 apples, n2 Banana bread, n3 Cherry, n4 date night, n5 Éclair] (state s5) to
    /// [n3 Aardvark, n1, n2, n5, n6 Fig]: n3 renamed to the front, n4 destroyed, n6 created at the end.
    private func changeResults() async throws {
        try await harness.seed(Harness.fixture)
        _ = try await harness.call(
            "Note/set",
            [
                "accountId": "a1", "create": ["f": ["title": "Fig"]], "update": ["n3": ["title": "Aardvark"]],
                "destroy": ["n4"],
            ])
    }

    private func queryChanges(_ arguments: JSONObject) async throws -> Invocation {
        let standard: JSONObject = ["accountId": "a1", "sort": sortByTitle, "sinceQueryState": "s5"]
        return try await harness.call("Note/queryChanges", standard.merging(arguments) { $1 })
    }

    @Test func removedAndAddedTakeTheOldResultsToTheNew() async throws {
        try await changeResults()
        let response = try await queryChanges(["calculateTotal": true])
        #expect(response["oldQueryState"] == "s5")
        #expect(response["newQueryState"] == "s8")
        #expect(response["total"] == 5)
        #expect(response["removed"] == ["n3", "n4", "n6"])
        #expect(response["added"] == [["id": "n3", "index": 0], ["id": "n6", "index": 4]])

        // Splicing out `removed` and in `added`, lowest index first, gives the new results.
        var cached = ["n1", "n2", "n3", "n4", "n5"]
        let removed = try #require(response["removed"]?.arrayValue?.stringArray)
        cached.removeAll(where: removed.contains)
        for item in try #require(response["added"]?.arrayValue) {
            let id = try #require(item["id"]?.stringValue)
            let index = try #require(item["index"]?.intValue)
            cached.insert(id, at: index)
        }
        let query = try await harness.call("Note/query", ["accountId": "a1", "sort": sortByTitle])
        #expect(query["ids"] == JSONValue(cached))
    }

    @Test func addedItemsAfterUpToIdAreLeftOut() async throws {
        try await changeResults()
        let response = try await queryChanges(["upToId": "n1"])
        #expect(response["added"] == [["id": "n3", "index": 0]])
        #expect(response["total"] == nil)
    }

    @Test func upToIdThatChangedItselfIsIgnored() async throws {
        try await changeResults()
        let response = try await queryChanges(["upToId": "n3"])
        #expect(response["added"]?.arrayValue?.count == 2)
    }

    @Test func moreChangesThanMaxChangesIsAnError() async throws {
        try await changeResults()
        #expect(try await queryChanges(["maxChanges": 4]).errorType == "tooManyChanges")
        #expect(try await queryChanges(["maxChanges": 5]).errorType == nil)
    }

    @Test func unknownQueryStateCannotBeCalculated() async throws {
        try await changeResults()
        #expect(try await queryChanges(["sinceQueryState": "s42"]).errorType == "cannotCalculateChanges")
    }

    @Test func filterAppliesToTheCurrentResults() async throws {
        try await changeResults()
        let response = try await queryChanges(["filter": ["text": "a"]])
        // n6 Fig does not match: removed (harmless, §5.6) but not added.
        #expect(response["removed"] == ["n3", "n4", "n6"])
        #expect(response["added"] == [["id": "n3", "index": 0]])
    }
}

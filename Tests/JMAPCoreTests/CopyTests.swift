import JMAPCore
import Testing

/// Foo/copy (RFC 8620 §5.4), from a1 to a2.
@Suite struct CopyTests {
    let harness = Harness()

    private func copy(_ arguments: JSONObject) async throws -> [Invocation] {
        let standard: JSONObject = ["fromAccountId": "a1", "accountId": "a2"]
        return try await harness.run([("Note/copy", standard.merging(arguments) { $1 })]).methodResponses
    }

    @Test func copiesWithOverridesAndKeepsTheOriginal() async throws {
        try await harness.seed(["trip": ["title": "Trip", "priority": 3, "body": "pack the bags"]])
        let responses = try await copy(["create": ["c": ["id": "n1", "priority": 7]]])
        try #require(responses.count == 1)
        #expect(responses[0].name == "Note/copy")
        #expect(responses[0]["fromAccountId"] == "a1")
        #expect(responses[0]["accountId"] == "a2")
        #expect(responses[0]["oldState"] == "s0")
        #expect(responses[0]["newState"] == "s1")
        #expect(responses[0]["created"] == ["c": ["id": "n2", "wordCount": 3]])
        #expect(responses[0]["notCreated"] == .null)

        let copied = await harness.store.notes(in: "a2")
        #expect(copied.first?["title"] == "Trip")
        #expect(copied.first?["priority"] == 7)
        #expect(await harness.store.notes(in: "a1").count == 1)
    }

    @Test func onSuccessDestroyOriginalAddsTheImplicitSet() async throws {
        try await harness.seed(["a": ["title": "A"], "b": ["title": "B"]])
        let responses = try await copy([
            "create": ["c1": ["id": "n1"], "c2": ["id": "n404"]], "onSuccessDestroyOriginal": true,
            "destroyFromIfInState": "s2",
        ])
        #expect(responses.map(\.name) == ["Note/copy", "Note/set"])
        #expect(responses.map(\.methodCallId) == ["c0", "c0"])
        #expect(responses[0]["notCreated"]?["c2"]?["type"] == "notFound")
        #expect(responses[1]["accountId"] == "a1")
        #expect(responses[1]["destroyed"] == ["n1"])
        #expect(await harness.store.notes(in: "a1").map(Note.id) == ["n2"])
    }

    @Test func implicitSetFailureIsReportedAfterTheCopy() async throws {
        _ = try await harness.store.create(["title": "Archived"], in: "r1")
        let responses = try await copy([
            "fromAccountId": "r1", "create": ["c": ["id": "n1"]], "onSuccessDestroyOriginal": true,
        ])
        #expect(responses.map(\.name) == ["Note/copy", "error"])
        #expect(responses[0]["created"]?["c"]?["id"] == "n2")
        #expect(responses[1].errorType == "accountReadOnly")
    }

    @Test func copiesARecordCreatedEarlierInTheRequest() async throws {
        let response = try await harness.run([
            ("Note/set", ["accountId": "a1", "create": ["k1": ["title": "Fresh"]]]),
            ("Note/copy", ["fromAccountId": "a1", "accountId": "a2", "create": ["k2": ["id": "#k1"]]]),
            ("Note/get", ["accountId": "a2", "ids": ["#k2"], "properties": ["title"]]),
        ])
        #expect(response.methodResponses[2]["list"] == [["id": "n2", "title": "Fresh"]])
    }

    @Test(
        arguments: [
            (["accountId": "a1"], "invalidArguments"),
            (["fromAccountId": "zz"], "fromAccountNotFound"),
            (["fromAccountId": "x1"], "fromAccountNotSupportedByMethod"),
            (["accountId": "r1"], "accountReadOnly"),
            (["ifFromInState": "s9"], "stateMismatch"),
            (["ifInState": "s9"], "stateMismatch"),
            (["create": ["c": ["title": "no id"]]], "invalidArguments"),
            (["create": nil], "invalidArguments"),
        ] as [(JSONObject, String)])
    func rejectedCalls(arguments: JSONObject, errorType: String) async throws {
        try await harness.seed(["a": ["title": "A"]])
        let valid: JSONObject = ["create": ["c": ["id": "n1"]]]
        let responses = try await copy(valid.merging(arguments) { $1 })
        #expect(responses.first?.errorType == errorType)
    }
}

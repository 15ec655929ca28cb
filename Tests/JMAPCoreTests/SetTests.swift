import JMAPCore
import Testing

/// Foo/set (RFC 8620 §5.3).
@Suite struct SetTests {
    let harness = Harness()

    @Test func createReturnsWhatTheServerSetAndMovesTheState() async throws {
        let response = try await harness.call(
            "Note/set", ["accountId": "a1", "create": ["k1": ["title": "Shopping", "body": "milk and eggs"]]])
        #expect(response["oldState"] == "s0")
        #expect(response["newState"] == "s1")
        // Server-set properties and defaults: everything the client did not send.
        #expect(
            response["created"] == [
                "k1": ["id": "n1", "wordCount": 3, "priority": 0, "tags": [:], "checklist": [], "info": [:]]
            ])
        for key in ["updated", "destroyed", "notCreated", "notUpdated", "notDestroyed"] {
            #expect(response[key] == .null, "\(key) is null when empty")
        }
    }

    @Test func laterCallsReferToCreationIds() async throws {
        let response = try await harness.run([
            ("Note/set", ["accountId": "a1", "create": ["k1": ["title": "Draft"]]]),
            ("Note/set", ["accountId": "a1", "update": ["#k1": ["title": "Final"]]]),
            ("Note/get", ["accountId": "a1", "ids": ["#k1"], "properties": ["title"]]),
        ])
        let id = try #require(response.methodResponses[0]["created"]?["k1"]?["id"])
        let updated = try #require(response.methodResponses[1]["updated"]?.objectValue)
        #expect(updated.keys.first.map(JSONValue.string) == id)
        #expect(response.methodResponses[2]["list"] == [["id": id, "title": "Final"]])
    }

    @Test func referencesToCreatesOfTheSameCallResolveAfterTheCreates() async throws {
        let response = try await harness.call(
            "Note/set",
            ["accountId": "a1", "create": ["k1": ["title": "Temporary"]], "destroy": ["#k1"]])
        #expect(response["destroyed"] == ["n1"])
        #expect(response["notDestroyed"] == .null)
    }

    @Test func ifInStateMustMatch() async throws {
        try await harness.seed(["a": ["title": "A"]])
        let stale = try await harness.call("Note/set", ["accountId": "a1", "ifInState": "s0", "destroy": ["n1"]])
        #expect(stale.errorType == "stateMismatch")

        let current = try await harness.call("Note/set", ["accountId": "a1", "ifInState": "s1", "destroy": ["n1"]])
        #expect(current["oldState"] == "s1")
        #expect(current["destroyed"] == ["n1"])
    }

    @Test func updatedReportsOnlyWhatThePatchDidNotAskFor() async throws {
        try await harness.seed(["a": ["title": "A"], "b": ["title": "B"]])
        let response = try await harness.call(
            "Note/set", ["accountId": "a1", "update": ["n1": ["body": "three more words"], "n2": ["title": "Bee"]]])
        #expect(response["updated"] == ["n1": ["wordCount": 3], "n2": nil])
    }

    @Test func serverSetPropertiesMayOnlyBeRepeated() async throws {
        try await harness.seed(["a": ["title": "A", "body": "one"]])
        let response = try await harness.call(
            "Note/set", ["accountId": "a1", "update": ["n1": ["wordCount": 42, "title": "Changed"]]])
        #expect(response["notUpdated"]?["n1"]?["type"] == "invalidProperties")
        #expect(response["notUpdated"]?["n1"]?["properties"] == ["wordCount"])

        let repeated = try await harness.call(
            "Note/set", ["accountId": "a1", "update": ["n1": ["id": "n1", "wordCount": 1, "title": "Changed"]]])
        #expect(repeated["updated"] == ["n1": nil])
    }

    @Test func invalidRecordsAreRejectedOneByOne() async throws {
        let response = try await harness.call(
            "Note/set",
            [
                "accountId": "a1",
                "create": [
                    "good": ["title": "Fine"], "typo": ["title": 5], "extra": ["title": "X", "colour": "red"],
                    "serverSet": ["title": "X", "id": "mine"],
                ],
            ])
        #expect(response["created"]?["good"]?["id"] == "n1")
        #expect(response["notCreated"]?["typo"]?["properties"] == ["title"])
        #expect(response["notCreated"]?["extra"]?["properties"] == ["colour"])
        #expect(response["notCreated"]?["serverSet"]?["properties"] == ["id"])
    }

    @Test func unknownIdsAreNotFound() async throws {
        let response = try await harness.call(
            "Note/set",
            ["accountId": "a1", "update": ["n404": ["title": "X"], "#nope": [:]], "destroy": ["n405", "#nope"]])
        #expect(response["notUpdated"]?["n404"]?["type"] == "notFound")
        #expect(response["notUpdated"]?["#nope"]?["type"] == "notFound")
        #expect(response["notDestroyed"]?["n405"]?["type"] == "notFound")
        #expect(response["notDestroyed"]?["#nope"]?["type"] == "notFound")
    }

    @Test func updatingARecordBeingDestroyedIsSkipped() async throws {
        try await harness.seed(["a": ["title": "A"]])
        let response = try await harness.call(
            "Note/set", ["accountId": "a1", "update": ["n1": ["title": "B"]], "destroy": ["n1", "n1"]])
        #expect(response["notUpdated"]?["n1"]?["type"] == "willDestroy")
        #expect(response["destroyed"] == ["n1"])
        #expect(response["notDestroyed"] == .null)
    }

    @Test func moreObjectsThanMaxObjectsInSetIsTooLarge() async throws {
        let harness = Harness(limits: CoreLimits(maxObjectsInSet: 2))
        let response = try await harness.call(
            "Note/set", ["accountId": "a1", "create": ["a": ["title": "A"], "b": ["title": "B"]], "destroy": ["n9"]])
        #expect(response.errorType == "requestTooLarge")
    }

    @Test(
        arguments: [
            ["create": ["not valid!": ["title": "A"]]],
            ["create": ["k": "not an object"]],
            ["update": ["n1": nil]],
            ["destroy": "n1"],
        ] as [JSONObject])
    func malformedArgumentsAreInvalid(arguments: JSONObject) async throws {
        let response = try await harness.call("Note/set", arguments.merging(["accountId": "a1"]) { $1 })
        #expect(response.errorType == "invalidArguments")
    }
}

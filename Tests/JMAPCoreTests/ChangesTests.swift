import JMAPCore
import Testing

/// Foo/changes (RFC 8620 §5.2).
@Suite struct ChangesTests {
    let harness = Harness()

    /// s1–s3 create n1–n3, s4 updates n1, s5 destroys n2.
    private func makeHistory() async throws {
        try await harness.seed(["a": ["title": "A"], "b": ["title": "B"], "c": ["title": "C"]])
        _ = try await harness.call("Note/set", ["accountId": "a1", "update": ["n1": ["title": "A2"]]])
        _ = try await harness.call("Note/set", ["accountId": "a1", "destroy": ["n2"]])
    }

    @Test func changesAreCoalesced() async throws {
        try await makeHistory()
        let fromStart = try await harness.call("Note/changes", ["accountId": "a1", "sinceState": "s0"])
        #expect(fromStart["oldState"] == "s0")
        #expect(fromStart["newState"] == "s5")
        #expect(fromStart["hasMoreChanges"] == false)
        // n1 created then updated: created only. n2 created then destroyed: left out.
        #expect(fromStart["created"] == ["n1", "n3"])
        #expect(fromStart["updated"] == [])
        #expect(fromStart["destroyed"] == [])

        let later = try await harness.call("Note/changes", ["accountId": "a1", "sinceState": "s3"])
        #expect(later["updated"] == ["n1"])
        #expect(later["destroyed"] == ["n2"])
    }

    @Test func maxChangesPagesThroughIntermediateStates() async throws {
        try await makeHistory()
        var pages: [JSONObject] = []
        var state = "s0"
        while pages.count < 5 {
            let page = try await harness.call(
                "Note/changes", ["accountId": "a1", "sinceState": .string(state), "maxChanges": 2])
            pages.append(page.arguments)
            state = try #require(page["newState"]?.stringValue)
            if page["hasMoreChanges"] == false { break }
        }
        #expect(pages.map { $0["newState"] } == ["s2", "s4", "s5"])
        #expect(pages.map { $0["hasMoreChanges"] } == [true, true, false])
        #expect(pages.map { $0["created"] } == [["n1", "n2"], ["n3"], []])
        #expect(pages.map { $0["updated"] } == [[], ["n1"], []])
        #expect(pages.map { $0["destroyed"] } == [[], [], ["n2"]])
    }

    @Test func maxChangesMustBePositive() async throws {
        let response = try await harness.call("Note/changes", ["accountId": "a1", "sinceState": "s0", "maxChanges": 0])
        #expect(response.errorType == "invalidArguments")
    }

    @Test func sinceStateIsRequired() async throws {
        let response = try await harness.call("Note/changes", ["accountId": "a1"])
        #expect(response.errorType == "invalidArguments")
    }

    @Test(arguments: ["bogus", "s99", "s1"])
    func unknownOrForgottenStatesCannotBeCalculated(sinceState: String) async throws {
        try await makeHistory()
        await harness.store.forgetChanges(in: "a1")
        let response = try await harness.call("Note/changes", ["accountId": "a1", "sinceState": .string(sinceState)])
        #expect(response.errorType == "cannotCalculateChanges")

        let current = try await harness.call("Note/changes", ["accountId": "a1", "sinceState": "s5"])
        #expect(current["newState"] == "s5")
    }

    @Test func changeSetCoalescesAsSection5_2Asks() {
        var changes = ChangeSet()
        changes.record(.created, id: "new")
        changes.record(.updated, id: "new")
        changes.record(.updated, id: "old")
        changes.record(.destroyed, id: "old")
        changes.record(.created, id: "brief")
        changes.record(.destroyed, id: "brief")
        changes.record(.updated, id: "edited")
        #expect(changes.created == ["new"])
        #expect(changes.updated == ["edited"])
        #expect(changes.destroyed == ["old"])
        #expect(changes.ids == ["edited", "new", "old"])
        #expect(changes.count == 3)
        #expect(changes.kind(of: "brief") == nil)
    }
}

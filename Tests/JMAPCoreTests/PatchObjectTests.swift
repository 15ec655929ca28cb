import JMAPCore
import Testing

/// PatchObject (RFC 8620 §5.3).
@Suite struct PatchObjectTests {
    let note: JSONObject = [
        "id": "n1", "title": "Trip", "tags": ["travel": true],
        "info": ["author": "ann", "source": ["app": "web"]], "checklist": ["passport"],
    ]

    @Test func setsNestedPaths() throws {
        let patched = try PatchObject(["info/source/app": "ios", "tags/packing": true]).apply(to: note)
        #expect(patched["info"] == ["author": "ann", "source": ["app": "ios"]])
        #expect(patched["tags"] == ["travel": true, "packing": true])
        #expect(patched["title"] == "Trip")
    }

    @Test func nullRemovesAndIsANoOpWhenAbsent() throws {
        let patched = try PatchObject(["tags/travel": nil, "info/missing": nil, "title": nil]).apply(to: note)
        #expect(patched["tags"] == [:])
        #expect(patched["info"] == note["info"])
        #expect(patched["title"] == nil)
    }

    @Test func aWholeObjectIsAPatch() throws {
        var replacement = note
        replacement["title"] = "Holiday"
        #expect(try PatchObject(replacement).apply(to: note) == replacement)
    }

    @Test func escapesFollowJSONPointer() throws {
        let patched = try PatchObject(["tags/a~1b": true, "tags/c~0d": true]).apply(to: note)
        #expect(patched["tags"] == ["travel": true, "a/b": true, "c~d": true])
    }

    @Test(
        arguments: [
            ["info": ["author": "bob"], "info/source/app": "ios"],
            ["tags": [:], "tags/x": true],
            ["checklist/0": "visa"],
            ["checklist/0/name": "visa"],
            ["info/missing/app": "ios"],
            ["title/length": 5],
        ] as [JSONObject])
    func invalidPatchesAreRejected(paths: JSONObject) {
        #expect {
            try PatchObject(paths).apply(to: note)
        } throws: { error in
            (error as? SetError)?.type == "invalidPatch"
        }
    }

    @Test func immutablePropertiesMayOnlyKeepTheirValue() throws {
        #expect(try PatchObject(["id": "n1", "title": "New"]).apply(to: note, immutable: ["id"])["title"] == "New")
        #expect {
            try PatchObject(["id": "n2"]).apply(to: note, immutable: ["id"])
        } throws: { error in
            let error = error as? SetError
            return error?.type == "invalidProperties" && error?.properties == ["id"]
        }
    }

    @Test func reportsTheTopLevelPropertiesItTouches() {
        let patch = PatchObject(["info/source/app": "ios", "tags/a~1b": true, "title": "X"])
        #expect(patch.properties == ["info", "tags", "title"])
    }

    @Test func invalidPatchSentToSetRejectsOnlyThatRecord() async throws {
        let harness = Harness()
        try await harness.seed(["a": ["title": "A", "checklist": ["one"]], "b": ["title": "B"]])
        let response = try await harness.call(
            "Note/set", ["accountId": "a1", "update": ["n1": ["checklist/0": "two"], "n2": ["info/x": 1]]])
        #expect(response["notUpdated"]?["n1"]?["type"] == "invalidPatch")
        #expect(response["updated"] == ["n2": nil])
    }
}

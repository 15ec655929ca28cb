import Foundation
import JMAPCore
import Testing

/// The request as a whole (RFC 8620 §3.3–§3.7, §4).
@Suite struct CoreRequestTests {
    let harness = Harness()

    @Test func echoReturnsItsArguments_4() async throws {
        let arguments: JSONObject = ["hello": true, "high": 5, "nested": ["list": [1, "two", nil]]]
        let response = try await harness.call("Core/echo", arguments)
        #expect(response.name == "Core/echo")
        #expect(response.arguments == arguments)
        #expect(response.methodCallId == "c0")
    }

    @Test func unknownCapabilityRejectsTheRequest_3_6_1() async throws {
        let error = await #expect(throws: RequestError.self) {
            try await harness.run([("Core/echo", [:])], using: [Capability.core, "urn:example:unknown"])
        }
        #expect(error?.type == "urn:ietf:params:jmap:error:unknownCapability")
        #expect(error?.detail.contains("urn:example:unknown") == true)
    }

    @Test func tooManyCallsIsALimitError_3_6_1() async throws {
        let calls = Array(repeating: ("Core/echo", JSONObject()), count: 9)
        let error = await #expect(throws: RequestError.self) { try await harness.run(calls) }
        #expect(error?.type == "urn:ietf:params:jmap:error:limit")
        #expect(error?.limit == "maxCallsInRequest")
        #expect(error?.problemDetails["limit"] == "maxCallsInRequest")
    }

    @Test func unknownMethodFailsInPlaceAndLaterCallsRun_3_6_2() async throws {
        let response = try await harness.run([
            ("Core/echo", ["n": 1]),
            ("Note/frobnicate", [:]),
            ("Core/echo", ["n": 3]),
        ])
        #expect(response.methodResponses.map(\.name) == ["Core/echo", "error", "Core/echo"])
        #expect(response.methodResponses.map(\.methodCallId) == ["c0", "c1", "c2"])
        #expect(response.methodResponses[1].errorType == "unknownMethod")
        #expect(response.methodResponses[2]["n"] == 3)
    }

    @Test func methodOfACapabilityNotInUsingIsUnknown_3_3() async throws {
        let response = try await harness.run([("Note/get", ["accountId": "a1"])], using: [Capability.core])
        #expect(response.methodResponses.first?.errorType == "unknownMethod")
    }

    @Test(arguments: [
        ("zz", "accountNotFound"),
        ("x1", "accountNotSupportedByMethod"),
    ])
    func accountErrors_3_6_2(accountId: String, errorType: String) async throws {
        let response = try await harness.call("Note/get", ["accountId": .string(accountId)])
        #expect(response.errorType == errorType)
    }

    @Test func setInAReadOnlyAccountIsRejected_3_6_2() async throws {
        let response = try await harness.call("Note/set", ["accountId": "r1", "create": ["k": ["title": "No"]]])
        #expect(response.errorType == "accountReadOnly")
    }

    @Test func unknownArgumentIsInvalid_3_6_2() async throws {
        let response = try await harness.call("Note/get", ["accountId": "a1", "frobnicate": true])
        #expect(response.errorType == "invalidArguments")
        #expect(response["description"]?.stringValue?.contains("frobnicate") == true)
    }

    @Test func resultReferenceFeedsQueryIdsIntoGet_3_7() async throws {
        let ids = try await harness.seed(["a": ["title": "A"], "b": ["title": "B"]])
        let response = try await harness.run([
            ("Note/query", ["accountId": "a1", "sort": [["property": "title", "isAscending": false]]]),
            ("Note/get", ["accountId": "a1", "properties": ["title"], "#ids": .resultOf("c0", "Note/query", "/ids")]),
        ])
        let list = try #require(response.methodResponses[1]["list"]?.arrayValue)
        #expect(list.map { $0["id"]?.stringValue } == [ids["b"], ids["a"]])
    }

    @Test func starMapsThroughArraysAndFlattens_3_7() async throws {
        let ids = try await harness.seed([
            "a": ["title": "A", "checklist": ["milk", "eggs"]],
            "b": ["title": "B", "checklist": ["tea"]],
        ])
        let response = try await harness.run([
            ("Note/get", ["accountId": "a1", "ids": nil]),
            ("Note/get", ["accountId": "a1", "#ids": .resultOf("c0", "Note/get", "/list/*/id")]),
            ("Core/echo", ["#items": .resultOf("c0", "Note/get", "/list/*/checklist")]),
        ])
        let reread = try #require(response.methodResponses[1]["list"]?.arrayValue)
        #expect(Set(reread.compactMap { $0["id"]?.stringValue }) == Set(ids.values))
        #expect(response.methodResponses[2]["items"] == ["milk", "eggs", "tea"])
    }

    @Test(
        arguments: [
            .resultOf("c9", "Note/query", "/ids"),  // no such call
            .resultOf("c0", "Note/get", "/ids"),  // wrong name
            .resultOf("c0", "Note/query", "/nothing/here"),  // no such path
            .resultOf("c0", "Note/query", "ids"),  // not a pointer
            ["resultOf": "c0", "name": "Note/query"],  // no path
        ] as [JSONValue])
    func unresolvableReferenceIsInvalid_3_7(reference: JSONValue) async throws {
        let response = try await harness.run([
            ("Note/query", ["accountId": "a1"]),
            ("Note/get", ["accountId": "a1", "#ids": reference]),
        ])
        #expect(response.methodResponses[1].errorType == "invalidResultReference")
    }

    @Test func argumentInBothFormsIsInvalid_3_7() async throws {
        let response = try await harness.run([
            ("Note/query", ["accountId": "a1"]),
            ("Note/get", ["accountId": "a1", "ids": [], "#ids": .resultOf("c0", "Note/query", "/ids")]),
        ])
        #expect(response.methodResponses[1].errorType == "invalidArguments")
    }

    @Test func createdIdsComeBackOnlyWhenSent_3_3() async throws {
        let calls: [(String, JSONObject)] = [
            ("Note/set", ["accountId": "a1", "create": ["k1": ["title": "New"]]]),
            ("Note/get", ["accountId": "a1", "ids": ["#earlier", "#k1"], "properties": ["title"]]),
        ]
        let withIds = try await harness.run(calls, createdIds: ["earlier": "n999"])
        let created = try #require(withIds.createdIds)
        #expect(created["earlier"] == "n999")
        let newId = try #require(created["k1"])
        #expect(withIds.methodResponses[1]["list"] == [["id": .string(newId), "title": "New"]])
        #expect(withIds.methodResponses[1]["notFound"] == ["n999"])

        let withoutIds = try await harness.run(calls)
        #expect(withoutIds.createdIds == nil)
    }

    @Test func wireFormatRoundTripsWithoutEscapingSlashes_3_3() async throws {
        let body = Data(
            #"{"using": ["urn:ietf:params:jmap:core"], "methodCalls": [["Core/echo", {"path": "a/b"}, "c1"]]}"#.utf8)
        let request = try Request(body: body)
        let response = try await harness.processor.process(request, caller: TestCaller(), sessionState: "s")
        let json = try #require(String(data: try JSONCoding.encode(response), encoding: .utf8))
        #expect(json.contains(#"["Core/echo",{"path":"a/b"},"c1"]"#))
        #expect(!json.contains(#"\/"#))
    }
}

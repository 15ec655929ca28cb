import Foundation
import Hummingbird
import HummingbirdTesting
import JMAPCore
import TestSupport
import Testing

/// The API resource (RFC 8620 §3) over real HTTP: method calls, result references, and the
/// request-level errors of §3.6.1 as problem details.
@Suite struct APITests {
    static let core = #""using":["urn:ietf:params:jmap:core"]"#

    @Test func echoReturnsItsArgumentsWithoutEscapingSlashes() async throws {
        try await TestGateway().run { client in
            var headers = TestBackends.alice.authorization
            headers[.contentType] = "application/json"
            let body = #"{\#(Self.core),"methodCalls":[["Core/echo",{"path":"a/b","n":1,"list":[true,null]},"c1"]]}"#
            try await client.execute(uri: "/jmap/api", method: .post, headers: headers, body: ByteBuffer(string: body))
            {
                response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains(#"["Core/echo",{"#))
                #expect(text.contains(#""path":"a/b""#))
                #expect(!text.contains(#"\/"#))
            }
        }
    }

    /// §3.7: a later call takes an argument from an earlier response.
    @Test func batchWithResultReference() async throws {
        try await TestGateway().run { client in
            let (status, response) = try await client.jmap(
                #"""
                {\#(Self.core),"methodCalls":[
                  ["Core/echo",{"list":[{"id":"x"},{"id":"y"}]},"a"],
                  ["Core/echo",{"#ids":{"resultOf":"a","name":"Core/echo","path":"/list/*/id"}},"b"]]}
                """#)
            #expect(status == .ok)
            let calls = response.methodResponses
            #expect(calls.count == 2)
            #expect(calls[1].name == "Core/echo")
            #expect(calls[1].arguments == ["ids": ["x", "y"]])
            #expect(response["sessionState"]?.stringValue?.isEmpty == false)
        }
    }

    /// §3.6.2: method errors answer in place and later calls still run.
    @Test func methodErrorsInPlace() async throws {
        try await TestGateway().run { client in
            let (status, response) = try await client.jmap(
                #"""
                {"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:blob"],"methodCalls":[
                  ["Nope/get",{},"m1"],
                  ["Blob/get",{"accountId":"nosuchaccount","ids":[]},"m2"],
                  ["Core/echo",{"#x":{"resultOf":"missing","name":"Core/echo","path":"/x"}},"m3"],
                  ["Core/echo",{"still":"runs"},"m4"]]}
                """#)
            #expect(status == .ok)
            let calls = response.methodResponses
            #expect(calls.map(\.id) == ["m1", "m2", "m3", "m4"])
            #expect(calls[0].name == "error" && calls[0].arguments["type"] == "unknownMethod")
            #expect(calls[1].name == "error" && calls[1].arguments["type"] == "accountNotFound")
            #expect(calls[2].name == "error" && calls[2].arguments["type"] == "invalidResultReference")
            #expect(calls[3].name == "Core/echo" && calls[3].arguments == ["still": "runs"])
        }
    }

    /// A method whose capability is not in `using` is unknown (§3.3).
    @Test func methodOutsideUsingIsUnknown() async throws {
        try await TestGateway().run { client in
            let accountId = try await client.accountId(of: TestBackends.alice)
            let (_, response) = try await client.jmap(
                #"{\#(Self.core),"methodCalls":[["Blob/get",{"accountId":"\#(accountId)","ids":[]},"0"]]}"#)
            #expect(response.methodResponses.first?.arguments["type"] == "unknownMethod")
        }
    }

    struct ProblemCase: Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        var type: String
        var limit: String?
        var testDescription: String { name }
    }

    static let problems: [ProblemCase] = [
        .init(
            name: "unknown capability", body: #"{"using":["urn:example:nope"],"methodCalls":[]}"#,
            type: "urn:ietf:params:jmap:error:unknownCapability"),
        .init(name: "not JSON", body: "using=core", type: "urn:ietf:params:jmap:error:notJSON"),
        .init(name: "truncated JSON", body: #"{"using":["#, type: "urn:ietf:params:jmap:error:notJSON"),
        .init(name: "JSON array", body: "[1,2]", type: "urn:ietf:params:jmap:error:notRequest"),
        .init(name: "no methodCalls", body: #"{\#(core)}"#, type: "urn:ietf:params:jmap:error:notRequest"),
        .init(
            name: "bad invocation", body: #"{\#(core),"methodCalls":[["Core/echo",{}]]}"#,
            type: "urn:ietf:params:jmap:error:notRequest"),
        .init(
            name: "too many calls",
            body:
                #"{\#(core),"methodCalls":[\#(Array(repeating: #"["Core/echo",{},"c"]"#, count: 5).joined(separator: ","))]}"#,
            type: "urn:ietf:params:jmap:error:limit", limit: "maxCallsInRequest"),
        .init(
            name: "too large",
            body: #"{\#(core),"methodCalls":[["Core/echo",{"pad":"\#(String(repeating: "x", count: 3000))"},"c"]]}"#,
            type: "urn:ietf:params:jmap:error:limit", limit: "maxSizeRequest"),
    ]

    /// §3.6.1: request-level errors are RFC 7807 problem details with status 400.
    @Test(arguments: problems)
    func requestLevelErrors(_ problem: ProblemCase) async throws {
        let gateway = try TestGateway(adjust: {
            $0.limits.maxCallsInRequest = 4
            $0.limits.maxSizeRequest = 2000
        })
        try await gateway.run { client in
            var headers = TestBackends.alice.authorization
            headers[.contentType] = "application/json"
            try await client.execute(
                uri: "/jmap/api", method: .post, headers: headers, body: ByteBuffer(string: problem.body)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
                let document = try JSONCoding.decode(JSONObject.self, from: Data(buffer: response.body))
                #expect(document["type"]?.stringValue == problem.type)
                #expect(document["status"] == 400)
                #expect(document["limit"]?.stringValue == problem.limit)
                #expect(document["detail"]?.stringValue?.isEmpty == false)
            }
        }
    }
}

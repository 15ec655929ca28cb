import Foundation
import Testing

@testable import JMAPCore

/// Request parsing (RFC 8620 §3.3) and the small value types of §1.2.
@Suite struct RequestParsingTests {
    @Test func parsesARequestWithCreatedIds() throws {
        let body =
            #"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Core/echo",{"a":1.5,"b":2},"c"]],"createdIds":{"k":"v"}}"#
        let request = try Request(body: Data(body.utf8))
        #expect(request.using == ["urn:ietf:params:jmap:core"])
        #expect(
            request.methodCalls == [Invocation(name: "Core/echo", arguments: ["a": 1.5, "b": 2], methodCallId: "c")])
        #expect(request.createdIds == ["k": "v"])
    }

    @Test func integersStayIntegers() throws {
        let value = try JSONCoding.decode(JSONValue.self, from: Data(#"{"n":5,"d":5.5}"#.utf8))
        #expect(value == ["n": .int(5), "d": .double(5.5)])
        #expect(String(decoding: try JSONCoding.encode(value), as: UTF8.self) == #"{"d":5.5,"n":5}"#)
    }

    @Test func idsFollowTheURLSafeAlphabet() {
        #expect(Id.isValid("aB9-_"))
        #expect(!Id.isValid(""))
        #expect(!Id.isValid("a/b"))
        #expect(!Id.isValid("a b"))
        #expect(!Id.isValid(String(repeating: "a", count: 256)))
    }

    @Test func sessionStateFollowsContent() {
        var session = Session(
            capabilities: [Capability.core: [:]], accounts: [:], primaryAccounts: [:], username: "u",
            apiUrl: "http://x/api", downloadUrl: "d", uploadUrl: "u", eventSourceUrl: "e")
        let state = session.state
        #expect(state == session.state)
        session.username = "v"
        #expect(state != session.state)
    }
}

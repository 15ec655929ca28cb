import DAV
import Foundation
import HummingbirdTesting
import HummingbirdWSClient
import JMAPCore
import Logging
import Synchronization
import TestSupport
import Testing

/// JMAP over WebSocket (RFC 8887) over a real connection: the session's capability, a Request answered
/// like the HTTP API, a RequestError for a bad one, WebSocketPushEnable then a StateChange after a
/// ContactCard/set and after a vCard PUT directly on Radicale, and WebSocketPushDisable.
extension BobBackedTests {
    @Suite struct WebSocketTests {
        @Test("RFC 8887: requests, errors and pushes over one WebSocket")
        func requestsAndPushes() async throws {
            let bob = TestBackends.bob
            let gateway = try TestGateway { $0.backend.pollInterval = .seconds(1) }
            let book = try TestBackends.load().collection(.radicale, "AB", user: bob)
            try await gateway.run { client in
                let session = try await client.session(as: bob)
                let accountId = try await client.accountId(of: bob)
                let capability = try #require(
                    session["capabilities"]?.objectValue?["urn:ietf:params:jmap:websocket"]?.objectValue)
                let advertised = try #require(capability["url"]?.stringValue)
                #expect(advertised.hasPrefix("ws://") && advertised.hasSuffix("/jmap/ws"))
                // The test client's Host header names no port; connect where the server listens.
                let url = "ws://127.0.0.1:\(try #require(client.port))/jmap/ws"
                #expect(capability["supportsPush"] == .bool(true))
                // The HTTP answer, to compare with.
                let http = try await client.contactsCalls(
                    #"["AddressBook/get",{"accountId":"\#(accountId)"},"a"]"#, as: bob)

                var headers = WebSocketClientConfiguration()
                headers.additionalHeaders = [.authorization: bob.basicAuthorization, .secWebSocketProtocol: "jmap"]
                let configuration = headers
                let uid = "ws-\(UUID().uuidString.lowercased())"
                let cardURL = try #require(URL(string: book.absoluteString + "\(uid).vcf"))
                defer { Task { try? await bob.davClient.delete(cardURL) } }
                let collected = Collected<JSONObject>()
                // A missing message fails the test after 15 s instead of hanging it.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await Task.sleep(for: .seconds(15))
                        throw TestBackendsError("WebSocket messages missing; got \(collected.items)")
                    }
                    group.addTask {
                        try await WebSocketClient.connect(
                            url: url, configuration: configuration, logger: Logger(label: "ws-test")
                        ) { inbound, outbound, _ in
                            var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                            func next() async throws -> JSONObject {
                                guard case .text(let text)? = try await messages.next() else { return [:] }
                                return try JSONCoding.decode(JSONObject.self, from: Data(text.utf8))
                            }
                            let using = #"["urn:ietf:params:jmap:core","urn:ietf:params:jmap:contacts"]"#
                            try await outbound.write(
                                .text(
                                    #"{"@type":"Request","id":"r1","using":\#(using),"methodCalls":[["AddressBook/get",{"accountId":"\#(accountId)"},"a"]]}"#
                                ))
                            collected.append(try await next())
                            try await outbound.write(
                                .text(#"{"@type":"Request","id":"r2","using":["urn:x:nope"],"methodCalls":[]}"#))
                            collected.append(try await next())
                            try await outbound.write(
                                .text(#"{"@type":"WebSocketPushEnable","dataTypes":["ContactCard"]}"#))
                            try await outbound.write(
                                .text(
                                    #"{"@type":"Request","id":"r3","using":\#(using),"methodCalls":[["ContactCard/set",{"accountId":"\#(accountId)","create":{"c":{"name":{"full":"WS \#(uid)"}}}},"s"]]}"#
                                ))
                            // The set's Response and its StateChange, in either order.
                            collected.append(try await next())
                            collected.append(try await next())
                            // A change made on the DAV server, found by the poller (1 s).
                            _ = try await bob.davClient.put(
                                cardURL,
                                body: Data(
                                    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:\(uid)\r\nFN:Direct\r\nEND:VCARD\r\n".utf8),
                                contentType: "text/vcard", precondition: .create)
                            collected.append(try await next())
                            try await outbound.write(.text(#"{"@type":"WebSocketPushDisable"}"#))
                            try await outbound.close(.normalClosure, reason: nil)
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
                let messages = collected.items
                try #require(messages.count == 5)
                // §4.3.4: the Response carries the request's id and the HTTP API's answer.
                #expect(messages[0]["@type"] == .string("Response") && messages[0]["requestId"] == .string("r1"))
                let answered = messages[0]["methodResponses"]?.arrayValue?.first?.arrayValue?[1].objectValue
                #expect(answered?["list"] == http.first?.arguments["list"])
                #expect(answered?["state"] == http.first?.arguments["state"])
                // §4.3.3: a RequestError with the problem type and the request's id.
                #expect(messages[1]["@type"] == .string("RequestError") && messages[1]["requestId"] == .string("r2"))
                #expect(messages[1]["type"] == .string("urn:ietf:params:jmap:error:unknownCapability"))
                // §4.3.5: the set's StateChange holds the state its Response reports.
                let setResponse = try #require(messages[2...3].first { $0["@type"] == .string("Response") })
                let pushed = try #require(messages[2...3].first { $0["@type"] == .string("StateChange") })
                let newState = setResponse["methodResponses"]?.arrayValue?.first?.arrayValue?[1].objectValue?[
                    "newState"]
                #expect(pushed["changed"]?.objectValue?[accountId]?.objectValue?["ContactCard"] == newState)
                #expect(pushed["pushState"]?.stringValue?.isEmpty == false)
                // The change made directly on Radicale is pushed too, with a newer state.
                #expect(messages[4]["@type"] == .string("StateChange"))
                let direct = messages[4]["changed"]?.objectValue?[accountId]?.objectValue?["ContactCard"]
                #expect(direct != nil && direct != newState)
                if let id = setResponse["methodResponses"]?.arrayValue?.first?.arrayValue?[1].objectValue?["created"]?
                    .objectValue?["c"]?.objectValue?["id"]?.stringValue
                {
                    _ = try await client.contactsCalls(
                        #"["ContactCard/set",{"accountId":"\#(accountId)","destroy":["\#(id)"]},"d"]"#, as: bob)
                }
            }
        }

        @Test("a Request of more than 16 KB in one frame is answered (frames may be as large as maxSizeRequest)")
        func largeFrame() async throws {
            let bob = TestBackends.bob
            let answers = Collected<JSONObject>()
            try await TestGateway().run { client in
                let url = "ws://127.0.0.1:\(try #require(client.port))/jmap/ws"
                var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 20)
                configuration.additionalHeaders = [
                    .authorization: bob.basicAuthorization, .secWebSocketProtocol: "jmap",
                ]
                let padding = String(repeating: "x", count: 40_000)
                let finished = try await finishes(within: .seconds(10)) { [configuration] in
                    try await WebSocketClient.connect(
                        url: url, configuration: configuration, logger: Logger(label: "ws-test")
                    ) { inbound, outbound, _ in
                        try await outbound.write(
                            .text(
                                #"{"@type":"Request","id":"big","using":["urn:ietf:params:jmap:core"],"methodCalls":[["Core/echo",{"padding":"\#(padding)"},"e"]]}"#
                            ))
                        var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                        if case .text(let text)? = try await messages.next() {
                            answers.append(try JSONCoding.decode(JSONObject.self, from: Data(text.utf8)))
                        }
                    }
                }
                #expect(finished)
            }
            let answer = try #require(answers.items.first)
            #expect(answer["@type"] == .string("Response") && answer["requestId"] == .string("big"))
            let echoed = answer["methodResponses"]?.arrayValue?.first?.arrayValue?[1].objectValue?["padding"]
            #expect(echoed?.stringValue?.count == 40_000)
        }

        @Test("a graceful shutdown ends open WebSocket sessions, even with a client that does not answer")
        func shutdownEndsSessions() async throws {
            let bob = TestBackends.bob
            let stopped = try await finishes(within: .seconds(12)) {
                try await TestGateway().run { client in
                    let url = "ws://127.0.0.1:\(try #require(client.port))/jmap/ws"
                    var configuration = WebSocketClientConfiguration()
                    configuration.additionalHeaders = [
                        .authorization: bob.basicAuthorization, .secWebSocketProtocol: "jmap",
                    ]
                    let (openedStream, opened) = AsyncStream<Void>.makeStream()
                    // The client never reads again, so it never answers the server's close frame.
                    Task { [configuration, opened] in
                        try await WebSocketClient.connect(
                            url: url, configuration: configuration, logger: Logger(label: "ws-test")
                        ) { _, outbound, _ in
                            try await outbound.write(.text(#"{"@type":"WebSocketPushEnable","dataTypes":null}"#))
                            opened.yield()
                            try await Task.sleep(for: .seconds(60))
                        }
                    }
                    var iterator = openedStream.makeAsyncIterator()
                    await iterator.next()
                }
            }
            #expect(stopped, "the server stopped within the WebSocket close timeout")
        }
    }
}

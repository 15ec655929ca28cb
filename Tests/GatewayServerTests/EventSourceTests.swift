import AsyncHTTPClient
import DAV
import Foundation
import HummingbirdTesting
import JMAPCore
import NIOCore
import TestSupport
import Testing

/// RFC 8620 §7.3 over real connections: an EventSource client receives a StateChange after a
/// ContactCard/set through the gateway and after a vCard PUT directly on Radicale (found by the
/// background poller), `closeafter=state` ends the stream, `ping` arrives at the asked interval, `types`
/// filters, and a stale Last-Event-ID gets the current states at once.
extension BobBackedTests {
    @Suite struct EventSourceTests {
        /// One server-sent event (text/event-stream).
        struct Event: Sendable {
            var name: String
            var id: String?
            var data: String

            var json: JSONObject? { try? JSONCoding.decode(JSONObject.self, from: Data(data.utf8)) }
        }

        /// An open event stream, read event by event.
        final class EventStream: @unchecked Sendable {
            private var body: HTTPClientResponse.Body.AsyncIterator
            private var buffer = ""
            let status: Int

            init(
                port: Int, query: String, user: TestBackends.User, lastEventId: String? = nil,
                httpClient: HTTPClient = .shared
            ) async throws {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/jmap/eventsource?\(query)")
                request.headers.add(name: "Authorization", value: user.basicAuthorization)
                if let lastEventId { request.headers.add(name: "Last-Event-ID", value: lastEventId) }
                let response = try await httpClient.execute(request, timeout: .seconds(30))
                status = Int(response.status.code)
                #expect(response.headers.first(name: "Content-Type")?.hasPrefix("text/event-stream") == true)
                body = response.body.makeAsyncIterator()
            }

            /// The next event, or nil when the stream ended; fails after `timeout`.
            func next(timeout: Duration = .seconds(10)) async throws -> Event? {
                let deadline = ContinuousClock.now + timeout
                while true {
                    if let range = buffer.range(of: "\n\n") {
                        let block = String(buffer[..<range.lowerBound])
                        buffer.removeSubrange(..<range.upperBound)
                        var event = Event(name: "message", id: nil, data: "")
                        for line in block.split(separator: "\n", omittingEmptySubsequences: true) {
                            let parts = line.split(separator: ":", maxSplits: 1).map(String.init)
                            let value = parts.count > 1 ? String(parts[1].drop { $0 == " " }) : ""
                            switch parts[0] {
                            case "event": event.name = value
                            case "id": event.id = value
                            case "data": event.data += value
                            default: break
                            }
                        }
                        return event
                    }
                    guard ContinuousClock.now < deadline else { throw TestBackendsError("no event within \(timeout)") }
                    let chunk = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                        nonisolated(unsafe) var iterator = body
                        group.addTask { try await iterator.next() }
                        group.addTask {
                            try await Task.sleep(until: deadline)
                            throw TestBackendsError("no event within \(timeout)")
                        }
                        defer { group.cancelAll() }
                        let first = try await group.next() ?? nil
                        body = iterator
                        return first
                    }
                    guard let chunk else { return nil }
                    buffer += String(buffer: chunk)
                }
            }
        }

        static func state(_ event: Event?, accountId: String, type: String) -> String? {
            event?.json?["changed"]?.objectValue?[accountId]?.objectValue?[type]?.stringValue
        }

        static func createCard(_ client: any TestClientProtocol, accountId: String, name: String) async throws
            -> String?
        {
            let responses = try await client.contactsCalls(
                #"["ContactCard/set",{"accountId":"\#(accountId)","create":{"c":{"name":{"full":"\#(name)"}}}},"s"]"#,
                as: TestBackends.bob)
            if let id = responses.first?.arguments["created"]?.objectValue?["c"]?.objectValue?["id"]?.stringValue {
                _ = try await client.contactsCalls(
                    #"["ContactCard/set",{"accountId":"\#(accountId)","destroy":["\#(id)"]},"d"]"#, as: TestBackends.bob
                )
            }
            return responses.first?.arguments["newState"]?.stringValue
        }

        @Test("§7.3: a ContactCard/set through the gateway is pushed, and closeafter=state ends the stream")
        func stateAfterASetThroughTheGateway() async throws {
            let bob = TestBackends.bob
            try await TestGateway().run { client in
                let accountId = try await client.accountId(of: bob)
                let port = try #require(client.port)
                // The first sync's own changes come before the stream opens.
                _ = try await client.contactsCalls(
                    #"["ContactCard/get",{"accountId":"\#(accountId)","ids":[]},"g"]"#, as: bob)
                let stream = try await EventStream(port: port, query: "types=*&closeafter=state&ping=0", user: bob)
                #expect(stream.status == 200)
                let tag = UUID().uuidString.prefix(8)
                let responses = try await client.contactsCalls(
                    #"["ContactCard/set",{"accountId":"\#(accountId)","create":{"c":{"name":{"full":"Push \#(tag)"}}}},"s"]"#,
                    as: bob)
                let newState = try #require(responses.first?.arguments["newState"]?.stringValue)
                let event = try await stream.next()
                #expect(event?.name == "state")
                #expect(event?.json?["@type"] == .string("StateChange"))
                // RFC 8620 §7.1: the state /get returns now.
                #expect(Self.state(event, accountId: accountId, type: "ContactCard") == newState)
                #expect(event?.id?.isEmpty == false, "§7.3: a state event carries an id")
                #expect(try await stream.next() == nil, "closeafter=state: the response ends")
                if let id = responses.first?.arguments["created"]?.objectValue?["c"]?.objectValue?["id"]?.stringValue {
                    _ = try await client.contactsCalls(
                        #"["ContactCard/set",{"accountId":"\#(accountId)","destroy":["\#(id)"]},"d"]"#, as: bob)
                }
            }
        }

        @Test("§7.3: a vCard PUT directly on the DAV server is pushed within poll_interval + 1 s")
        func stateAfterADirectDAVPut() async throws {
            let bob = TestBackends.bob
            let gateway = try TestGateway { $0.backend.pollInterval = .seconds(1) }
            let book = try TestBackends.load().collection(.radicale, "AB", user: bob)
            try await gateway.run { client in
                let accountId = try await client.accountId(of: bob)
                let port = try #require(client.port)
                // The account's cache is filled first, so the stream's next change is the PUT below.
                _ = try await client.contactsCalls(
                    #"["ContactCard/get",{"accountId":"\#(accountId)","ids":[]},"g"]"#, as: bob)
                let stream = try await EventStream(
                    port: port, query: "types=ContactCard&closeafter=state&ping=0", user: bob)
                let uid = "push-\(UUID().uuidString.lowercased())"
                let url = try #require(URL(string: book.absoluteString + "\(uid).vcf"))
                let started = ContinuousClock.now
                _ = try await bob.davClient.put(
                    url, body: Data("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:\(uid)\r\nFN:Direct\r\nEND:VCARD\r\n".utf8),
                    contentType: "text/vcard", precondition: .create)
                defer { Task { try? await bob.davClient.delete(url) } }
                let event = try await stream.next(timeout: .seconds(5))
                let elapsed = ContinuousClock.now - started
                #expect(event?.name == "state")
                let pushed = try #require(Self.state(event, accountId: accountId, type: "ContactCard"))
                #expect(elapsed < .seconds(2.2), "poll_interval (1 s, ±10% jitter) + 1 s")
                let responses = try await client.contactsCalls(
                    #"["ContactCard/get",{"accountId":"\#(accountId)","ids":[]},"g"]"#, as: bob)
                #expect(responses.first?.arguments["state"] == .string(pushed), "the state /get returns")
            }
        }

        @Test("§7.3: ping events at the asked interval carry it; types filters; a stale Last-Event-ID is answered")
        func pingTypesAndLastEventId() async throws {
            let bob = TestBackends.bob
            try await TestGateway().run { client in
                let accountId = try await client.accountId(of: bob)
                let port = try #require(client.port)
                let pinging = try await EventStream(port: port, query: "types=*&closeafter=no&ping=1", user: bob)
                let first = try await pinging.next(timeout: .seconds(3))
                let firstAt = ContinuousClock.now
                let second = try await pinging.next(timeout: .seconds(3))
                let gap = ContinuousClock.now - firstAt
                #expect(first?.name == "ping" && second?.name == "ping")
                #expect(first?.json?["interval"] == .int(1))
                #expect(gap > .milliseconds(800) && gap < .milliseconds(1800), "one second apart: \(gap)")
                #expect(first?.id == nil, "§7.3: a ping sets no event id")

                // Only CalendarEvent changes: the card created first is not pushed.
                let calendarOnly = try await EventStream(
                    port: port, query: "types=CalendarEvent&closeafter=state&ping=0", user: bob)
                _ = try await Self.createCard(client, accountId: accountId, name: "Filtered")
                let calendars = try await client.jmap(
                    #"""
                    {"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:calendars"],"methodCalls":[
                      ["CalendarEvent/set",{"accountId":"\#(accountId)","create":{"e":{"title":"Push","start":"2027-05-01T10:00:00"}}},"s"]]}
                    """#, as: bob)
                let created = calendars.1.methodResponses.first?.arguments["created"]?.objectValue?["e"]?.objectValue
                let event = try await calendarOnly.next()
                let changed = event?.json?["changed"]?.objectValue?[accountId]?.objectValue
                #expect(changed.map { Set($0.keys) } == ["CalendarEvent"])
                if let id = created?["id"]?.stringValue {
                    _ = try await client.jmap(
                        #"{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:calendars"],"methodCalls":[["CalendarEvent/set",{"accountId":"\#(accountId)","destroy":["\#(id)"]},"d"]]}"#,
                        as: bob)
                }

                // A client that reconnects with an id of an older state gets the current ones at once.
                let stale = try await EventStream(
                    port: port, query: "types=ContactCard&closeafter=state&ping=0", user: bob, lastEventId: "old")
                let catchUp = try await stale.next(timeout: .seconds(2))
                #expect(catchUp?.name == "state")
                #expect(Self.state(catchUp, accountId: accountId, type: "ContactCard") != nil)
                #expect(catchUp?.json?["changed"]?.objectValue?[accountId]?.objectValue?.count == 1, "types applies")
            }
        }

        @Test("a client that leaves is noticed at once, without a ping or a change to fail a write on")
        func leavingClientClosesItsChannel() async throws {
            let bob = TestBackends.bob
            try await TestGateway().run { client in
                let port = try #require(client.port)
                #expect(try await client.metric("jmap_push_channels", labels: #"transport="eventsource""#) == 0)
                let connection = HTTPClient(eventLoopGroupProvider: .singleton)
                let stream = try await EventStream(
                    port: port, query: "types=*&closeafter=no&ping=0", user: bob, httpClient: connection)
                #expect(stream.status == 200)
                #expect(try await client.metric("jmap_push_channels", labels: #"transport="eventsource""#) == 1)
                try await connection.shutdown()
                let deadline = ContinuousClock.now + .seconds(5)
                var open = try await client.metric("jmap_push_channels", labels: #"transport="eventsource""#)
                while open != 0, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                    open = try await client.metric("jmap_push_channels", labels: #"transport="eventsource""#)
                }
                #expect(open == 0, "the channel closes when its client goes")
            }
        }

        @Test("a graceful shutdown ends open event sources, so the server can stop")
        func shutdownEndsOpenStreams() async throws {
            let bob = TestBackends.bob
            let streams = Collected<EventStream>()
            let stopped = try await finishes(within: .seconds(10)) {
                try await TestGateway().run { client in
                    let port = try #require(client.port)
                    let stream = try await EventStream(port: port, query: "types=*&closeafter=no&ping=0", user: bob)
                    #expect(stream.status == 200)
                    streams.append(stream)
                }
            }
            #expect(stopped, "the server stopped without waiting on the stream")
            let stream = try #require(streams.items.first)
            #expect(try await stream.next(timeout: .seconds(5)) == nil, "the stream ended")
        }

        @Test("§7.3: bad closeafter or ping is a 400 problem; no credentials is 401")
        func badArguments() async throws {
            try await TestGateway().run { client in
                let port = try #require(client.port)
                for query in ["closeafter=maybe", "ping=-1", "ping=soon"] {
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/jmap/eventsource?\(query)")
                    request.headers.add(name: "Authorization", value: TestBackends.bob.basicAuthorization)
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                    #expect(response.status.code == 400, "\(query)")
                }
                let anonymous = try await HTTPClient.shared.execute(
                    HTTPClientRequest(url: "http://127.0.0.1:\(port)/jmap/eventsource?types=*"), timeout: .seconds(10))
                #expect(anonymous.status.code == 401)
            }
        }
    }
}

extension TestBackends.User {
    var basicAuthorization: String { "Basic " + Data("\(name):\(password)".utf8).base64EncodedString() }
}

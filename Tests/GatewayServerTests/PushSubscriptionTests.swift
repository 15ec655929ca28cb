import Foundation
import GatewayServer
import Hummingbird
import HummingbirdTesting
import JMAPCore
import Logging
import NIOCore
import Synchronization
import TestSupport
import Testing

/// RFC 8620 §7.2 with a real push receiver: a PushSubscription is sent a PushVerification and nothing
/// else until its code is set, then a StateChange for a ContactCard/set; url and keys are never
/// returned; a URL on loopback is refused unless the configuration allows it, and http:// likewise.
extension BobBackedTests {
    @Suite struct PushSubscriptionTests {
        /// A plain HTTP server on 127.0.0.1 that keeps every JSON body POSTed to /push.
        final class Receiver: Sendable {
            /// Each body POSTed, with its Content-Encoding.
            private let received = Mutex<[(encoding: String?, body: Data)]>([])
            var raw: [(encoding: String?, body: Data)] { received.withLock { $0 } }
            /// The bodies sent in the clear, as JSON.
            var bodies: [JSONObject] {
                raw.filter { $0.encoding == nil }.compactMap { try? JSONCoding.decode(JSONObject.self, from: $0.body) }
            }

            func run<T: Sendable>(_ body: @escaping @Sendable (Int) async throws -> T) async throws -> T {
                let router = Router()
                router.post("push") { request, _ -> HTTPResponse.Status in
                    let buffer = try await request.body.collect(upTo: 1 << 20)
                    let encoding = request.headers[.contentEncoding]
                    self.received.withLock { $0.append((encoding, Data(buffer: buffer))) }
                    return .created
                }
                router.post("redirect") { _, _ -> Response in
                    Response(status: .temporaryRedirect, headers: [.location: "/push"])
                }
                let port = Mutex<Int?>(nil)
                let app = Application(
                    router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                    onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
                return try await withThrowingTaskGroup(of: T?.self) { group in
                    group.addTask {
                        try await app.runService()
                        return nil
                    }
                    while port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
                    let result = try await body(port.withLock { $0 } ?? 0)
                    group.cancelAll()
                    return result
                }
            }

            /// Waits until `predicate` holds for some body, at most `timeout`.
            func wait(_ timeout: Duration = .seconds(5), for predicate: (JSONObject) -> Bool) async throws
                -> JSONObject?
            {
                let deadline = ContinuousClock.now + timeout
                while ContinuousClock.now < deadline {
                    if let found = bodies.first(where: predicate) { return found }
                    try await Task.sleep(for: .milliseconds(20))
                }
                return nil
            }
        }

        /// A receiver, and a gateway allowed to push to it (plain HTTP on 127.0.0.1).
        static func withReceiver(
            _ body: @escaping @Sendable (Receiver, Int, any TestClientProtocol) async throws -> Void
        ) async throws {
            let receiver = Receiver()
            let gateway = try TestGateway {
                $0.push.allowInsecureURLs = true
                $0.push.allowPrivateAddresses = true
            }
            try await receiver.run { port in
                try await gateway.run { client in try await body(receiver, port, client) }
            }
        }

        static let using = #"["urn:ietf:params:jmap:core","urn:ietf:params:jmap:contacts"]"#

        @Test("§7.2: verification first, then StateChanges; url and keys never returned")
        func verifiedSubscriptionReceivesStateChanges() async throws {
            let bob = TestBackends.bob
            try await Self.withReceiver { receiver, port, client in
                let accountId = try await client.accountId(of: bob)
                _ = try await client.contactsCalls(
                    #"["ContactCard/get",{"accountId":"\#(accountId)","ids":[]},"g"]"#, as: bob)
                var (_, body) = try await client.jmap(
                    #"""
                    {"using":\#(Self.using),"methodCalls":[["PushSubscription/set",{"create":{"s":{
                      "deviceClientId":"test-device","url":"http://localhost:\#(port)/push","types":["ContactCard"]}}},"p"]]}
                    """#, as: bob)
                let created = try #require(
                    body.methodResponses.first?.arguments["created"]?.objectValue?["s"]?.objectValue)
                let id = try #require(created["id"]?.stringValue)
                #expect(
                    created["expires"]?.stringValue?.hasSuffix("Z") == true, "an expiry is set when none is given")
                let verification = try #require(
                    try await receiver.wait { $0["@type"] == .string("PushVerification") })
                #expect(verification["pushSubscriptionId"] == .string(id))
                let code = try #require(verification["verificationCode"]?.stringValue)
                #expect(code.count >= 32, "enough entropy")

                // Unverified: a change is not pushed.
                _ = try await client.contactsCalls(
                    #"["ContactCard/set",{"accountId":"\#(accountId)","create":{"c":{"name":{"full":"Unverified"}}}},"s"]"#,
                    as: bob)
                try await Task.sleep(for: .milliseconds(500))
                #expect(receiver.bodies.count == 1, "§7.2.2: nothing but the verification before the code is set")

                (_, body) = try await client.jmap(
                    #"""
                    {"using":\#(Self.using),"methodCalls":[
                      ["PushSubscription/set",{"update":{"\#(id)":{"verificationCode":"wrong"}}},"w"],
                      ["PushSubscription/set",{"update":{"\#(id)":{"verificationCode":"\#(code)"}}},"v"],
                      ["PushSubscription/get",{"ids":null},"g"],
                      ["PushSubscription/get",{"ids":null,"properties":["url"]},"u"]]}
                    """#, as: bob)
                let responses = body.methodResponses
                try #require(responses.count == 4)
                #expect(
                    responses[0].arguments["notUpdated"]?.objectValue?[id]?.objectValue?["type"]
                        == .string("invalidProperties"))
                #expect(responses[1].arguments["updated"]?.objectValue?[id] != nil)
                let listed = try #require(responses[2].arguments["list"]?.arrayValue?.first?.objectValue)
                #expect(listed["url"] == nil && listed["keys"] == nil, "§7.2.1: never returned")
                #expect(listed["verificationCode"] == .string(code))
                #expect(responses[3].name == "error" && responses[3].arguments["type"] == .string("forbidden"))

                let set = try await client.contactsCalls(
                    #"["ContactCard/set",{"accountId":"\#(accountId)","create":{"c":{"name":{"full":"Verified"}}}},"s"]"#,
                    as: bob)
                let newState = try #require(set.first?.arguments["newState"])
                let change = try await receiver.wait {
                    $0["changed"]?.objectValue?[accountId]?.objectValue?["ContactCard"] == newState
                }
                #expect(change?["@type"] == .string("StateChange"))

                (_, body) = try await client.jmap(
                    #"{"using":\#(Self.using),"methodCalls":[["PushSubscription/set",{"destroy":["\#(id)"]},"d"]]}"#,
                    as: bob)
                #expect(body.methodResponses.first?.arguments["destroyed"] == .array([.string(id)]))
                for created in [set.first] {
                    if let cardId = created?.arguments["created"]?.objectValue?["c"]?.objectValue?["id"]?
                        .stringValue
                    {
                        _ = try await client.contactsCalls(
                            #"["ContactCard/set",{"accountId":"\#(accountId)","destroy":["\#(cardId)"]},"d"]"#,
                            as: bob)
                    }
                }
            }
        }

        @Test("§7.2 with keys: the verification and every StateChange arrive encrypted (RFC 8291)")
        func subscriptionWithKeysIsEncrypted() async throws {
            let bob = TestBackends.bob
            let userAgent = WebPushUserAgent()
            try await Self.withReceiver { receiver, port, client in
                let accountId = try await client.accountId(of: bob)
                var (_, body) = try await client.jmap(
                    #"""
                    {"using":\#(Self.using),"methodCalls":[["PushSubscription/set",{"create":{"s":{
                      "deviceClientId":"test-device","url":"http://127.0.0.1:\#(port)/push",
                      "keys":\#(userAgent.keysJSON)}}},"p"]]}
                    """#, as: bob)
                let id = try #require(
                    body.methodResponses.first?.arguments["created"]?.objectValue?["s"]?.objectValue?["id"]?
                        .stringValue)
                let deadline = ContinuousClock.now + .seconds(5)
                while receiver.raw.isEmpty, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                let first = try #require(receiver.raw.first)
                #expect(first.encoding == "aes128gcm")
                #expect(
                    !String(decoding: first.body, as: UTF8.self).contains("PushVerification"), "not in the clear")
                let verification = try #require(
                    try JSONCoding.decode(JSONObject.self, from: userAgent.decrypt(first.body)))
                #expect(verification["pushSubscriptionId"] == .string(id))
                let code = try #require(verification["verificationCode"]?.stringValue)
                (_, body) = try await client.jmap(
                    #"""
                    {"using":\#(Self.using),"methodCalls":[
                      ["PushSubscription/set",{"update":{"\#(id)":{"verificationCode":"\#(code)"}}},"v"]]}
                    """#, as: bob)
                #expect(body.methodResponses.first?.arguments["updated"]?.objectValue?[id] != nil)

                let set = try await client.contactsCalls(
                    #"["ContactCard/set",{"accountId":"\#(accountId)","create":{"c":{"name":{"full":"Sealed"}}}},"s"]"#,
                    as: bob)
                let newState = try #require(set.first?.arguments["newState"])
                var change: JSONObject?
                while change == nil, ContinuousClock.now < deadline + .seconds(5) {
                    change = receiver.raw.dropFirst().lazy.compactMap { try? userAgent.decrypt($0.body) }
                        .compactMap { try? JSONCoding.decode(JSONObject.self, from: $0) }
                        .first { $0["changed"]?.objectValue?[accountId]?.objectValue?["ContactCard"] == newState }
                    if change == nil { try await Task.sleep(for: .milliseconds(20)) }
                }
                #expect(change?["@type"] == .string("StateChange"))
                #expect(receiver.raw.allSatisfy { $0.encoding == "aes128gcm" })
                if let cardId = set.first?.arguments["created"]?.objectValue?["c"]?.objectValue?["id"]?.stringValue {
                    _ = try await client.contactsCalls(
                        #"["ContactCard/set",{"accountId":"\#(accountId)","destroy":["\#(cardId)"]},"d"]"#, as: bob)
                }
                _ = try await client.jmap(
                    #"{"using":\#(Self.using),"methodCalls":[["PushSubscription/set",{"destroy":["\#(id)"]},"d"]]}"#,
                    as: bob)
            }
        }

        @Test("§8.6: a push service's redirect is not followed")
        func redirectsAreNotFollowed() async throws {
            let bob = TestBackends.bob
            try await Self.withReceiver { receiver, port, client in
                let (_, body) = try await client.jmap(
                    #"""
                    {"using":\#(Self.using),"methodCalls":[["PushSubscription/set",{"create":{"s":{
                      "deviceClientId":"test-device","url":"http://127.0.0.1:\#(port)/redirect"}}},"p"]]}
                    """#, as: bob)
                #expect(body.methodResponses.first?.arguments["created"]?.objectValue?["s"] != nil)
                var failed = try await client.metric("jmap_push_deliveries_total", labels: #"result="failed""#)
                let deadline = ContinuousClock.now + .seconds(5)
                while failed != 1, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                    failed = try await client.metric("jmap_push_deliveries_total", labels: #"result="failed""#)
                }
                #expect(failed == 1, "the verification's 307 ends its delivery")
                #expect(receiver.raw.isEmpty, "nothing reached the redirect's target")
            }
        }

        @Test("§8.6: loopback, private and http:// URLs are refused by default")
        func internalURLsAreRefused() async throws {
            let bob = TestBackends.bob
            try await TestGateway().run { client in
                let (_, body) = try await client.jmap(
                    #"""
                    {"using":\#(Self.using),"methodCalls":[["PushSubscription/set",{"create":{
                      "loop":{"deviceClientId":"d","url":"https://127.0.0.1:9/push"},
                      "private":{"deviceClientId":"d","url":"https://10.1.2.3/push"},
                      "mapped":{"deviceClientId":"d","url":"https://[::ffff:127.0.0.1]/push"},
                      "plain":{"deviceClientId":"d","url":"http://example.com/push"},
                      "keys":{"deviceClientId":"d","url":"https://example.com/push","keys":{"p256dh":"x","auth":"y"}}}},"p"]]}
                    """#, as: bob)
                let notCreated = try #require(body.methodResponses.first?.arguments["notCreated"]?.objectValue)
                #expect(Set(notCreated.keys) == ["loop", "private", "mapped", "plain", "keys"])
                for (creationId, error) in notCreated {
                    #expect(error.objectValue?["type"] == .string("invalidProperties"))
                    let blamed = creationId == "keys" ? "keys" : "url"
                    #expect(error.objectValue?["properties"] == .array([.string(blamed)]), "\(creationId)")
                }
            }
        }
    }
}

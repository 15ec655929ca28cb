import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import GatewayServer

/// RFC 8620 §8.6: push urls may not reach internal hosts, checked on what the name resolves to, and
/// delivery connects only to the addresses the check accepted (so DNS rebinding reaches nothing).
@Suite struct PushURLPolicyTests {
    /// A resolver whose answers a test sets, one list per call (the last one repeats).
    final class Resolver: Sendable {
        private let answers: [[String]]
        private let calls = Mutex(0)
        init(_ answers: [[String]]) { self.answers = answers }

        func resolve(_ name: String) async -> [String] {
            let call = calls.withLock { calls in
                defer { calls += 1 }
                return calls
            }
            return answers[min(call, answers.count - 1)]
        }
    }

    static func policy(_ resolver: Resolver, allowPrivate: Bool = false, allowInsecure: Bool = false) -> PushURLPolicy {
        PushURLPolicy(
            allowInsecureURLs: allowInsecure, allowPrivateAddresses: allowPrivate,
            resolve: { await resolver.resolve($0) })
    }

    @Test("a name that resolved to a public address and then to an internal one is refused the second time")
    func rebindingIsRefused() async {
        let policy = Self.policy(Resolver([["93.184.215.14"], ["127.0.0.1"]]))
        #expect(
            await policy.check("https://push.example/p")
                == .allowed(.init(url: "https://push.example/p", host: "push.example", addresses: ["93.184.215.14"])))
        guard case .refused(let reason) = await policy.check("https://push.example/p") else {
            Issue.record("allowed after rebinding to 127.0.0.1")
            return
        }
        #expect(reason.contains("127.0.0.1"))
    }

    @Test("addresses pinned: IPv4 first, one of each family; none for an address literal")
    func pinnedAddresses() async {
        let policy = Self.policy(Resolver([["2606:2800:220:1::1", "93.184.215.14", "93.184.215.15"]]))
        #expect(
            await policy.check("https://push.example/p")
                == .allowed(
                    .init(
                        url: "https://push.example/p", host: "push.example",
                        addresses: ["93.184.215.14", "2606:2800:220:1::1"])))
        #expect(
            await policy.check("https://93.184.215.14/p")
                == .allowed(.init(url: "https://93.184.215.14/p", host: "93.184.215.14", addresses: [])))
    }

    @Test("any internal address among the answers refuses the url; allowed by configuration")
    func internalAnswers() async {
        let answers = [["93.184.215.14", "10.0.0.7"]]
        guard case .refused = await Self.policy(Resolver(answers)).check("https://push.example/p") else {
            Issue.record("a name with a private address was allowed")
            return
        }
        guard
            case .allowed(let target) = await Self.policy(Resolver(answers), allowPrivate: true)
                .check("https://push.example/p")
        else {
            Issue.record("allow_private_addresses did not allow it")
            return
        }
        #expect(target.addresses == ["93.184.215.14"])
        for address in [
            "::1", "fe80::1", "fd00::1", "::ffff:10.1.1.1", "169.254.1.1", "100.64.0.1", "172.20.0.1", "0.0.0.0",
        ] {
            #expect(PushURLPolicy.isInternal(address), "\(address)")
        }
        for external in ["93.184.215.14", "2606:2800:220:1::1", "172.32.0.1", "100.128.0.1"] {
            #expect(!PushURLPolicy.isInternal(external), "\(external)")
        }
    }

    @Test("http:// only when allowed; relative or empty urls never; names that do not resolve never")
    func schemesAndNames() async {
        let resolver = Resolver([["93.184.215.14"]])
        #expect(
            await Self.policy(resolver).check("http://push.example/p")
                != .allowed(
                    .init(url: "http://push.example/p", host: "push.example", addresses: ["93.184.215.14"])))
        #expect(
            await Self.policy(resolver, allowInsecure: true).check("http://push.example/p")
                == .allowed(.init(url: "http://push.example/p", host: "push.example", addresses: ["93.184.215.14"])))
        for bad in ["/push", "", "https://"] {
            guard case .refused = await Self.policy(resolver).check(bad) else {
                Issue.record("\(bad) allowed")
                continue
            }
        }
        guard case .refused = await Self.policy(Resolver([[]])).check("https://push.example/p") else {
            Issue.record("a name that does not resolve was allowed")
            return
        }
    }

    @Test("delivery connects to the pinned address, whatever the name would resolve to now")
    func deliveryUsesThePinnedAddress() async throws {
        let receiver = BobBackedTests.PushSubscriptionTests.Receiver()
        let clients = PushClients()
        try await receiver.run { port in
            // push.invalid resolves nowhere (RFC 6761); only the pin can take the request to the receiver.
            let policy = Self.policy(Resolver([["127.0.0.1"]]), allowPrivate: true, allowInsecure: true)
            guard case .allowed(let target) = await policy.check("http://push.invalid:\(port)/push") else {
                Issue.record("refused")
                return
            }
            var request = HTTPClientRequest(url: target.url)
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: #"{"@type":"StateChange","changed":{}}"#))
            let response = try await clients.client(host: target.host, address: target.addresses.first)
                .execute(request, timeout: .seconds(5))
            #expect(response.status == .created)
        }
        await clients.shutdown()
        #expect(receiver.bodies.count == 1)
    }
}

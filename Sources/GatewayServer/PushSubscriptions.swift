import AsyncHTTPClient
import Foundation
import Gateway
import JMAPCore
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import Synchronization

/// PushSubscription/get and /set (RFC 8620 §7.2): URLs the gateway POSTs StateChanges to, each tied to
/// the user who created it. A new subscription is sent a PushVerification at once and nothing else
/// until the client sets the verificationCode it carried; then every state change of the user's
/// accounts (of the chosen types) is POSTed, with retries and backoff, until the subscription expires
/// or is destroyed. URLs are checked by `PushURLPolicy`; a subscription with `keys` gets every message,
/// the verification too, encrypted (RFC 8291). Subscriptions live in the gateway's memory: a restart
/// drops them, and clients create them again (their /get finds none).
final class PushSubscriptions: Service, Sendable {
    struct Subscription: Sendable {
        var id: String
        var owner: String
        var deviceClientId: String
        var url: String
        var verificationCode: String
        var isVerified = false
        var expires: Date
        var types: [String]?
        var encryption: WebPushEncryption?
        var delivery: Task<Void, Never>?

        var json: JSONObject {
            [
                "id": .string(id), "deviceClientId": .string(deviceClientId),
                "verificationCode": isVerified ? .string(verificationCode) : .null,
                "expires": .string(EventTimestamp.utc(expires)),
                "types": types.map { .array($0.map(JSONValue.string)) } ?? .null,
            ]
        }
    }

    static let properties: Set<String> = [
        "id", "deviceClientId", "url", "keys", "verificationCode", "expires", "types",
    ]

    private let subscriptions = Mutex<[String: Subscription]>([:])
    private let hub: PushHub
    private let coordinator: SyncCoordinator
    private let policy: PushURLPolicy
    private let maxLifetime: Duration
    private let deliveryTimeout: Duration
    private let logger: Logger
    /// Clients pinned to the checked addresses that never follow a redirect: a push service's 3xx, or
    /// its name resolving anew, could otherwise send the gateway to an address the url policy refused.
    private let clients = PushClients()
    private let delivered: Counter
    private let failed: Counter

    init(
        hub: PushHub, coordinator: SyncCoordinator, policy: PushURLPolicy, maxLifetime: Duration,
        deliveryTimeout: Duration, metrics: GatewayMetrics, logger: Logger
    ) {
        self.delivered = metrics.pushDeliveries(delivered: true)
        self.failed = metrics.pushDeliveries(delivered: false)
        self.hub = hub
        self.coordinator = coordinator
        self.policy = policy
        self.maxLifetime = maxLifetime
        self.deliveryTimeout = deliveryTimeout
        self.logger = logger
    }

    func register(in registry: inout MethodRegistry<GatewayUser>) {
        registry.register(
            Method("PushSubscription/get", capability: "urn:ietf:params:jmap:core") { context, arguments in
                try self.get(context, arguments)
            })
        registry.register(
            Method("PushSubscription/set", capability: "urn:ietf:params:jmap:core") { context, arguments in
                try await self.set(context, arguments)
            })
    }

    // MARK: get (§7.2.1)

    func get(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) throws -> JSONObject {
        var arguments = Arguments(raw)
        let ids = try arguments.stringArray("ids")
        let properties = try arguments.stringArray("properties").map(Set.init)
        try arguments.finish()
        if let properties {
            if !properties.isDisjoint(with: ["url", "keys"]) {
                throw MethodError.forbidden("url and keys are never returned (RFC 8620 §7.2.1).")
            }
            if let unknown = properties.subtracting(Self.properties).sorted().first {
                throw MethodError.invalidArguments("Unknown property \(unknown).")
            }
        }
        let mine = own(context.caller)
        let found = ids.map { ids in ids.compactMap { id in mine.first { $0.id == id } } } ?? mine
        let list = found.map { subscription -> JSONValue in
            let json = subscription.json
            guard let properties else { return .object(json) }
            return .object(json.filter { $0.key == "id" || properties.contains($0.key) })
        }
        let notFound = (ids ?? []).filter { id in !found.contains { $0.id == id } }
        return ["list": .array(list), "notFound": .array(notFound.map(JSONValue.string))]
    }

    // MARK: set (§7.2.2)

    func set(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let create = try arguments.object("create") ?? [:]
        let update = try arguments.object("update") ?? [:]
        let destroy = try arguments.stringArray("destroy") ?? []
        try arguments.finish()
        var created: [String: JSONObject] = [:]
        var notCreated: [String: SetError] = [:]
        for (creationId, value) in create.sorted(by: { $0.key < $1.key }) {
            do throws(SetError) {
                guard case .object(let object) = value else { throw SetError.invalidProperties([], "Not an object.") }
                created[creationId] = try await self.create(object, user: context.caller)
            } catch {
                notCreated[creationId] = error
            }
        }
        var updated: [String: JSONObject] = [:]
        var notUpdated: [String: SetError] = [:]
        for (id, value) in update.sorted(by: { $0.key < $1.key }) {
            do throws(SetError) {
                guard case .object(let patch) = value else { throw SetError.invalidPatch("Not a PatchObject.") }
                updated[id] = try self.update(id, patch: patch, user: context.caller)
            } catch {
                notUpdated[id] = error
            }
        }
        var destroyed: [String] = []
        var notDestroyed: [String: SetError] = [:]
        for id in destroy {
            if remove(id, owner: context.caller.username) {
                destroyed.append(id)
            } else {
                notDestroyed[id] = SetError.notFound()
            }
        }
        return SetResponse.results(
            created: created, updated: updated, destroyed: destroyed, notCreated: notCreated,
            notUpdated: notUpdated, notDestroyed: notDestroyed)
    }

    private func create(_ object: JSONObject, user: GatewayUser) async throws(SetError) -> JSONObject {
        if let unknown = object.keys.sorted().first(where: { !Self.properties.contains($0) }) {
            throw .invalidProperties([unknown], "Unknown property.")
        }
        if object["id"] != nil { throw .invalidProperties(["id"], "`id` is set by the server.") }
        guard case .string(let deviceClientId)? = object["deviceClientId"], !deviceClientId.isEmpty else {
            throw .invalidProperties(["deviceClientId"], "A deviceClientId is required.")
        }
        guard case .string(let url)? = object["url"] else { throw .invalidProperties(["url"], "A url is required.") }
        let encryption = try Self.encryption(object["keys"])
        if case .refused(let reason) = await policy.check(url) { throw .invalidProperties(["url"], reason) }
        if let code = object["verificationCode"], code != .null {
            throw .invalidProperties(["verificationCode"], "The server sends the verification code (§7.2.2).")
        }
        var subscription = Subscription(
            id: "p" + Self.randomToken(bytes: 12), owner: user.username, deviceClientId: deviceClientId, url: url,
            verificationCode: Self.randomToken(bytes: 24), expires: try expiry(object["expires"]),
            types: try Self.types(object["types"]), encryption: encryption)
        let verification: JSONObject = [
            "@type": "PushVerification", "pushSubscriptionId": .string(subscription.id),
            "verificationCode": .string(subscription.verificationCode),
        ]
        subscription.delivery = Task { [self] in _ = await self.post(verification, to: url, encryption: encryption) }
        let id = subscription.id
        let expires = subscription.expires
        subscriptions.withLock { $0[id] = subscription }
        return ["id": .string(id), "expires": .string(EventTimestamp.utc(expires))]
    }

    private func update(_ id: String, patch: JSONObject, user: GatewayUser) throws(SetError) -> JSONObject {
        guard var subscription = subscriptions.withLock({ $0[id] }), subscription.owner == user.username else {
            throw .notFound()
        }
        var serverSet: JSONObject = [:]
        for (key, value) in patch {
            switch key {
            case "verificationCode":
                guard case .string(let code) = value, code == subscription.verificationCode else {
                    throw .invalidProperties(["verificationCode"], "That is not the code the server sent.")
                }
                subscription.isVerified = true
            case "expires":
                subscription.expires = try expiry(value)
                serverSet["expires"] = .string(EventTimestamp.utc(subscription.expires))
            case "types":
                subscription.types = try Self.types(value)
            case "url", "keys", "deviceClientId", "id":
                throw .invalidProperties([key], "`\(key)` cannot be changed.")
            default:
                throw .invalidProperties([key], "Unknown property.")
            }
        }
        // §7.2.2: nothing but the verification goes out before the code is set; after it, the changes.
        subscription.delivery?.cancel()
        subscription.delivery = subscription.isVerified ? startDelivery(subscription, user: user) : nil
        let final = subscription
        subscriptions.withLock { $0[id] = final }
        return serverSet
    }

    @discardableResult
    private func remove(_ id: String, owner: String) -> Bool {
        let removed = subscriptions.withLock { subscriptions -> Subscription? in
            guard subscriptions[id]?.owner == owner else { return nil }
            return subscriptions.removeValue(forKey: id)
        }
        removed?.delivery?.cancel()
        return removed != nil
    }

    private func own(_ user: GatewayUser) -> [Subscription] {
        subscriptions.withLock { Array($0.values) }.filter { $0.owner == user.username && $0.expires > Date() }
            .sorted { $0.id < $1.id }
    }

    // MARK: delivery

    /// POSTs each StateChange of the user's accounts (of the subscription's types) until it expires,
    /// then forgets it; a push service answering 404 or 410 (RFC 8030 §7.3: the subscription is gone)
    /// ends it at once.
    private func startDelivery(_ subscription: Subscription, user: GatewayUser) -> Task<Void, Never> {
        let changes = hub.open(
            accountIds: user.accounts.keys.sorted(), types: subscription.types.map { .only(Set($0)) } ?? .all,
            transport: .pushSubscription)
        let coordinator = self.coordinator
        return Task { [self] in
            let synchronizer = try? await coordinator.synchronizer(for: user)
            synchronizer?.pushChannelOpened()
            defer { synchronizer?.pushChannelClosed() }
            let gone = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try? await Task.sleep(for: .seconds(max(0, subscription.expires.timeIntervalSinceNow)))
                    return true
                }
                group.addTask {
                    for await change in changes {
                        let outcome = await self.post(
                            change.json, to: subscription.url, encryption: subscription.encryption)
                        if outcome == .gone { return true }
                    }
                    return false
                }
                let gone = await group.next() ?? false
                group.cancelAll()
                return gone
            }
            if gone { forget(subscription.id) }
        }
    }

    /// Drops a subscription whose delivery ended (from inside that delivery: nothing to cancel).
    private func forget(_ id: String) {
        _ = subscriptions.withLock { $0.removeValue(forKey: id) }
    }

    enum Outcome: Equatable {
        case delivered
        case failed
        /// 404 or 410: the push subscription no longer exists (RFC 8030 §7.3).
        case gone
    }

    /// One push message (§7.2: JSON with a TTL header, RFC 8030 §5), encrypted when the subscription has
    /// keys, tried three times with backoff; a 429 waits out its Retry-After (at most a minute). True
    /// when the push service took it.
    func post(_ message: JSONObject, to url: String, encryption: WebPushEncryption?) async -> Outcome {
        let outcome = await attempt(message, to: url, encryption: encryption)
        (outcome == .delivered ? delivered : failed).increment()
        return outcome
    }

    private func attempt(_ message: JSONObject, to url: String, encryption: WebPushEncryption?) async -> Outcome {
        guard var body = try? JSONCoding.encode(message) else { return .failed }
        if let encryption {
            guard let encrypted = try? encryption.encrypt(body) else {
                logger.warning("push message too large to encrypt", metadata: ["bytes": "\(body.count)"])
                return .failed
            }
            body = encrypted
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "TTL", value: "86400")
        if encryption != nil { request.headers.add(name: "Content-Encoding", value: "aes128gcm") }
        request.body = .bytes(ByteBuffer(data: body))
        var delay: Duration = .seconds(1)
        for attempt in 1...3 {
            // Checked again at each try: what the host name resolves to may have changed since the
            // subscription was created.
            let target: PushURLPolicy.Target
            switch await policy.check(url) {
            case .allowed(let allowed): target = allowed
            case .refused(let reason):
                logger.notice("push url refused", metadata: ["reason": "\(reason)"])
                return .failed
            }
            do {
                let response = try await send(request, to: target)
                if (200..<300).contains(response.status.code) { return .delivered }
                if [404, 410].contains(response.status.code) { return .gone }
                if (300..<400).contains(response.status.code) {
                    logger.notice("push redirect not followed", metadata: ["status": "\(response.status.code)"])
                    return .failed
                }
                if response.status.code == 429,
                    let retryAfter = response.headers.first(name: "Retry-After").flatMap(Int.init)
                {
                    delay = .seconds(min(60, max(1, retryAfter)))
                } else if (400..<500).contains(response.status.code) {
                    logger.notice("push refused", metadata: ["status": "\(response.status.code)"])
                    return .failed
                }
            } catch {
                logger.notice("push failed", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
            }
            guard attempt < 3, (try? await Task.sleep(for: delay)) != nil else { break }
            delay *= 2
        }
        return .failed
    }

    /// Sends to the target's checked addresses in turn (IPv4 first) until one answers.
    private func send(_ request: HTTPClientRequest, to target: PushURLPolicy.Target) async throws
        -> HTTPClientResponse
    {
        let addresses: [String?] = target.addresses.isEmpty ? [nil] : target.addresses
        var lastError: (any Error)?
        for address in addresses {
            do {
                return try await clients.client(host: target.host, address: address).execute(
                    request, timeout: .milliseconds(Int64(deliveryTimeout / .milliseconds(1))))
            } catch {
                lastError = error
            }
        }
        throw lastError ?? CancellationError()
    }

    /// Ends every delivery and the push clients when the gateway stops.
    func run() async throws {
        try? await gracefulShutdown()
        for subscription in subscriptions.withLock({ Array($0.values) }) { subscription.delivery?.cancel() }
        await clients.shutdown()
    }

    // MARK: support

    private func expiry(_ value: JSONValue?) throws(SetError) -> Date {
        let latest = Date().addingTimeInterval(TimeInterval(maxLifetime.components.seconds))
        guard let value, value != .null else { return latest }
        guard case .string(let text) = value, let date = EventTimestamp.parse(text), date > Date() else {
            throw .invalidProperties(["expires"], "expires must be a UTCDate in the future.")
        }
        return min(date, latest)
    }

    /// `keys` (§7.2): null, or p256dh and auth for RFC 8291 encryption.
    private static func encryption(_ value: JSONValue?) throws(SetError) -> WebPushEncryption? {
        guard let value, value != .null else { return nil }
        guard case .object(let keys) = value, case .string(let p256dh)? = keys["p256dh"],
            case .string(let auth)? = keys["auth"], keys.count == 2
        else { throw .invalidProperties(["keys"], "keys has exactly p256dh and auth, both strings.") }
        do {
            return try WebPushEncryption(p256dh: p256dh, auth: auth)
        } catch {
            throw .invalidProperties(["keys"], error.reason)
        }
    }

    private static func types(_ value: JSONValue?) throws(SetError) -> [String]? {
        guard let value, value != .null else { return nil }
        guard case .array(let items) = value, let names = items.stringArray else {
            throw .invalidProperties(["types"], "types is a list of type names, or null.")
        }
        return names
    }

    private static func randomToken(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64URLEncoded
    }
}

/// UTCDate strings (RFC 8620 §1.4) for push subscriptions.
enum EventTimestamp {
    static func utc(_ date: Date) -> String {
        date.ISO8601Format()
    }

    static func parse(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601)
    }
}

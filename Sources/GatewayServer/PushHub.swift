import Foundation
import Gateway
import JMAPCore
import Logging
import Prometheus
import ServiceLifecycle
import Store
import Synchronization

/// Fans the store's committed state changes out to the open push channels (EventSource, WebSocket) of
/// each account (RFC 8620 §7). One subscription to the store serves every channel, and an idle channel
/// costs a dictionary entry and a stream: nothing polls the DAV server for it (the background poller
/// does, once per account, while the account has a channel).
final class PushHub: Service, Sendable {
    private struct Channel: Sendable {
        var accountIds: [String]
        var types: PushTypes
        var transport: GatewayMetrics.Transport
        var deliver: @Sendable (StateChange) -> Void
        var finish: @Sendable () -> Void
    }

    private struct Channels {
        var byId: [UUID: Channel] = [:]
        var byAccount: [String: Set<UUID>] = [:]
    }

    /// An open channel, to close with `close(_:)`.
    struct ChannelToken: Sendable {
        fileprivate let id: UUID
    }

    private let store: any Store
    private let channels = Mutex(Channels())
    private let openChannels: [GatewayMetrics.Transport: Gauge]

    init(store: any Store, metrics: GatewayMetrics) {
        self.store = store
        self.openChannels = Dictionary(
            uniqueKeysWithValues: GatewayMetrics.Transport.allCases.map { ($0, metrics.pushChannels($0)) })
    }

    /// Every state the user can see, by account and data type, as /get returns them now.
    func currentStates(of accountIds: [String]) async throws -> [String: [String: String]] {
        var states: [String: [String: String]] = [:]
        for accountId in accountIds {
            for dataType in DataType.allCases {
                states[accountId, default: [:]][dataType.rawValue] = try await store.state(
                    accountId: accountId, dataType: dataType)
            }
        }
        return states
    }

    /// A token naming the whole state the user can see: the event id of an EventSource state event
    /// (RFC 8620 §7.3), the `pushState` of a WebSocket StateChange (RFC 8887 §4.3.5), so a client
    /// coming back with an older one is told at once what it missed.
    static func pushState(_ states: [String: [String: String]]) -> String {
        let text = states.keys.sorted().map { account in
            account + ":"
                + (states[account] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: ",")
        }.joined(separator: ";")
        return OpaqueId.make(text, length: 22)
    }

    /// Opens a channel for the accounts of one user: `deliver` is called with each change of their
    /// types, on the hub's task (so it must not block), until `close`; `finish` when the hub stops.
    func open(
        accountIds: [String], types: PushTypes, transport: GatewayMetrics.Transport,
        deliver: @escaping @Sendable (StateChange) -> Void, finish: @escaping @Sendable () -> Void
    ) -> ChannelToken {
        let token = ChannelToken(id: UUID())
        let channel = Channel(
            accountIds: accountIds, types: types, transport: transport, deliver: deliver, finish: finish)
        channels.withLock { channels in
            channels.byId[token.id] = channel
            for accountId in accountIds { channels.byAccount[accountId, default: []].insert(token.id) }
        }
        openChannels[transport]?.increment()
        return token
    }

    /// Closes the channel; closing it again does nothing.
    func close(_ token: ChannelToken) {
        let closed = channels.withLock { channels -> Channel? in
            guard let channel = channels.byId.removeValue(forKey: token.id) else { return nil }
            for accountId in channel.accountIds {
                channels.byAccount[accountId]?.remove(token.id)
                if channels.byAccount[accountId]?.isEmpty == true { channels.byAccount[accountId] = nil }
            }
            return channel
        }
        if let closed { openChannels[closed.transport]?.decrement() }
    }

    /// A channel as a stream, closed when the stream is dropped. A slow reader keeps only the newest
    /// changes: each carries the whole current state of its types.
    func open(accountIds: [String], types: PushTypes, transport: GatewayMetrics.Transport)
        -> AsyncStream<StateChange>
    {
        let (stream, continuation) = AsyncStream<StateChange>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let token = open(
            accountIds: accountIds, types: types, transport: transport, deliver: { continuation.yield($0) },
            finish: { continuation.finish() })
        continuation.onTermination = { [weak self] _ in self?.close(token) }
        return stream
    }

    /// Whether any channel is open for the account: such accounts are polled in the background.
    func hasChannels(accountId: String) -> Bool {
        channels.withLock { $0.byAccount[accountId] != nil }
    }

    func run() async throws {
        let changes = store.stateChanges.subscribe()
        await cancelWhenGracefulShutdown {
            for await change in changes { self.deliver(change) }
        }
        // Ends every open channel, so their responses finish and the server can stop.
        for channel in channels.withLock({ $0.byId.values }) { channel.finish() }
    }

    private func deliver(_ change: StoreStateChange) {
        let open = channels.withLock { channels in
            (channels.byAccount[change.accountId] ?? []).compactMap { channels.byId[$0] }
        }
        for channel in open {
            var states: [String: String] = [:]
            for (dataType, state) in change.states where channel.types.contains(dataType.rawValue) {
                states[dataType.rawValue] = state
            }
            if !states.isEmpty { channel.deliver(StateChange(changed: [change.accountId: states])) }
        }
    }
}

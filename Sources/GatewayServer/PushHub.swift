import Foundation
import Gateway
import JMAPCore
import Logging
import ServiceLifecycle
import Store
import Synchronization

/// Fans the store's committed state changes out to the open push channels (EventSource, WebSocket) of
/// each account (RFC 8620 §7). One subscription to the store serves every channel, and an idle channel
/// costs a dictionary entry and a stream: nothing polls the DAV server for it (the background poller
/// does, once per account, while the account has a channel).
final class PushHub: Service, Sendable {
    private struct Channel: Sendable {
        var types: PushTypes
        var continuation: AsyncStream<StateChange>.Continuation
    }

    private let store: any Store
    /// Channels by account, then by channel id.
    private let channels = Mutex<[String: [UUID: Channel]]>([:])

    init(store: any Store) {
        self.store = store
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

    /// Opens a channel for the accounts of one user; closed when the returned stream is dropped. A
    /// slow reader keeps only the newest changes: each carries the whole current state of its types.
    func open(accountIds: [String], types: PushTypes) -> AsyncStream<StateChange> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<StateChange>.makeStream(bufferingPolicy: .bufferingNewest(16))
        continuation.onTermination = { [weak self] _ in
            self?.channels.withLock { channels in
                for accountId in accountIds {
                    channels[accountId]?.removeValue(forKey: id)
                    if channels[accountId]?.isEmpty == true { channels[accountId] = nil }
                }
            }
        }
        let channel = Channel(types: types, continuation: continuation)
        channels.withLock { channels in
            for accountId in accountIds { channels[accountId, default: [:]][id] = channel }
        }
        return stream
    }

    /// Whether any channel is open for the account: such accounts are polled in the background.
    func hasChannels(accountId: String) -> Bool {
        channels.withLock { $0[accountId] != nil }
    }

    func run() async throws {
        let changes = store.stateChanges.subscribe()
        await cancelWhenGracefulShutdown {
            for await change in changes { self.deliver(change) }
        }
        // Ends every open channel, so their responses finish and the server can stop.
        for channel in channels.withLock({ $0.values.flatMap(\.values) }) { channel.continuation.finish() }
    }

    private func deliver(_ change: StoreStateChange) {
        let open = channels.withLock { $0[change.accountId].map { Array($0.values) } ?? [] }
        for channel in open {
            var states: [String: String] = [:]
            for (dataType, state) in change.states where channel.types.contains(dataType.rawValue) {
                states[dataType.rawValue] = state
            }
            if !states.isEmpty { channel.continuation.yield(StateChange(changed: [change.accountId: states])) }
        }
    }
}

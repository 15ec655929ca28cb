import Foundation
import Synchronization

/// The states of an account's data types that one committed write moved, as `state(accountId:dataType:)`
/// returns them from that moment on.
public struct StoreStateChange: Sendable, Hashable {
    public var accountId: String
    public var states: [DataType: String]

    public init(accountId: String, states: [DataType: String]) {
        self.accountId = accountId
        self.states = states
    }
}

/// Every committed write that moved a state, in commit order, to whoever listens: what push (RFC 8620
/// §7) is fed from, whether the write came from a client's /set or from a sync that found changes on the
/// DAV server. A store shared by several gateway instances would feed it from the database's own
/// notifications (PostgreSQL LISTEN/NOTIFY); the SQLite store is one process's alone.
public final class StateChangeFeed: Sendable {
    private let listeners = Mutex<[UUID: AsyncStream<StoreStateChange>.Continuation]>([:])

    public init() {}

    /// Changes committed from now on, until the stream is dropped. A slow listener keeps only the newest
    /// few: a state change supersedes an older one of the same account.
    public func subscribe() -> AsyncStream<StoreStateChange> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<StoreStateChange>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        continuation.onTermination = { [weak self] _ in
            _ = self?.listeners.withLock { $0.removeValue(forKey: id) }
        }
        listeners.withLock { $0[id] = continuation }
        return stream
    }

    public func publish(_ change: StoreStateChange) {
        guard !change.states.isEmpty else { return }
        for continuation in listeners.withLock({ Array($0.values) }) { continuation.yield(change) }
    }
}

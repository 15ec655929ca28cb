import Foundation
import Synchronization

/// Parsed iCalendar bodies of events, kept while their ETag holds, so that queries over time ranges
/// and availability expand recurrences without parsing every event again (parsing is most of their
/// cost). Keyed by account as well as id, so no user is ever served another's event.
final class ExpansionCache: Sendable {
    private struct Key: Hashable {
        var accountId: String
        var id: String
        var etag: String
    }

    private let entries = Mutex<[Key: EventInstances.Expandable]>([:])
    /// When full, the cache starts over: simpler than an LRU, and a full refill costs one query's parsing.
    let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    /// The parsed body of `id` at `etag`, if kept. A resource without an ETag is never kept.
    func lookup(accountId: String, id: String, etag: String?) -> EventInstances.Expandable? {
        guard let etag else { return nil }
        return entries.withLock { $0[Key(accountId: accountId, id: id, etag: etag)] }
    }

    func insert(_ expandable: EventInstances.Expandable, accountId: String, id: String, etag: String?) {
        guard let etag else { return }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[Key(accountId: accountId, id: id, etag: etag)] = expandable
        }
    }
}

import Foundation
import JSON
import Synchronization

/// Events as queries need them, their JSCalendar object and their parsed iCalendar body, kept while
/// their ETag holds, so that queries over time ranges and availability expand recurrences without
/// reading and parsing every event again (parsing is most of their cost). Keyed by account as well as
/// id, so no user is ever served another's event.
final class ExpansionCache: Sendable {
    private struct Key: Hashable {
        var accountId: String
        var id: String
        var etag: String
    }

    struct Entry: Sendable {
        var event: JSONObject
        var expandable: EventInstances.Expandable?
    }

    private let entries = Mutex<[Key: Entry]>([:])
    /// When full, the cache starts over: simpler than an LRU, and a full refill costs one query's parsing.
    let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    /// The event `id` at `etag`, if kept. A resource without an ETag is never kept.
    func lookup(accountId: String, id: String, etag: String?) -> Entry? {
        guard let etag else { return nil }
        return entries.withLock { $0[Key(accountId: accountId, id: id, etag: etag)] }
    }

    func insert(_ entry: Entry, accountId: String, id: String, etag: String?) {
        guard let etag else { return }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[Key(accountId: accountId, id: id, etag: etag)] = entry
        }
    }
}

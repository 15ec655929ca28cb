import Foundation
import JMAPCore
import Store

/// Calendar/get, /changes and /set (draft-ietf-jmap-calendars-27 §4): the account's CalDAV calendars as
/// the cache knows them, with the user's own settings from the cache.
struct CalendarMethods: Sendable {
    let store: any Store
    let coordinator: SyncCoordinator

    func calendars(accountId: String) async throws(MethodError) -> [StoredCollection] {
        do {
            return try await store.collections(accountId: accountId).filter { $0.kind == .calendar }
        } catch {
            throw MethodError(error)
        }
    }

    /// §4: at most one default. The one the user chose, else the first by href, so every client picks
    /// the same calendar for a new event.
    func defaultId(_ calendars: [StoredCollection]) -> String? {
        (calendars.first { $0.settings.isDefault } ?? calendars.min { $0.href < $1.href })?.id
    }
}

import JMAPCore

/// The notes of every account, with a state counter and a change log per account, as the standard methods
/// need them (§5.1 `state`, §5.2 changes). Every change of one record makes a new state `s<n>`.
actor NoteStore {
    private struct Change {
        let state: Int
        let kind: ChangeSet.Kind
        let id: String
    }

    private struct AccountNotes {
        var notes: [String: JSONObject] = [:]
        var state = 0
        /// States before this one can no longer be caught up from.
        var oldestState = 0
        var changes: [Change] = []
    }

    private var accounts: [String: AccountNotes] = [:]
    /// Ids are unique across accounts, so a copy gets a new id.
    private var lastId = 0

    func state(of accountId: String) -> String {
        "s\(accounts[accountId]?.state ?? 0)"
    }

    /// The notes with these ids, or all of them in id order.
    func notes(in accountId: String, ids: [String]? = nil) -> [JSONObject] {
        let notes = accounts[accountId]?.notes ?? [:]
        return (ids ?? notes.keys.sorted()).compactMap { notes[$0] }
    }

    func create(_ object: JSONObject, in accountId: String) throws(SetError) -> CreatedRecord {
        let serverSet = Note.serverSet.intersection(object.keys)
        guard serverSet.isEmpty else { throw .invalidProperties(serverSet.sorted(), "Set by the server.") }
        let id = "n\(lastId + 1)"
        let note = try Note.completed(Note.defaults.merging(object) { $1 }, id: id)
        lastId += 1
        commit(note, id: id, kind: .created, in: accountId)
        return CreatedRecord(id: id, properties: note.filter { object[$0.key] == nil })
    }

    /// Applies `patch` and returns what changed beyond it (§5.3): the recomputed `wordCount`, if it changed.
    func update(_ id: String, with patch: PatchObject, in accountId: String) throws(SetError) -> JSONObject {
        guard let old = accounts[accountId]?.notes[id] else { throw .notFound() }
        let note = try Note.completed(patch.apply(to: old, immutable: Note.serverSet), id: id)
        commit(note, id: id, kind: .updated, in: accountId)
        return note.filter { old[$0.key] != $0.value && !patch.properties.contains($0.key) }
    }

    func destroy(_ id: String, in accountId: String) throws(SetError) {
        guard accounts[accountId]?.notes[id] != nil else { throw .notFound() }
        commit(nil, id: id, kind: .destroyed, in: accountId)
    }

    /// The changes since `sinceState`, as many as fit `maxChanges`, and the state they lead to (§5.2).
    func changes(
        in accountId: String, since sinceState: String, maxChanges: Int? = nil
    ) throws(MethodError) -> (state: String, hasMoreChanges: Bool, changes: ChangeSet) {
        let account = accounts[accountId] ?? AccountNotes()
        guard sinceState.hasPrefix("s"), let since = Int(sinceState.dropFirst()),
            (account.oldestState...account.state).contains(since)
        else { throw .cannotCalculateChanges("Cannot calculate changes from state \(sinceState).") }
        var changes = ChangeSet()
        var reached = since
        for change in account.changes where change.state > since {
            var next = changes
            next.record(change.kind, id: change.id)
            if let maxChanges, next.count > maxChanges { break }
            (changes, reached) = (next, change.state)
        }
        return ("s\(reached)", reached < account.state, changes)
    }

    /// Drops the change log, as servers do after a while, so that older states cannot be caught up from.
    func forgetChanges(in accountId: String) {
        var account = accounts[accountId] ?? AccountNotes()
        account.changes = []
        account.oldestState = account.state
        accounts[accountId] = account
    }

    private func commit(_ note: JSONObject?, id: String, kind: ChangeSet.Kind, in accountId: String) {
        var account = accounts[accountId] ?? AccountNotes()
        account.notes[id] = note
        account.state += 1
        account.changes.append(Change(state: account.state, kind: kind, id: id))
        accounts[accountId] = account
    }
}

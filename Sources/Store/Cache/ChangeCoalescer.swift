/// How one change touched an id; the `kind` column of the change log.
enum ChangeKind: String, Sendable {
    case created
    case updated
    case destroyed
}

/// Folds a run of logged changes into one verdict per id, as RFC 8620 §5.2 asks.
///
/// Only the first and the last change of an id matter: the first tells whether the client at the
/// old state knew the id (anything but `created` means it existed then), the last whether it exists
/// now. So created then updated is `created`, updated then destroyed is `destroyed`, created then
/// destroyed is left out entirely, and destroyed then created again (an href that came back and
/// kept its id) is `updated`, since the client still has the id and its content may differ.
struct ChangeCoalescer {
    private struct Entry {
        var first: ChangeKind
        var last: ChangeKind
        var lastModseq: Int64
    }

    private var entries: [String: Entry] = [:]

    /// The number of distinct ids seen, an upper bound on the ids `result` returns.
    var count: Int { entries.count }

    func contains(_ id: String) -> Bool {
        entries[id] != nil
    }

    /// Adds the next change; changes must come in modseq order.
    mutating func add(_ kind: ChangeKind, id: String, modseq: Int64) {
        if var entry = entries[id] {
            entry.last = kind
            entry.lastModseq = modseq
            entries[id] = entry
        } else {
            entries[id] = Entry(first: kind, last: kind, lastModseq: modseq)
        }
    }

    /// The coalesced ids, each list in the order of the ids' last changes.
    var result: (created: [String], updated: [String], destroyed: [String]) {
        var created: [String] = []
        var updated: [String] = []
        var destroyed: [String] = []
        for (id, entry) in entries.sorted(by: { $0.value.lastModseq < $1.value.lastModseq }) {
            let existedBefore = entry.first != .created
            let existsNow = entry.last != .destroyed
            switch (existedBefore, existsNow) {
            case (false, true): created.append(id)
            case (true, true): updated.append(id)
            case (true, false): destroyed.append(id)
            case (false, false): break
            }
        }
        return (created, updated, destroyed)
    }
}

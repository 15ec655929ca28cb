import GRDB

/// Where one data type of one account stands: its current modseq, and the oldest modseq the change
/// log still covers (retention raises it as it prunes).
struct TypeState: Sendable {
    var modseq: Int64
    var lowWatermark: Int64

    /// The type's state; an account or type never written to is at modseq 0 with nothing pruned.
    static func fetch(_ db: Database, accountId: String, dataType: DataType) throws -> TypeState {
        let statement = try db.cachedStatement(
            sql: "SELECT modseq, low_watermark FROM type_state WHERE account_id = ? AND data_type = ?"
        )
        guard let row = try Row.fetchOne(statement, arguments: [accountId, dataType.rawValue]) else {
            return TypeState(modseq: 0, lowWatermark: 0)
        }
        return TypeState(modseq: row[0], lowWatermark: row[1])
    }
}

/// Logs the changes of one write transaction.
///
/// Every change takes the next modseq of its data type, so every modseq is a state that `/changes`
/// can stop at and resume from. The counters are read once per type and written back once by
/// `save`, not per change: a 10,000-card sync costs 10,000 inserts into `change`, nothing more.
struct ChangeRecorder {
    let accountId: String
    private var modseqs: [DataType: Int64] = [:]

    init(accountId: String) {
        self.accountId = accountId
    }

    /// Appends a change and returns its modseq, which the changed row records as its own.
    mutating func record(_ kind: ChangeKind, id: String, dataType: DataType, in db: Database) throws -> Int64 {
        let current: Int64
        if let known = modseqs[dataType] {
            current = known
        } else {
            current = try TypeState.fetch(db, accountId: accountId, dataType: dataType).modseq
        }
        let modseq = current + 1
        modseqs[dataType] = modseq
        let statement = try db.cachedStatement(
            sql: "INSERT INTO change (account_id, data_type, modseq, object_id, kind) VALUES (?, ?, ?, ?, ?)"
        )
        try statement.execute(arguments: [accountId, dataType.rawValue, modseq, id, kind.rawValue])
        return modseq
    }

    /// Writes the advanced modseqs back; call once, before the transaction commits. Returns them: the
    /// data types whose state this transaction moved.
    @discardableResult
    func save(in db: Database) throws -> [DataType: Int64] {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO type_state (account_id, data_type, modseq, low_watermark) VALUES (?, ?, ?, 0)
                ON CONFLICT (account_id, data_type) DO UPDATE SET modseq = excluded.modseq
                """
        )
        for (dataType, modseq) in modseqs {
            try statement.execute(arguments: [accountId, dataType.rawValue, modseq])
        }
        return modseqs
    }
}

/// Reads the change log for `/changes` (RFC 8620 §5.2).
enum ChangeLog {
    /// The coalesced changes after `sinceState`, reading only the change rows after it (and, with
    /// `maxChanges`, only as many as fit).
    ///
    /// When more ids changed than `maxChanges`, the answer stops before the first change of the
    /// id that would not fit, and `newState` is the modseq of the last change included: a client
    /// calling again from it gets exactly the rest. Values of `maxChanges` below 1 count as 1.
    static func changes(
        _ db: Database, accountId: String, dataType: DataType, sinceState: String, maxChanges: Int?, epoch: String
    ) throws -> StoredChanges {
        let current = try TypeState.fetch(db, accountId: accountId, dataType: dataType)
        guard let since = StateToken(sinceState), since.epoch == epoch else {
            throw StoreError.cannotCalculateChanges("unknown state \(sinceState)")
        }
        guard since.modseq <= current.modseq else {
            throw StoreError.cannotCalculateChanges("state \(sinceState) is newer than the current state")
        }
        guard since.modseq >= current.lowWatermark else {
            throw StoreError.cannotCalculateChanges("state \(sinceState) is older than the change log keeps")
        }

        let limit = maxChanges.map { max($0, 1) }
        var coalescer = ChangeCoalescer()
        var reached = since.modseq
        var hasMoreChanges = false
        let statement = try db.cachedStatement(
            sql: """
                SELECT modseq, object_id, kind FROM change
                WHERE account_id = ? AND data_type = ? AND modseq > ? ORDER BY modseq
                """
        )
        let rows = try Row.fetchCursor(statement, arguments: [accountId, dataType.rawValue, since.modseq])
        while let row = try rows.next() {
            let modseq: Int64 = row[0]
            let id: String = row[1]
            let kindName: String = row[2]
            guard let kind = ChangeKind(rawValue: kindName) else {
                throw StoreError.storage("change log holds an unknown kind \(kindName)")
            }
            if let limit, !coalescer.contains(id), coalescer.count >= limit {
                hasMoreChanges = true
                break
            }
            coalescer.add(kind, id: id, modseq: modseq)
            reached = modseq
        }

        let newModseq = hasMoreChanges ? reached : current.modseq
        let result = coalescer.result
        return StoredChanges(
            oldState: sinceState, newState: StateToken(epoch: epoch, modseq: newModseq).string,
            hasMoreChanges: hasMoreChanges, created: result.created, updated: result.updated,
            destroyed: result.destroyed
        )
    }
}

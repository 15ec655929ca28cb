import GRDB

/// Bounds the change log: drops old change rows, raises each type's low watermark so that states
/// from before it get `cannotCalculateChanges`, and purges destroyed rows no state can still ask
/// about.
enum ChangeRetention {
    /// Keeps the newest `keepingNewest` modseqs of every data type (of one account, or of all) and
    /// returns the number of change rows deleted.
    static func prune(_ db: Database, accountId: String?, keepingNewest: Int) throws -> Int {
        let keep = Int64(max(keepingNewest, 0))
        var sql = "SELECT account_id, data_type, modseq, low_watermark FROM type_state"
        var arguments = StatementArguments()
        if let accountId {
            sql += " WHERE account_id = ?"
            arguments = [accountId]
        }

        var deleted = 0
        var watermarks: [(accountId: String, dataType: DataType, lowWatermark: Int64)] = []
        for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
            let account: String = row[0]
            let typeName: String = row[1]
            let modseq: Int64 = row[2]
            let lowWatermark: Int64 = row[3]
            guard let dataType = DataType(rawValue: typeName) else { continue }
            let cutoff = max(lowWatermark, modseq - keep)
            if cutoff > lowWatermark {
                try db.execute(
                    sql: "DELETE FROM change WHERE account_id = ? AND data_type = ? AND modseq <= ?",
                    arguments: [account, typeName, cutoff]
                )
                deleted += db.changesCount
                try db.execute(
                    sql: "UPDATE type_state SET low_watermark = ? WHERE account_id = ? AND data_type = ?",
                    arguments: [cutoff, account, typeName]
                )
            }
            watermarks.append((account, dataType, cutoff))
        }

        // A destroyed row whose destroy is at or below the watermark is news to no valid state;
        // objects go first, since their collection holds them by foreign key.
        for watermark in watermarks where !watermark.dataType.isCollectionType {
            try db.execute(
                sql: """
                    DELETE FROM object WHERE account_id = ? AND destroyed = 1 AND modseq <= ?
                    AND collection_id IN (SELECT id FROM collection WHERE account_id = ? AND kind = ?)
                    """,
                arguments: [
                    watermark.accountId, watermark.lowWatermark, watermark.accountId,
                    watermark.dataType.collectionKind.rawValue,
                ]
            )
        }
        for watermark in watermarks where watermark.dataType.isCollectionType {
            try db.execute(
                sql: """
                    DELETE FROM collection WHERE account_id = ? AND kind = ? AND destroyed = 1 AND modseq <= ?
                    AND NOT EXISTS (
                        SELECT 1 FROM object
                        WHERE object.account_id = collection.account_id AND object.collection_id = collection.id
                    )
                    """,
                arguments: [watermark.accountId, watermark.dataType.collectionKind.rawValue, watermark.lowWatermark]
            )
        }
        return deleted
    }
}

/// A JMAP state string as the SQLite store writes it: `<epoch>-<modseq>`.
///
/// The modseq counts the changes of one data type in one account (base 10). The epoch is drawn at
/// random when the database file is created: after the cache is wiped and rebuilt, modseqs start
/// again from zero, and a client's old state must then fail with `cannotCalculateChanges` rather
/// than silently name a different point in the new history.
struct StateToken: Hashable, Sendable {
    var epoch: String
    var modseq: Int64

    init(epoch: String, modseq: Int64) {
        self.epoch = epoch
        self.modseq = modseq
    }

    /// Parses a state string; nil for anything this store could not have written.
    init?(_ string: String) {
        let parts = string.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isEpoch(parts[0]) else { return nil }
        let digits = parts[1]
        guard (1...18).contains(digits.utf8.count),
            digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let modseq = Int64(digits)
        else { return nil }
        self.init(epoch: String(parts[0]), modseq: modseq)
    }

    var string: String { "\(epoch)-\(modseq)" }

    /// A new random epoch: eight lowercase hex digits.
    static func makeEpoch() -> String {
        let value = UInt32.random(in: .min ... .max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    private static func isEpoch(_ text: Substring) -> Bool {
        text.utf8.count == 8
            && text.utf8.allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
    }
}

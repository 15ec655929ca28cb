/// The ids created, updated and destroyed since some state, coalesced as RFC 8620 §5.2 asks: created then
/// updated is only `created`, updated then destroyed is only `destroyed`, and created then destroyed is
/// dropped. Data types record their changes in order; /changes and /queryChanges read the result.
public struct ChangeSet: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case created, updated, destroyed
    }

    private var kinds: [String: Kind] = [:]

    public init() {}

    /// Adds the next change of `id`, coalescing it with the ones recorded before.
    public mutating func record(_ kind: Kind, id: String) {
        switch (kinds[id], kind) {
        case (.created?, .updated): break
        case (.created?, .destroyed): kinds[id] = nil
        default: kinds[id] = kind
        }
    }

    /// How `id` changed, or nil when it did not.
    public func kind(of id: String) -> Kind? {
        kinds[id]
    }

    /// Every changed id, sorted so that responses are stable.
    public var ids: [String] { kinds.keys.sorted() }
    public var created: [String] { ids(.created) }
    public var updated: [String] { ids(.updated) }
    public var destroyed: [String] { ids(.destroyed) }

    /// The number of ids, which is what `maxChanges` limits.
    public var count: Int { kinds.count }
    public var isEmpty: Bool { kinds.isEmpty }

    private func ids(_ kind: Kind) -> [String] {
        kinds.compactMap { $0.value == kind ? $0.key : nil }.sorted()
    }
}

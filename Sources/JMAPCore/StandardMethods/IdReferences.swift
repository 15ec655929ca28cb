extension MethodContext {
    /// The id `reference` stands for: for `#creationId` the id created earlier in the request, else the
    /// reference itself. An unknown creation id stays as sent; it is never a valid `Id` (§1.2), so callers
    /// answer it with `notFound` without asking the data type.
    func resolvedId(_ reference: String) -> String {
        resolve(id: reference) ?? reference
    }

    /// `resolvedId` of each reference, each id once: §5.1 answers a repeated id once, and /set must not
    /// destroy a record twice.
    func resolvedIds(_ references: [String]) -> [String] {
        var seen: Set<String> = []
        return references.map(resolvedId).filter { seen.insert($0).inserted }
    }
}

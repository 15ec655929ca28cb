extension Array where Element == ContentLine.Parameter {
    /// All values of every parameter called `name`, or `nil` if there is none. Parameter names are
    /// case-insensitive (RFC 5545 §2, RFC 6350 §3.3) and a parameter may be repeated, so the
    /// values of all matches are joined in order.
    public func values(named name: String) -> [String]? {
        let upper = name.uppercased()
        let matching = filter { $0.name.uppercased() == upper }
        if matching.isEmpty { return nil }
        return matching.flatMap(\.values)
    }
}

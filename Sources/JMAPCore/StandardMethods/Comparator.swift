import Foundation

/// One criterion of a /query `sort` (RFC 8620 §5.5).
public struct Comparator: Sendable, Hashable {
    public var property: String
    public var isAscending: Bool
    /// The collation for string values; nil for `Collation.default`.
    public var collation: Collation?
    /// Members beyond the standard ones, for sorts a data type defines (e.g. a `keyword` to sort by).
    public var extra: JSONObject

    public init(property: String, isAscending: Bool = true, collation: Collation? = nil, extra: JSONObject = [:]) {
        self.property = property
        self.isAscending = isAscending
        self.collation = collation
        self.extra = extra
    }

    /// Parses a Comparator. A `property` outside `sortable` or an unknown `collation` is `unsupportedSort`:
    /// the sort is well-formed, but the server cannot do it.
    public static func parse(_ json: JSONValue, sortable: Set<String>) throws(MethodError) -> Comparator {
        guard case .object(var object) = json else { throw .invalidArguments("A Comparator must be an object.") }
        guard case .string(let property)? = object.removeValue(forKey: "property") else {
            throw .invalidArguments("A Comparator needs `property`, a string.")
        }
        var comparator = Comparator(property: property)
        switch object.removeValue(forKey: "isAscending") {
        case nil: break
        case .bool(let isAscending)?: comparator.isAscending = isAscending
        default: throw .invalidArguments("`isAscending` must be a boolean.")
        }
        switch object.removeValue(forKey: "collation") {
        case nil: break
        case .string(let name)?:
            guard let collation = Collation(rawValue: name) else {
                throw .unsupportedSort("Unsupported collation \(name).")
            }
            comparator.collation = collation
        default: throw .invalidArguments("`collation` must be a string.")
        }
        guard sortable.contains(property) else { throw .unsupportedSort("Cannot sort on \(property).") }
        comparator.extra = object
        return comparator
    }

    /// Orders two property values, a missing one as null (§5.5): strings by the collation, numbers by value,
    /// false before true; across types, null first, then booleans, numbers, strings. Reversed when
    /// descending.
    public func compare(_ lhs: JSONValue?, _ rhs: JSONValue?) -> ComparisonResult {
        let ascending = Self.compareAscending(lhs ?? .null, rhs ?? .null, collation: collation ?? .default)
        return isAscending ? ascending : ascending.reversed
    }

    private static func compareAscending(_ lhs: JSONValue, _ rhs: JSONValue, collation: Collation) -> ComparisonResult {
        let (lhs, rhs) = (lhs.decoded, rhs.decoded)
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return collation.compare(a, b)
        case (.bool(let a), .bool(let b)): return ComparisonResult(a ? 1 : 0, b ? 1 : 0)
        case (.int(let a), .int(let b)): return ComparisonResult(a, b)
        default:
            if let a = lhs.doubleValue, let b = rhs.doubleValue { return ComparisonResult(a, b) }
            return ComparisonResult(rank(lhs), rank(rhs))
        }
    }

    /// Where values of different types go; arrays and objects do not sort among themselves.
    private static func rank(_ value: JSONValue) -> Int {
        switch value {
        case .null: 0
        case .bool: 1
        case .int, .double: 2
        case .string: 3
        case .array: 4
        case .object: 5
        case .encoded(let encoded): rank(encoded.value)
        }
    }
}

extension Sequence {
    /// The elements sorted by each comparator in turn, ties broken by `id` so that the order is stable
    /// between calls, as §5.5 requires. `value` gives a record's value for a comparator, usually its
    /// `property`.
    public func sorted(
        by comparators: [Comparator], id: (Element) -> String, value: (Element, Comparator) -> JSONValue?
    ) -> [Element] {
        sorted { lhs, rhs in
            for comparator in comparators {
                switch comparator.compare(value(lhs, comparator), value(rhs, comparator)) {
                case .orderedAscending: return true
                case .orderedDescending: return false
                case .orderedSame: continue
                }
            }
            return Collation.octet.compare(id(lhs), id(rhs)) == .orderedAscending
        }
    }
}

extension Arguments {
    /// The `sort` argument; empty when absent or null.
    mutating func sort(sortable: Set<String>) throws(MethodError) -> [Comparator] {
        let comparators = try array("sort") ?? []
        return try comparators.map { (json) throws(MethodError) in try Comparator.parse(json, sortable: sortable) }
    }
}

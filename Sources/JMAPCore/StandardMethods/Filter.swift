/// The `operator` of a FilterOperator (RFC 8620 §5.5).
public enum FilterOperator: String, Sendable, Hashable, CaseIterable {
    /// Every condition matches.
    case and = "AND"
    /// At least one condition matches.
    case or = "OR"
    /// No condition matches.
    case not = "NOT"
}

/// The `filter` of /query and /queryChanges (RFC 8620 §5.5): a data type's own FilterCondition, or an
/// operator combining nested filters. Generic so that each data type parses its conditions once, into its
/// own type, and evaluates them however it stores records.
public indirect enum Filter<Condition: Sendable>: Sendable {
    case condition(Condition)
    case `operator`(FilterOperator, [Filter])

    /// Parses a filter. An object with an `operator` is a FilterOperator, which may have nothing but
    /// `operator` and `conditions`; any other object is a FilterCondition, parsed by `condition`, which
    /// should throw `unsupportedFilter` for properties the data type does not know.
    public static func parse(
        _ json: JSONValue, condition: (JSONObject) throws(MethodError) -> Condition
    ) throws(MethodError) -> Filter {
        guard case .object(let object) = json else { throw .invalidArguments("A filter must be an object.") }
        guard let name = object["operator"] else { return .condition(try condition(object)) }
        guard case .string(let text) = name, let filterOperator = FilterOperator(rawValue: text) else {
            throw .invalidArguments("`operator` must be AND, OR or NOT.")
        }
        guard case .array(let conditions)? = object["conditions"] else {
            throw .invalidArguments("A FilterOperator needs `conditions`, an array of filters.")
        }
        if let unknown = object.keys.sorted().first(where: { $0 != "operator" && $0 != "conditions" }) {
            throw .invalidArguments("A FilterOperator has only `operator` and `conditions`, not `\(unknown)`.")
        }
        let filters = try conditions.map { (filter) throws(MethodError) in try parse(filter, condition: condition) }
        return .operator(filterOperator, filters)
    }

    /// Whether a record matches, given whether it matches a single condition.
    public func matches<E: Error>(_ predicate: (Condition) throws(E) -> Bool) throws(E) -> Bool {
        switch self {
        case .condition(let condition):
            return try predicate(condition)
        case .operator(let filterOperator, let filters):
            for filter in filters {
                switch (filterOperator, try filter.matches(predicate)) {
                case (.and, false): return false
                case (.or, true): return true
                case (.not, true): return false
                default: continue
                }
            }
            return filterOperator != .or
        }
    }
}

extension Filter: Equatable where Condition: Equatable {}
extension Filter: Hashable where Condition: Hashable {}

extension Arguments {
    /// The `filter` argument; nil when absent or null, which matches every record.
    mutating func filter<Condition>(
        condition: (JSONObject) throws(MethodError) -> Condition
    ) throws(MethodError) -> Filter<Condition>? {
        guard let json = value("filter"), !json.isNull else { return nil }
        return try Filter.parse(json, condition: condition)
    }
}

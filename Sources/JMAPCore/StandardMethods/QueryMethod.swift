/// The arguments of `Foo/query` (RFC 8620 §5.5), generic over the data type's parsed FilterCondition.
public struct QueryRequest<Condition: Sendable>: Sendable {
    public var accountId: String
    public var filter: Filter<Condition>?
    public var sort: [Comparator]
    /// Index of the first id to return; negative counts from the end. Ignored when `anchor` is set.
    public var position: Int
    public var anchor: String?
    /// Added to the anchor's index; ignored without `anchor`.
    public var anchorOffset: Int
    public var limit: Int?
    public var calculateTotal: Bool

    /// Reads the standard arguments, parsing FilterConditions with `condition` and accepting sorts on the
    /// properties in `sortable`. The caller reads any arguments of its own, then calls `finish()`.
    public init(
        _ arguments: inout Arguments, sortable: Set<String>, condition: (JSONObject) throws(MethodError) -> Condition
    ) throws(MethodError) {
        accountId = try arguments.accountId()
        filter = try arguments.filter(condition: condition)
        sort = try arguments.sort(sortable: sortable)
        position = try arguments.int("position") ?? 0
        anchor = try arguments.string("anchor")
        anchorOffset = try arguments.int("anchorOffset") ?? 0
        limit = try arguments.unsignedInt("limit")
        calculateTotal = try arguments.bool("calculateTotal", default: false)
    }

    /// The response for `ids`, the full filtered and sorted results: the window the client asked for, by
    /// anchor or by position, at most `limit` ids and never more than `maxLimit` (then reported back).
    public func response(
        queryState: String, canCalculateChanges: Bool, ids: [String], maxLimit: Int? = nil
    ) throws(MethodError) -> QueryResponse {
        let start: Int
        if let anchor {
            guard let index = ids.firstIndex(of: anchor) else {
                throw .anchorNotFound("\(anchor) is not in the results.")
            }
            start = max(0, index + anchorOffset)
        } else {
            start = position < 0 ? max(0, ids.count + position) : position
        }
        let cappedLimit = maxLimit.flatMap { (limit ?? .max) > $0 ? $0 : nil }
        let end = min(ids.count, start + (cappedLimit ?? limit ?? ids.count))
        return QueryResponse(
            accountId: accountId, queryState: queryState, canCalculateChanges: canCalculateChanges,
            position: start, ids: start < end ? Array(ids[start..<end]) : [],
            total: calculateTotal ? ids.count : nil, limit: cappedLimit
        )
    }
}

extension QueryRequest: Equatable where Condition: Equatable {}
extension QueryRequest: Hashable where Condition: Hashable {}

/// The response of `Foo/query` (RFC 8620 §5.5).
public struct QueryResponse: Sendable, Hashable {
    public var accountId: String
    public var queryState: String
    public var canCalculateChanges: Bool
    public var position: Int
    public var ids: [String]
    /// Only when `calculateTotal` was asked for.
    public var total: Int?
    /// Only when the server lowered the client's limit, or set one.
    public var limit: Int?

    public init(
        accountId: String, queryState: String, canCalculateChanges: Bool, position: Int, ids: [String],
        total: Int? = nil, limit: Int? = nil
    ) {
        self.accountId = accountId
        self.queryState = queryState
        self.canCalculateChanges = canCalculateChanges
        self.position = position
        self.ids = ids
        self.total = total
        self.limit = limit
    }

    public var arguments: JSONObject {
        var arguments: JSONObject = [
            "accountId": .string(accountId),
            "queryState": .string(queryState),
            "canCalculateChanges": .bool(canCalculateChanges),
            "position": .int(position),
            "ids": JSONValue(ids),
        ]
        if let total { arguments["total"] = .int(total) }
        if let limit { arguments["limit"] = .int(limit) }
        return arguments
    }
}

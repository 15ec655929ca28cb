import JMAPCore
import Testing

/// Foo/query (RFC 8620 §5.5), on `Harness.fixture`: n1 apples, n2 Banana bread, n3 Cherry, n4 date night,
/// n5 Éclair.
@Suite struct QueryTests {
    let harness = Harness()

    private func query(_ arguments: JSONObject) async throws -> Invocation {
        try await harness.seed(Harness.fixture)
        return try await harness.call("Note/query", arguments.merging(["accountId": "a1"]) { $1 })
    }

    @Test func withoutFilterOrSortEveryIdComesInAStableOrder() async throws {
        let response = try await query([:])
        #expect(response.name == "Note/query")
        #expect(response["ids"] == ["n1", "n2", "n3", "n4", "n5"])
        #expect(response["position"] == 0)
        #expect(response["queryState"] == "s5")
        #expect(response["canCalculateChanges"] == true)
        #expect(response["total"] == nil, "total only when calculateTotal")
    }

    /// Filters and the ids they match.
    static let filters: [(JSONValue, [String])] = [
        (and(["hasTag": "food"], not(["minPriority": 5])), ["n1"]),
        (or(["hasTag": "fun"], ["text": "CHERRY"]), ["n3", "n4"]),
        // NOT: none of the conditions match.
        (not(["hasTag": "baking"], ["hasTag": "fun"]), ["n1", "n3"]),
        (or(and(["hasTag": "baking"], ["minPriority": 1]), ["text": "apple"]), ["n1", "n2"]),
        // A FilterCondition with several properties needs all of them.
        (["hasTag": "food", "minPriority": 3], ["n2"]),
        (and(), ["n1", "n2", "n3", "n4", "n5"]),
        (or(), []),
    ]

    @Test(arguments: filters)
    func filtersNest(filter: JSONValue, ids: [String]) async throws {
        let response = try await query(["filter": filter])
        #expect(response["ids"] == JSONValue(ids))
    }

    @Test(
        arguments: [
            (["colour": "red"], "unsupportedFilter"),
            (and(["hasTag": "food"], ["colour": "red"]), "unsupportedFilter"),
            (["operator": "XOR", "conditions": []], "invalidArguments"),
            (["operator": "AND"], "invalidArguments"),
            (["operator": "AND", "conditions": [], "hasTag": "food"], "invalidArguments"),
            (["minPriority": "high"], "invalidArguments"),
            ("food", "invalidArguments"),
        ] as [(JSONValue, String)])
    func badFiltersAreRejected(filter: JSONValue, errorType: String) async throws {
        let response = try await query(["filter": filter])
        #expect(response.errorType == errorType)
    }

    @Test(
        arguments: [
            ([["property": "colour"]], "unsupportedSort"),
            ([["property": "title", "collation": "i;klingon"]], "unsupportedSort"),
            ([["isAscending": false]], "invalidArguments"),
            ([["property": "title", "isAscending": "no"]], "invalidArguments"),
        ] as [(JSONValue, String)])
    func badSortsAreRejected(sort: JSONValue, errorType: String) async throws {
        let response = try await query(["sort": sort])
        #expect(response.errorType == errorType)
    }

    @Test(
        arguments: [
            // The default collation is i;unicode-casemap: case-insensitive, É sorts as E.
            ([["property": "title"]], ["n1", "n2", "n3", "n4", "n5"]),
            // i;octet: uppercase before lowercase, É after everything ASCII.
            ([["property": "title", "collation": "i;octet"]], ["n2", "n3", "n1", "n4", "n5"]),
            ([["property": "title", "isAscending": false]], ["n5", "n4", "n3", "n2", "n1"]),
            // Ties on priority (n1 and n3 at 2) go to the next comparator, where the collation decides.
            (
                [["property": "priority", "isAscending": false], ["property": "title"]], ["n4", "n2", "n1", "n3", "n5"]
            ),
            (
                [["property": "priority", "isAscending": false], ["property": "title", "collation": "i;octet"]],
                ["n4", "n2", "n3", "n1", "n5"]
            ),
        ] as [(JSONValue, JSONValue)])
    func comparatorsApplyInTurn(sort: JSONValue, ids: JSONValue) async throws {
        let response = try await query(["sort": sort])
        #expect(response["ids"] == ids)
    }

    @Test(
        arguments: [
            (["position": -2], 3, ["n4", "n5"]),
            (["position": -10], 0, ["n1", "n2", "n3", "n4", "n5"]),
            (["position": 3, "limit": 1], 3, ["n4"]),
            (["position": 7], 7, []),
            // An anchor overrides position; anchorOffset moves from it, clamped at 0.
            (["anchor": "n3", "anchorOffset": 1, "limit": 2, "position": 0], 3, ["n4", "n5"]),
            (["anchor": "n3", "anchorOffset": -1, "limit": 2], 1, ["n2", "n3"]),
            (["anchor": "n3", "anchorOffset": -5, "limit": 2], 0, ["n1", "n2"]),
            (["anchor": "n3"], 2, ["n3", "n4", "n5"]),
            (["anchorOffset": 3, "limit": 1], 0, ["n1"]),
        ] as [(JSONObject, Int, JSONValue)])
    func windowByPositionOrAnchor(window: JSONObject, position: Int, ids: JSONValue) async throws {
        let response = try await query(window.merging(["sort": [["property": "title"]]]) { $1 })
        #expect(response["position"] == .int(position))
        #expect(response["ids"] == ids)
    }

    @Test func anchorNotInTheResultsIsAnError() async throws {
        let response = try await query(["anchor": "n404"])
        #expect(response.errorType == "anchorNotFound")
    }

    @Test func limitAndTotal() async throws {
        let response = try await query(["limit": 2, "calculateTotal": true])
        #expect(response["ids"] == ["n1", "n2"])
        #expect(response["total"] == 5)
        #expect(response["limit"] == nil, "limit only when the server changed it")
    }

    @Test(arguments: [["limit": 50], [:]] as [JSONObject])
    func serverCapsTheLimitAndSaysSo(window: JSONObject) async throws {
        let response = try await query(window)
        #expect(response["limit"] == .int(Note.maxQueryLimit))
    }

    @Test(arguments: [["limit": -1], ["position": 1.5], ["position": 9_007_199_254_740_992]] as [JSONObject])
    func invalidNumbersAreRejected(window: JSONObject) async throws {
        let response = try await query(window)
        #expect(response.errorType == "invalidArguments")
    }

    @Test func serverCapTrimsTheWindow() throws {
        var arguments = Arguments(["accountId": "a1", "limit": 10, "position": 1])
        let request = try QueryRequest(&arguments, sortable: []) { _ throws(MethodError) in true }
        let ids = (0..<8).map { "n\($0)" }
        let response = try request.response(queryState: "q", canCalculateChanges: false, ids: ids, maxLimit: 3)
        #expect(response.ids == ["n1", "n2", "n3"])
        #expect(response.limit == 3)
    }

    @Test func notMeansNoConditionMatches() {
        let filter = Filter<Int>.operator(.not, [.condition(1), .condition(2)])
        #expect(filter.matches { $0 == 3 })
        #expect(!filter.matches { $0 == 2 })
        #expect(!filter.matches { _ in true })
    }
}

private func and(_ conditions: JSONValue...) -> JSONValue {
    ["operator": "AND", "conditions": .array(conditions)]
}

private func or(_ conditions: JSONValue...) -> JSONValue {
    ["operator": "OR", "conditions": .array(conditions)]
}

private func not(_ conditions: JSONValue...) -> JSONValue {
    ["operator": "NOT", "conditions": .array(conditions)]
}

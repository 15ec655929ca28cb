/// A request-level error (RFC 8620 §3.6.1), answered as RFC 7807 problem details instead of a
/// JMAP response.
public struct RequestError: Error, Sendable, Hashable {
    public static let typePrefix = "urn:ietf:params:jmap:error:"

    /// The full type URI, e.g. `urn:ietf:params:jmap:error:notJSON`.
    public var type: String
    public var status: Int
    public var detail: String
    /// For `limit` errors: the name of the limit that was hit (e.g. `maxCallsInRequest`).
    public var limit: String?

    public init(type: String, status: Int = 400, detail: String, limit: String? = nil) {
        self.type = type
        self.status = status
        self.detail = detail
        self.limit = limit
    }

    public static func unknownCapability(_ capabilities: [String]) -> Self {
        .init(
            type: typePrefix + "unknownCapability",
            detail:
                "The request uses capabilities this server does not support: \(capabilities.joined(separator: ", "))."
        )
    }

    public static func notJSON(
        _ detail: String =
            "The content type of the request was not application/json or the request did not parse as I-JSON."
    ) -> Self {
        .init(type: typePrefix + "notJSON", detail: detail)
    }

    public static func notRequest(_ detail: String) -> Self {
        .init(type: typePrefix + "notRequest", detail: detail)
    }

    public static func limit(_ limit: String, status: Int = 400, detail: String) -> Self {
        .init(type: typePrefix + "limit", status: status, detail: detail, limit: limit)
    }

    /// The problem-details document (RFC 7807).
    public var problemDetails: JSONObject {
        var object: JSONObject = ["type": .string(type), "status": .int(status), "detail": .string(detail)]
        if let limit { object["limit"] = .string(limit) }
        return object
    }
}

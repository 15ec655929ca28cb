import Foundation
import Hummingbird
import JMAPCore

/// An error answered as RFC 7807 problem details (`application/problem+json`), for everything
/// that is not a JMAP method response: request-level errors, auth failures, missing blobs.
struct ProblemError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var document: JSONObject
    var headers: HTTPFields = [:]

    init(
        status: HTTPResponse.Status, type: String = "about:blank", title: String? = nil, detail: String,
        extra: JSONObject = [:]
    ) {
        self.status = status
        var document = extra
        document["type"] = .string(type)
        document["status"] = .int(Int(status.code))
        document["title"] = .string(title ?? status.reasonPhrase)
        document["detail"] = .string(detail)
        self.document = document
    }

    init(_ error: RequestError) {
        self.status = .init(code: error.status)
        self.document = error.problemDetails
    }

    static let unauthorized: ProblemError = {
        var error = ProblemError(
            status: .unauthorized, detail: "Authentication with the DAV server's credentials is required.")
        error.headers[.wwwAuthenticate] = #"Basic realm="JMAP Gateway", charset="UTF-8""#
        return error
    }()

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        let body = (try? JSONCoding.encode(JSONValue.object(document))) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// JSON responses, always through `JSONCoding` so `/` is never escaped.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) throws
        -> Response
    {
        var headers = extra
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-cache, no-store, must-revalidate"
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONCoding.encode(value))))
    }
}

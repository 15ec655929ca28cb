import Hummingbird

/// CORS for browser JMAP clients: answers preflights and marks responses for allowed origins.
/// Credentials (HTTP Basic) are allowed, so the allowed origin is echoed, never `*`.
struct CORSPolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    /// `["*"]` allows any origin.
    let allowedOrigins: [String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let origin = request.headers[.origin], allowedOrigins == ["*"] || allowedOrigins.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers = Self.headers(origin: origin)
            headers[.accessControlAllowMethods] = "GET, POST, OPTIONS"
            headers[.accessControlAllowHeaders] = "Accept, Authorization, Content-Type, Last-Event-ID, Origin"
            headers[.accessControlMaxAge] = "3600"
            return Response(status: .noContent, headers: headers)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        for field in Self.headers(origin: origin) { response.headers.append(field) }
        return response
    }

    private static func headers(origin: String) -> HTTPFields {
        [
            .accessControlAllowOrigin: origin,
            .accessControlAllowCredentials: "true",
            .accessControlExposeHeaders: "Content-Disposition, WWW-Authenticate",
            .vary: "Origin",
        ]
    }
}

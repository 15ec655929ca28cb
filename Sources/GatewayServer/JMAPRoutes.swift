import Foundation
import Gateway
import Hummingbird
import JMAPCore
import Logging
import NIOCore
import Store

/// The JMAP resources of RFC 8620: session (§2), API (§3), upload (§6.1) and download (§6.2).
struct JMAPRoutes: Sendable {
    let configuration: GatewayConfiguration
    let processor: RequestProcessor<GatewayUser>
    let blobs: BlobStore
    let requestLimiter: ConcurrencyLimiter
    let uploadLimiter: ConcurrencyLimiter
    let coordinator: SyncCoordinator
    let push: PushHub
    let sessionStates = SessionStates()

    static let sessionPath = "/jmap/session"
    static let apiPath = "/jmap/api"
    static let uploadPath = "/jmap/upload"
    static let downloadPath = "/jmap/download"
    static let eventSourcePath = "/jmap/eventsource"

    init(
        configuration: GatewayConfiguration, registry: MethodRegistry<GatewayUser>, blobs: BlobStore,
        coordinator: SyncCoordinator, push: PushHub
    ) {
        self.configuration = configuration
        self.coordinator = coordinator
        self.push = push
        self.processor = RequestProcessor(registry: registry, limits: configuration.limits)
        self.blobs = blobs
        self.requestLimiter = ConcurrencyLimiter(limit: configuration.limits.maxConcurrentRequests)
        self.uploadLimiter = ConcurrencyLimiter(limit: configuration.limits.maxConcurrentUpload)
    }

    func register(on router: Router<GatewayRequestContext>, authentication: AuthenticationMiddleware) {
        router.get("/.well-known/jmap") { _, _ in
            Response(status: .temporaryRedirect, headers: [.location: Self.sessionPath])
        }
        let jmap = router.group("jmap").add(middleware: authentication)
        jmap.get("session") { request, context in try session(request: request, context: context) }
        jmap.post("api") { request, context in try await api(request: request, context: context) }
        jmap.post("upload/{accountId}") { request, context in try await upload(request: request, context: context) }
        jmap.get("download/{accountId}/{blobId}/{name}") { request, context in
            try download(request: request, context: context)
        }
        let eventSource = EventSourceRoute(hub: push, coordinator: coordinator)
        jmap.get("eventsource") { request, context in try await eventSource.handle(request, context: context) }
        WebSocketRoute(routes: self).register(on: jmap)
    }

    // MARK: Session (§2)

    func makeSession(for user: GatewayUser, baseURL: String) -> Session {
        var primaryAccounts: [String: String] = [:]
        for (accountId, account) in user.accounts {
            for capability in account.accountCapabilities.keys { primaryAccounts[capability] = accountId }
        }
        return Session(
            capabilities: processor.registry.capabilities.merging(
                [WebSocketRoute.capability: WebSocketRoute.sessionCapability(baseURL: baseURL)]
            ) { _, session in session },
            accounts: user.accounts,
            primaryAccounts: primaryAccounts,
            username: user.username,
            apiUrl: baseURL + Self.apiPath,
            downloadUrl: baseURL + Self.downloadPath + "/{accountId}/{blobId}/{name}?type={type}",
            uploadUrl: baseURL + Self.uploadPath + "/{accountId}/",
            eventSourceUrl: baseURL + Self.eventSourcePath + "?types={types}&closeafter={closeafter}&ping={ping}"
        )
    }

    /// Public URL from configuration, or what the client used to reach us.
    func baseURL(for request: Request) -> String {
        if let url = configuration.server.publicURL {
            var text = url.absoluteString
            while text.hasSuffix("/") { text.removeLast() }
            return text
        }
        let host = request.head.authority ?? "\(configuration.server.host):\(configuration.server.port)"
        return "http://\(host)"
    }

    func session(request: Request, context: GatewayRequestContext) throws -> Response {
        let user = try context.requireUser()
        return try JSONResponse.make(makeSession(for: user, baseURL: baseURL(for: request)).json)
    }

    // MARK: API (§3)

    func api(request: Request, context: GatewayRequestContext) async throws -> Response {
        let user = try context.requireUser()
        // Marks the account active, so the background poller keeps its cache fresh.
        let synchronizer = try await coordinator.synchronizer(for: user)
        let limits = configuration.limits
        let response = try await requestLimiter.run(for: user.accountId) { () async throws -> Response in
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: limits.maxSizeRequest)
            } catch is NIOTooManyBytesError {
                throw ProblemError(
                    .limit("maxSizeRequest", detail: "The request is larger than \(limits.maxSizeRequest) bytes."))
            }
            do {
                let jmapRequest = try JMAPCore.Request(body: Data(buffer: body))
                let answer = try await answer(
                    jmapRequest, user: user, synchronizer: synchronizer, baseURL: baseURL(for: request),
                    logger: context.logger)
                return try JSONResponse.make(answer)
            } catch let error as RequestError {
                throw ProblemError(error)
            }
        }
        guard let response else {
            throw ProblemError(
                .limit("maxConcurrentRequests", detail: "More than \(limits.maxConcurrentRequests) requests at once."))
        }
        return response
    }

    /// Answers one JMAP request of `user` (over HTTP or WebSocket). Reads answer from the cache, so the
    /// collections the calls use are brought up to date first (once per min_sync_age, shared by
    /// concurrent requests); a failing sync must not fail reads: it is logged and the cache answers.
    func answer(
        _ jmapRequest: JMAPCore.Request, user: GatewayUser, synchronizer: AccountSynchronizer, baseURL: String,
        logger: Logger
    ) async throws -> JSONValue {
        do {
            try await synchronizer.syncIfStale(
                kinds: GatewayMethods.collectionKinds(forMethods: jmapRequest.methodCalls.map(\.name)))
        } catch {
            logger.warning(
                "sync before the request failed, answering from the cache",
                metadata: ["account": "\(user.accountId)", "error": "\(error)"])
        }
        let sessionState = sessionStates.state(of: user, baseURL: baseURL) {
            makeSession(for: user, baseURL: baseURL)
        }
        return try await processor.process(jmapRequest, caller: user, sessionState: sessionState).json
    }

    // MARK: Blobs (§6)

    func upload(request: Request, context: GatewayRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let accountId = try context.parameters.require("accountId")
        guard user.accounts[accountId] != nil else {
            throw ProblemError(status: .notFound, detail: "No account \(accountId) for this user.")
        }
        let limits = configuration.limits
        let type = request.headers[.contentType] ?? "application/octet-stream"
        let result = try await uploadLimiter.run(for: user.accountId) { () async throws -> Response in
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: limits.maxSizeUpload)
            } catch is NIOTooManyBytesError {
                throw ProblemError(
                    .limit(
                        "maxSizeUpload", status: 413, detail: "The upload is larger than \(limits.maxSizeUpload) bytes."
                    ))
            }
            let info = try blobs.store(Data(buffer: body), type: type, accountId: accountId)
            let upload: JSONValue = [
                "accountId": .string(accountId), "blobId": .string(info.blobId), "type": .string(info.type),
                "size": .int(info.size),
            ]
            return try JSONResponse.make(upload, status: .created)
        }
        guard let result else {
            throw ProblemError(
                .limit("maxConcurrentUpload", detail: "More than \(limits.maxConcurrentUpload) uploads at once."))
        }
        return result
    }

    func download(request: Request, context: GatewayRequestContext) throws -> Response {
        let user = try context.requireUser()
        let accountId = try context.parameters.require("accountId")
        let blobId = try context.parameters.require("blobId")
        let name = try context.parameters.require("name").removingPercentEncoding ?? "blob"
        guard user.accounts[accountId] != nil, let (data, info) = try blobs.load(blobId: blobId, accountId: accountId)
        else {
            throw ProblemError(status: .notFound, detail: "No blob \(blobId) in account \(accountId).")
        }
        let type = request.uri.queryParameters.get("type").flatMap { $0.isEmpty ? nil : $0 } ?? info.type
        let headers: HTTPFields = [
            .contentType: type,
            .contentDisposition: ContentDisposition.attachment(filename: name),
            .cacheControl: "private, immutable, max-age=31536000",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// `Content-Disposition: attachment` with the name in both the ASCII and the RFC 8187 form.
enum ContentDisposition {
    static func attachment(filename: String) -> String {
        let ascii = String(
            filename.unicodeScalars.map {
                $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_"
            })
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: .rfc8187AttrChar) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}

extension CharacterSet {
    /// attr-char of RFC 8187 §3.2.1.
    static let rfc8187AttrChar = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")
}

import Foundation
import Gateway
import Hummingbird
import HummingbirdWebSocket
import JMAPCore
import Logging
import NIOCore
import ServiceLifecycle

/// JMAP over WebSocket (RFC 8887): the `jmap` subprotocol on an authenticated upgrade of
/// `/jmap/ws`. Request messages are answered like the HTTP API (same processing, limits and sync);
/// WebSocketPushEnable starts StateChange pushes from the same hub the event source uses, with a
/// `pushState` naming every state the user sees; WebSocketPushDisable stops them.
struct WebSocketRoute: Sendable {
    let routes: JMAPRoutes

    static let capability = "urn:ietf:params:jmap:websocket"
    static let path = "/jmap/ws"

    /// §4.1: the WebSocket URL (ws for http, wss for https) and push support.
    static func sessionCapability(baseURL: String) -> JSONObject {
        let url =
            baseURL.hasPrefix("https://")
            ? "wss://" + baseURL.dropFirst("https://".count) : "ws://" + baseURL.dropFirst("http://".count)
        return ["url": .string(url + path), "supportsPush": true]
    }

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.ws("ws") { request, _ in
            // §4.2: the client asks for the `jmap` subprotocol, and the server names it in its answer.
            let offered = request.headers[values: .secWebSocketProtocol].flatMap {
                $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
            guard offered.contains("jmap") else { return .dontUpgrade }
            return .upgrade([.secWebSocketProtocol: "jmap"])
        } onUpgrade: { inbound, outbound, context in
            // A graceful shutdown waits for every connection: the session ends (and the socket closes)
            // when it begins, rather than when the client next speaks.
            try await cancelWhenGracefulShutdown {
                try await session(inbound: inbound, outbound: outbound, context: context)
            }
        }
    }

    private func session(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
        context: WebSocketRouterContext<GatewayRequestContext>
    ) async throws {
        let user = try context.requestContext.requireUser()
        let synchronizer = try await routes.coordinator.synchronizer(for: user)
        let baseURL = routes.baseURL(for: context.request)
        let logger = context.requestContext.logger
        let accountIds = user.accounts.keys.sorted()
        // One writer: answers and pushes go out in turn over one stream.
        let (outgoing, send) = AsyncStream<String>.makeStream()
        var push: Task<Void, Never>?
        defer { push?.cancel() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await text in outgoing { try await outbound.write(.text(text)) }
            }
            for try await message in inbound.messages(maxSize: routes.configuration.limits.maxSizeRequest) {
                guard case .text(let text) = message,
                    let object = try? JSONCoding.decode(JSONObject.self, from: Data(text.utf8))
                else {
                    send.yield(Self.encode(Self.requestError(.notJSON(), requestId: nil)))
                    continue
                }
                let requestId = object["id"]?.stringValue
                switch object["@type"]?.stringValue {
                case "Request":
                    // §4.3.2: a Request object with the WebSocket's own members, @type and id, besides.
                    var request = object
                    request["@type"] = nil
                    request["id"] = nil
                    send.yield(
                        Self.encode(
                            await answer(
                                request, requestId: requestId, user: user, synchronizer: synchronizer,
                                baseURL: baseURL, logger: logger)))
                case "WebSocketPushEnable":
                    push?.cancel()
                    let types =
                        object["dataTypes"]?.arrayValue.map { PushTypes.only(Set($0.compactMap(\.stringValue))) }
                        ?? .all
                    push = startPush(
                        accountIds: accountIds, types: types, pushState: object["pushState"]?.stringValue, send: send,
                        synchronizer: synchronizer)
                case "WebSocketPushDisable":
                    push?.cancel()
                    push = nil
                default:
                    send.yield(
                        Self.encode(
                            Self.requestError(
                                .notRequest("A message is a Request, WebSocketPushEnable or WebSocketPushDisable."),
                                requestId: requestId)))
                }
            }
            send.finish()
            try await group.waitForAll()
        }
    }

    /// A Response (§4.3.4), or a RequestError (§4.3.3) with the problem the HTTP API would answer.
    private func answer(
        _ request: JSONObject, requestId: String?, user: GatewayUser, synchronizer: AccountSynchronizer,
        baseURL: String,
        logger: Logger
    ) async -> JSONObject {
        do {
            let jmapRequest = try JMAPCore.Request(body: try JSONCoding.encode(request))
            let answer = try await routes.requestLimiter.run(for: user.accountId) {
                try await routes.answer(
                    jmapRequest, user: user, synchronizer: synchronizer, baseURL: baseURL, logger: logger)
            }
            guard let answer else {
                let limit = routes.configuration.limits.maxConcurrentRequests
                return Self.requestError(
                    RequestError(
                        type: RequestError.typePrefix + "limit", detail: "More than \(limit) requests at once.",
                        limit: "maxConcurrentRequests"), requestId: requestId)
            }
            guard case .object(var response) = answer else { return ["@type": "Response"] }
            response["@type"] = "Response"
            if let requestId { response["requestId"] = .string(requestId) }
            return response
        } catch let error as RequestError {
            return Self.requestError(error, requestId: requestId)
        } catch {
            return Self.requestError(
                RequestError(type: "about:blank", status: 500, detail: "\(error)"), requestId: requestId)
        }
    }

    /// Pushes StateChanges (§4.3.5) until cancelled: first, when the client's `pushState` is not the
    /// current one, every current state; then each change as the store commits it.
    private func startPush(
        accountIds: [String], types: PushTypes, pushState: String?, send: AsyncStream<String>.Continuation,
        synchronizer: AccountSynchronizer
    ) -> Task<Void, Never> {
        let hub = routes.push
        let changes = hub.open(accountIds: accountIds, types: types, transport: .webSocket)
        return Task {
            synchronizer.pushChannelOpened()
            defer { synchronizer.pushChannelClosed() }
            guard var states = try? await hub.currentStates(of: accountIds) else { return }
            if let pushState, pushState != PushHub.pushState(states) {
                let everything = StateChange(changed: states.mapValues { $0.filter { types.contains($0.key) } })
                send.yield(Self.encode(Self.stateChange(everything, pushState: PushHub.pushState(states))))
            }
            for await change in changes {
                for (accountId, changed) in change.changed {
                    states[accountId, default: [:]].merge(changed) { _, new in new }
                }
                send.yield(Self.encode(Self.stateChange(change, pushState: PushHub.pushState(states))))
            }
        }
    }

    static func stateChange(_ change: StateChange, pushState: String) -> JSONObject {
        var json = change.json
        json["pushState"] = .string(pushState)
        return json
    }

    static func requestError(_ error: RequestError, requestId: String?) -> JSONObject {
        var json = ProblemError(error).document
        json["@type"] = "RequestError"
        if let requestId { json["requestId"] = .string(requestId) }
        return json
    }

    static func encode(_ object: JSONObject) -> String {
        (try? JSONCoding.encode(object)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

import NIOCore
import NIOHTTPTypes
import Synchronization

/// Tells a long-lived response (an event source) when to end: when its client has gone, or when the
/// server is shutting down. The server allows half-closure, so a client closing its socket only closes
/// the connection's input; a response that writes nothing for a while (no pings, an account that does
/// not change) would otherwise keep its task, its push channel and its socket until a write failed,
/// which may be never. And a graceful shutdown waits for every open response, so one that does not end
/// when the server quiesces keeps the process from exiting. Installed on every HTTP/1 connection; a
/// client that half-closes on purpose and still reads is not one an event source serves.
final class ClientDisconnectHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPRequestPart

    private struct State {
        var isGone = false
        var nextToken = 0
        var actions: [Int: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event as? ChannelEvent == .inputClosed || event is ChannelShouldQuiesceEvent { clientWent() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        clientWent()
        context.fireChannelInactive()
    }

    /// Runs `action` once when the client goes or the server quiesces, at once if that happened. The
    /// token takes it back.
    @discardableResult
    func onDisconnect(_ action: @escaping @Sendable () -> Void) -> Int? {
        let token = state.withLock { state -> Int? in
            guard !state.isGone else { return nil }
            state.nextToken += 1
            state.actions[state.nextToken] = action
            return state.nextToken
        }
        if token == nil { action() }
        return token
    }

    func cancel(_ token: Int?) {
        guard let token else { return }
        _ = state.withLock { $0.actions.removeValue(forKey: token) }
    }

    private func clientWent() {
        let actions = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.isGone else { return [] }
            state.isGone = true
            defer { state.actions = [:] }
            return Array(state.actions.values)
        }
        for action in actions { action() }
    }
}

extension Channel {
    /// The connection's disconnect handler; nil on a connection set up without one (HTTP/2, tests).
    func clientDisconnect() async -> ClientDisconnectHandler? {
        try? await pipeline.handler(type: ClientDisconnectHandler.self).get()
    }
}

import Foundation
import Gateway
import Hummingbird
import JMAPCore
import NIOCore
import Store
import Synchronization

/// The event source resource (RFC 8620 §7.3): a `text/event-stream` of "state" events, each a
/// StateChange of the user's accounts, as the store commits them — whether a client's /set or a sync
/// that found changes made directly on the DAV server. Each state event carries an id naming every state
/// the user can see, so a client reconnecting with Last-Event-ID is told at once what it missed.
struct EventSourceRoute: Sendable {
    let hub: PushHub
    let coordinator: SyncCoordinator

    /// Requested ping intervals are kept within this range, in seconds (§7.3: a server's minimum must
    /// not be above 30, its maximum not below 300).
    static let pingSeconds = 1...600

    private enum Event: Sendable {
        case state(StateChange)
        case ping
    }

    func handle(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = request.uri.queryParameters
        let types = PushTypes(eventSourceTypes: query["types"].map(String.init) ?? "*")
        let closeAfterState: Bool
        switch query["closeafter"].map(String.init) ?? "no" {
        case "state": closeAfterState = true
        case "no": closeAfterState = false
        default: throw ProblemError(status: .badRequest, detail: "closeafter must be `state` or `no` (RFC 8620 §7.3).")
        }
        guard let requestedPing = UInt(query["ping"].map(String.init) ?? "0") else {
            throw ProblemError(status: .badRequest, detail: "ping must be a number of seconds (RFC 8620 §7.3).")
        }
        let ping = requestedPing == 0 ? 0 : Int(requestedPing).clamped(to: Self.pingSeconds)
        let accountIds = user.accounts.keys.sorted()
        // The account is polled in the background while the channel is open (see SyncCoordinator).
        let synchronizer = try await coordinator.synchronizer(for: user)
        // One stream per connection, fed by the hub and the ping timer and ended by the client leaving:
        // an idle connection is this stream, its channel entry and the suspended response task.
        let (events, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let hub = self.hub
        let channel = hub.open(
            accountIds: accountIds, types: types, transport: .eventSource,
            deliver: { continuation.yield(.state($0)) },
            finish: { continuation.finish() })
        // Opened before the states are read, so no change falls between them.
        continuation.onTermination = { _ in hub.close(channel) }
        let statesAtConnect = try await hub.currentStates(of: accountIds)
        let lastEventId = request.headers.first { $0.name.canonicalName == "last-event-id" }?.value
        let disconnect = await context.channel.clientDisconnect()

        let body = ResponseBody { writer in
            var states = statesAtConnect
            synchronizer.pushChannelOpened()
            defer { synchronizer.pushChannelClosed() }
            let gone = disconnect?.onDisconnect { continuation.finish() }
            defer { disconnect?.cancel(gone) }
            // A reconnecting client that missed changes gets the current states at once (§7.3).
            if let lastEventId, lastEventId != PushHub.pushState(states) {
                let everything = StateChange(changed: states.mapValues { $0.filter { types.contains($0.key) } })
                try await writer.write(Self.stateEvent(everything, id: PushHub.pushState(states)))
                if closeAfterState {
                    continuation.finish()
                    try await writer.finish(nil)
                    return
                }
            }
            let lastSent = LastEvent()
            func send() async throws {
                for await event in events {
                    switch event {
                    case .state(let change):
                        for (accountId, changed) in change.changed {
                            states[accountId, default: [:]].merge(changed) { _, new in new }
                        }
                        try await writer.write(Self.stateEvent(change, id: PushHub.pushState(states)))
                    case .ping:
                        try await writer.write(ByteBuffer(string: "event: ping\ndata: {\"interval\":\(ping)}\n\n"))
                    }
                    lastSent.time = .now
                    if closeAfterState, case .state = event { break }
                }
                continuation.finish()
            }
            if ping > 0 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // A ping whenever `ping` seconds passed since the last event of any kind.
                    group.addTask {
                        while !Task.isCancelled {
                            try await Task.sleep(until: lastSent.time + .seconds(ping))
                            // Stamped here, not when written, so the next wait starts from this ping.
                            if lastSent.time + .seconds(ping) <= .now {
                                lastSent.time = .now
                                continuation.yield(.ping)
                            }
                        }
                    }
                    try await send()
                    group.cancelAll()
                }
            } else {
                try await send()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"],
            body: body)
    }

    static func stateEvent(_ change: StateChange, id: String) -> ByteBuffer {
        let data = (try? JSONCoding.encode(change.json)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ByteBuffer(string: "event: state\nid: \(id)\ndata: \(data)\n\n")
    }
}

/// When the last event went out, shared between the writer and the ping timer.
private final class LastEvent: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    var time: ContinuousClock.Instant {
        get { instant.withLock { $0 } }
        set { instant.withLock { $0 = newValue } }
    }
}

extension Comparable {
    fileprivate func clamped(to range: ClosedRange<Self>) -> Self {
        min(max(self, range.lowerBound), range.upperBound)
    }
}

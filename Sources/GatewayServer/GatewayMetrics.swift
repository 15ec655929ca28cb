import Hummingbird
import Prometheus

/// What an operator watches: open push channels and push deliveries, in the Prometheus text format at
/// `[server] metrics_path`. One registry per application, so gateways in one process (tests) each
/// count their own.
final class GatewayMetrics: Sendable {
    enum Transport: String, Sendable, CaseIterable {
        case eventSource = "eventsource"
        case webSocket = "websocket"
        case pushSubscription = "subscription"
    }

    let registry = PrometheusCollectorRegistry()

    func pushChannels(_ transport: Transport) -> Gauge {
        registry.makeGauge(
            name: "jmap_push_channels", labels: [("transport", transport.rawValue)],
            help: "Open push channels: event source connections, WebSockets with push enabled, verified subscriptions.")
    }

    func pushDeliveries(delivered: Bool) -> Counter {
        registry.makeCounter(
            name: "jmap_push_deliveries_total", labels: [("result", delivered ? "delivered" : "failed")],
            help: "Messages POSTed to PushSubscription urls, by whether the push service took them.")
    }

    init() {
        // Every series exists from the start, so a scrape shows zeros rather than nothing.
        for transport in Transport.allCases { _ = pushChannels(transport) }
        _ = pushDeliveries(delivered: true)
        _ = pushDeliveries(delivered: false)
    }

    func register(on router: Router<GatewayRequestContext>, path: String) {
        router.get(RouterPath(path)) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: .init(bytes: self.registry.emitToBuffer())))
        }
    }
}

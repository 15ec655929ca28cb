/// The gateway's version, reported by `jmap-gateway version`.
public enum GatewayVersion {
    public static let current = "0.1.0"
}

/// What a format's property type shares with a content line: a name and parameters. Both
/// formats look parameters up the same way, so the lookups are written once here.
public protocol ContentLineProperty {
    var name: String { get }
    var parameters: [ContentLine.Parameter] { get }
}

extension ContentLineProperty {
    /// The name in upper case, for comparisons (names are case-insensitive: RFC 5545 §2,
    /// RFC 6350 §3.3).
    public var upperName: String { name.uppercased() }

    /// All values of every parameter called `name` (case-insensitive), or `nil` if there is none.
    public func parameter(_ name: String) -> [String]? {
        parameters.values(named: name)
    }

    /// The first value of the parameter `name`.
    public func firstParameter(_ name: String) -> String? {
        parameter(name)?.first
    }
}

/// One content line of iCalendar (RFC 5545 §3.1) or vCard (RFC 6350 §3.3), the syntax both
/// formats share: `[group "."] name *(";" param) ":" value`.
///
/// The value is kept as written (escapes in place) because only the format knows the value type
/// and so which escapes apply; parameter values are kept unquoted and RFC 6868-decoded because
/// that decoding is the same for every parameter of both formats.
public struct ContentLine: Sendable, Hashable {
    /// One parameter: its name as written and its values (RFC 5545 §3.2, RFC 6350 §5).
    ///
    /// A parameter written without `=` (vCard 2.1 `TEL;HOME:`, vCalendar) has no values; a
    /// parameter written as `NAME=` has one empty value. Formats that give bare parameters a
    /// meaning can tell the two apart that way.
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var values: [String]

        public init(_ name: String, _ values: [String]) {
            self.name = name
            self.values = values
        }

        public init(_ name: String, _ value: String) {
            self.init(name, [value])
        }
    }

    /// The vCard group (RFC 6350 §3.3); iCalendar has none.
    public var group: String?
    public var name: String
    public var parameters: [Parameter]
    /// The raw value text, escapes still in place.
    public var value: String

    public init(group: String? = nil, name: String, parameters: [Parameter] = [], value: String) {
        self.group = group
        self.name = name
        self.parameters = parameters
        self.value = value
    }
}

/// A problem a parser recovered from. The object is still produced; this tells the caller what
/// was skipped or guessed, with the 1-based physical line number in the input.
public struct ContentLineDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

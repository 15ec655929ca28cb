import ContentLine
import Testing

/// RFC 5545 §3.3.11 / RFC 6350 §3.4 TEXT escaping and list splitting.
@Suite struct TextValueTests {
    @Test func escapesAndUnescapes() {
        let text = "a,b;c\\d\ne\r\nf\rg"
        let escaped = TextValue.escape(text)
        #expect(escaped == "a\\,b\\;c\\\\d\\ne\\nf\\ng")
        #expect(TextValue.unescape(escaped) == "a,b;c\\d\ne\nf\ng")
        #expect(TextValue.escape("a,b;c", semicolons: false, commas: false) == "a,b;c")
    }

    /// `\N` is a line break too; `\:` is tolerated by default; other escapes stay literal.
    @Test func unescapeIsLenient() {
        #expect(TextValue.unescape("a\\Nb\\:c\\xd\\") == "a\nb:c\\xd\\")
        #expect(TextValue.unescape("say \\\"hi\\\"", lenient: ":\"") == "say \"hi\"")
        #expect(TextValue.unescape("say \\\"hi\\\"") == "say \\\"hi\\\"")
    }

    /// Lists split at unescaped separators only; escapes stay for the caller to undo.
    @Test func splitsAtUnescapedSeparators() {
        #expect(TextValue.split("a\\,b,c,,d\\\\,e", at: ",") == ["a\\,b", "c", "", "d\\\\", "e"])
        #expect(TextValue.split("", at: ";") == [""])
    }

    @Test func lineBreaksBecomeEscapes() {
        #expect(TextValue.escapingLineBreaks("a\r\nb\nc\rd,e") == "a\\nb\\nc\\nd,e")
    }
}

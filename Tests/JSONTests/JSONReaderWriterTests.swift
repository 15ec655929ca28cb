import Foundation
import JSON
import TestSupport
import Testing

// MARK: Helpers

private func write(_ value: JSONValue) throws -> String {
    try JSONWriter.string(value)
}

private func parse(_ text: String) throws -> JSONValue {
    try JSONReader.parse(Data(text.utf8))
}

private func parseError(_ bytes: [UInt8]) -> JSONParseError? {
    do {
        _ = try JSONReader.parse(bytes)
        return nil
    } catch {
        return error
    }
}

private func parseError(_ text: String) -> JSONParseError? {
    parseError(Array(text.utf8))
}

/// What `value` reads back as after `JSONWriter`: an integral double written without `.` or
/// exponent (as `JSONEncoder` writes it) comes back as `.int`.
private func written(_ value: JSONValue) -> JSONValue {
    switch value {
    case .double(let double):
        var text = double.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text.contains(where: { ".eE".contains($0) }) ? value : .int(Int(double))
    case .array(let elements): return .array(elements.map(written))
    case .object(let object): return .object(object.mapValues(written))
    default: return value
    }
}

/// `value` with every integral double that fits `Int` made `.int`: how Foundation's `JSONDecoder`
/// (through `JSONValue`'s `Decodable` conformance, which tries `Int` before `Double`) reads numbers.
private func integralAsInt(_ value: JSONValue) -> JSONValue {
    switch value {
    case .double(let double) where double == double.rounded() && abs(double) < 9.2e18: return .int(Int(double))
    case .array(let elements): return .array(elements.map(integralAsInt))
    case .object(let object): return .object(object.mapValues(integralAsInt))
    default: return value
    }
}

private let interestingScalars: [Unicode.Scalar] = [
    "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\u{9}", "\u{A}", "\u{C}", "\u{D}", "\u{1F}", "\u{7F}", "\u{80}",
    "é", "\u{301}", "ß", "ж", "中", "\u{2028}", "\u{FEFF}", "\u{FFFD}", "\u{FFFF}", "😀", "👍", "\u{1F3FD}",
    "\u{10FFFF}", "\u{E000}", " ", "a", "Z", "0",
]

private func randomString(_ rng: inout SeededGenerator, maxLength: Int = 24) -> String {
    var string = ""
    for _ in 0..<Int.random(in: 0...maxLength, using: &rng) {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<5: string.unicodeScalars.append(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &rng)))
        case 5..<8: string.unicodeScalars.append(interestingScalars.randomElement(using: &rng)!)
        default:
            var scalar: Unicode.Scalar?
            while scalar == nil { scalar = Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &rng)) }
            string.unicodeScalars.append(scalar!)
        }
    }
    return string
}

private func randomDouble(_ rng: inout SeededGenerator) -> Double {
    switch Int.random(in: 0..<6, using: &rng) {
    case 0: return Double.random(in: -1000...1000, using: &rng)
    case 1: return Double(Int.random(in: -100_000...100_000, using: &rng))  // integral
    case 2: return Double.random(in: 0..<1, using: &rng) * pow(10, Double(Int.random(in: -300...300, using: &rng)))
    case 3:
        return [
            0.1, 1.5, -0.0, 1e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e22, 1e23, 9_007_199_254_740_992,
        ].randomElement(
            using: &rng)!
    default:
        var double = Double.nan
        while !double.isFinite { double = Double(bitPattern: rng.next()) }
        return double
    }
}

private func randomValue(_ rng: inout SeededGenerator, depth: Int = 0) -> JSONValue {
    let kind = Int.random(in: 0..<(depth >= 4 ? 6 : 9), using: &rng)
    switch kind {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &rng))
    case 2:
        return .int(
            [Int.random(in: -1000...1000, using: &rng), Int.random(in: .min ... .max, using: &rng), .max, .min, 0]
                .randomElement(using: &rng)!)
    case 3: return .double(randomDouble(&rng))
    case 4, 5: return .string(randomString(&rng))
    case 6: return .array((0..<Int.random(in: 0...6, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
    default:
        var object = JSONObject()
        for _ in 0..<Int.random(in: 0...6, using: &rng) {
            object[randomString(&rng, maxLength: 8)] = randomValue(&rng, depth: depth + 1)
        }
        return .object(object)
    }
}

// MARK: Writer

@Suite struct JSONWriterTests {
    @Test func scalars() throws {
        #expect(try write(.null) == "null")
        #expect(try write(true) == "true")
        #expect(try write(false) == "false")
        #expect(try write(0) == "0")
        #expect(try write(-7) == "-7")
        #expect(try write(.int(.max)) == "9223372036854775807")
        #expect(try write(.int(.min)) == "-9223372036854775808")
        #expect(try write(1.5) == "1.5")
        #expect(try write(2.0) == "2")
        #expect(try write(-0.0) == "-0")
        #expect(try write(1e300) == "1e+300")
        #expect(try write(0.1) == "0.1")
        #expect(try write(1e-7) == "1e-07")
        #expect(try write([]) == "[]")
        #expect(try write([:]) == "{}")
    }

    @Test func escapes() throws {
        #expect(try write("a/b") == #""a/b""#)
        #expect(try write("\"\\") == #""\"\\""#)
        #expect(try write("\u{8}\u{9}\u{A}\u{C}\u{D}") == #""\b\t\n\f\r""#)
        #expect(try write("\u{0}\u{1}\u{1F}\u{7F}") == "\"\\u0000\\u0001\\u001f\u{7F}\"")
        #expect(try write("é中😀\u{2028}") == "\"é中😀\u{2028}\"")
    }

    @Test func sortedKeys() throws {
        let object: JSONValue = [
            "b": 1, "B": 2, "a10": 3, "a9": 4, "a": 5, "é": 6, "e\u{301}x": 7, "😀": 8, "\u{E000}": 9,
        ]
        #expect(
            try write(object)
                == "{\"B\":2,\"a\":5,\"a10\":3,\"a9\":4,\"b\":1,\"e\u{301}x\":7,\"\u{E9}\":6,\"\u{E000}\":9,\"😀\":8}")
        #expect(try write(["z": ["y": 1, "x": [2, ["d": 1, "c": 2]]]]) == #"{"z":{"x":[2,{"c":2,"d":1}],"y":1}}"#)
    }

    @Test func nonFiniteThrows() {
        #expect(throws: JSONWriteError(.nonFiniteNumber(.infinity))) { try write(.double(.infinity)) }
        #expect(throws: JSONWriteError.self) { try write([.double(.nan)]) }
        #expect(throws: JSONWriteError.self) { try JSONCoding.encode(JSONValue.double(-.infinity)) }
    }

    @Test func depthLimit() throws {
        var value: JSONValue = 1
        for _ in 0..<JSONWriter.maximumDepth { value = [value] }
        #expect(try JSONReader.parse(JSONWriter.bytes(value)) == value)
        #expect(throws: JSONWriteError(.tooDeeplyNested)) { try write([value]) }
    }

    @Test func sameBytesAsJSONEncoder() throws {
        var rng = SeededGenerator(seed: 0x5EED)
        let encoder = JSONCoding.makeEncoder()
        for _ in 0..<300 {
            let value = randomValue(&rng)
            let ours = try JSONWriter.bytes(value)
            let foundation = try encoder.encode(value)
            #expect(ours == Array(foundation), "\(value)")
        }
    }
}

// MARK: Reader

@Suite struct JSONReaderTests {
    @Test func scalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse(" true ") == true)
        #expect(try parse("\t\r\nfalse\n") == false)
        #expect(try parse(#""a""#) == "a")
        #expect(try parse("[]") == [])
        #expect(try parse("{}") == [:])
        #expect(try parse("\u{FEFF}[1]") == [1])
    }

    @Test func numbers() throws {
        #expect(try parse("0") == .int(0))
        #expect(try parse("-0") == .int(0))
        #expect(try parse("9223372036854775807") == .int(.max))
        #expect(try parse("-9223372036854775808") == .int(.min))
        #expect(try parse("9223372036854775808") == .double(9223372036854775808))
        #expect(try parse("-9223372036854775809") == .double(-9_223_372_036_854_775_808))
        #expect(try parse("123456789012345678901234567890") == .double(1.2345678901234568e29))
        #expect(try parse("1.5") == .double(1.5))
        #expect(try parse("-1.5e-3") == .double(-0.0015))
        #expect(try parse("1.0") == .double(1))
        #expect(try parse("1e2") == .double(100))
        #expect(try parse("1E+2") == .double(100))
        #expect(try parse("1e300") == .double(1e300))
        #expect(try parse("1e-400") == .double(0))
        #expect(try parse("0.1") == .double(0.1))
        #expect(try parse("0.30000000000000004") == .double(0.30000000000000004))
        #expect(try parse("2.2250738585072014e-308") == .double(2.2250738585072014e-308))
        #expect(try parse("4.9406564584124654e-324") == .double(.leastNonzeroMagnitude))
        #expect(try parse("1.7976931348623157e308") == .double(.greatestFiniteMagnitude))
        #expect(try parse("9007199254740993") == .int(9_007_199_254_740_993))
        #expect(try parse("9007199254740993.0") == .double(9_007_199_254_740_992))
        #expect(try parse("0.000000000000000000000000000001") == .double(1e-30))
        if case .double(let negativeZero) = try parse("-0.0") {
            #expect(negativeZero == 0 && negativeZero.sign == .minus)
        } else {
            Issue.record("-0.0 is not a double")
        }
        #expect(parseError("1e400")?.reason == .numberOutOfRange)
        #expect(parseError("-1e400")?.reason == .numberOutOfRange)
    }

    @Test func doublesRoundTrip() throws {
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<2000 {
            let double = randomDouble(&rng)
            let value = JSONValue.double(double)
            let back = try JSONReader.parse(JSONWriter.bytes(value))
            #expect(back == written(value), "\(double)")
            #expect(back.doubleValue == double, "\(double)")
        }
    }

    @Test func strings() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == "\"\\/\u{8}\u{C}\u{A}\u{D}\u{9}")
        #expect(try parse(#""\u0041\u00e9\u4E2D\u0000""#) == "Aé中\u{0}")
        #expect(try parse(#""\ud83d\ude00 \uD83D\uDC4D""#) == "😀 👍")
        #expect(try parse(#""a\u0301""#) == .string("a\u{301}"))
        #expect(try parse("\"é中😀\u{10FFFF}\"") == "é中😀\u{10FFFF}")
        #expect(try parse("\"é\\n😀\"") == "é\n😀")
        #expect(try parse(#""http:\/\/x/y""#) == "http://x/y")
    }

    @Test func objects() throws {
        #expect(try parse(#"{"a":1,"b":[true,null],"c":{"d":"e"}}"#) == ["a": 1, "b": [true, nil], "c": ["d": "e"]])
        #expect(try parse(#" { "a" : 1 , "a" : 2 } "#) == ["a": 2])
        #expect(try parse(#"[ 1 , [ ] , { } ]"#) == [1, [], [:]])
    }

    @Test func depthLimit() throws {
        let limit = JSONReader.maximumDepth
        #expect(try parse(String(repeating: "[", count: limit) + String(repeating: "]", count: limit)) != .null)
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(parseError(tooDeep) == JSONParseError(.tooDeeplyNested, offset: limit))
        #expect(parseError(String(repeating: "{\"a\":", count: limit + 1))?.reason == .tooDeeplyNested)
        // Far deeper than any stack could recurse: still only an error.
        #expect(parseError(String(repeating: "[", count: 1_000_000))?.reason == .tooDeeplyNested)
    }

    @Test(arguments: [
        ("", JSONParseError.Reason.unexpectedEndOfInput, 0),
        ("   ", .unexpectedEndOfInput, 3),
        ("[1,]", .unexpectedCharacter(UInt8(ascii: "]")), 3),
        (#"{"a":1,}"#, .unexpectedCharacter(UInt8(ascii: "}")), 7),
        ("[1 2]", .unexpectedCharacter(UInt8(ascii: "2")), 3),
        ("[1", .unexpectedEndOfInput, 2),
        (#"{"a" 1}"#, .unexpectedCharacter(UInt8(ascii: "1")), 5),
        ("{a:1}", .unexpectedCharacter(UInt8(ascii: "a")), 1),
        (#""abc"#, .unexpectedEndOfInput, 4),
        (#"["abc]"#, .unexpectedEndOfInput, 6),
        (#""a\x""#, .invalidEscape, 2),
        (#""a\"#, .unexpectedEndOfInput, 3),
        (#""\u12G4""#, .invalidUnicodeEscape, 1),
        (#""\u12""#, .invalidUnicodeEscape, 1),
        (#""\ud800""#, .unpairedSurrogate, 1),
        (#""\ud800\u0041""#, .unpairedSurrogate, 1),
        (#""x\udc00""#, .unpairedSurrogate, 2),
        ("\"a\u{1}\"", .controlCharacterInString(1), 2),
        ("\"a\nb\"", .controlCharacterInString(0x0A), 2),
        ("01", .invalidNumber, 0),
        ("-01", .invalidNumber, 0),
        ("-", .invalidNumber, 0),
        ("[-]", .invalidNumber, 1),
        ("- 1", .invalidNumber, 0),
        ("1.", .invalidNumber, 0),
        ("1.e5", .invalidNumber, 0),
        ("1e", .invalidNumber, 0),
        ("1e+", .invalidNumber, 0),
        (".5", .unexpectedCharacter(UInt8(ascii: ".")), 0),
        ("+1", .unexpectedCharacter(UInt8(ascii: "+")), 0),
        ("NaN", .unexpectedCharacter(UInt8(ascii: "N")), 0),
        ("Infinity", .unexpectedCharacter(UInt8(ascii: "I")), 0),
        ("tru", .unexpectedEndOfInput, 3),
        ("nul1", .unexpectedCharacter(UInt8(ascii: "1")), 3),
        ("True", .unexpectedCharacter(UInt8(ascii: "T")), 0),
        ("1 2", .trailingData, 2),
        ("{} x", .trailingData, 3),
        ("[]]", .trailingData, 2),
        ("'a'", .unexpectedCharacter(UInt8(ascii: "'")), 0),
        ("[1,,2]", .unexpectedCharacter(UInt8(ascii: ",")), 3),
        ("\u{00A0}1", .unexpectedCharacter(0xC2), 0),
    ])
    func malformed(text: String, reason: JSONParseError.Reason, offset: Int) {
        #expect(parseError(text) == JSONParseError(reason, offset: offset))
    }

    @Test(
        arguments: [
            ([0x22, 0xFF, 0x22], 1),  // never valid in UTF-8
            ([0x22, 0x61, 0xC3, 0x22], 2),  // truncated sequence
            ([0x22, 0xC0, 0xAF, 0x22], 1),  // overlong "/"
            ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1),  // overlong
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),  // UTF-8-encoded surrogate
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),  // beyond U+10FFFF
            ([0x22, 0x80, 0x22], 1),  // lone continuation byte
            ([0x22, 0x5C, 0x6E, 0xC3, 0x28, 0x22], 3),  // after an escape
            ([0x22, 0xC3, 0xA9, 0x5C, 0x6E, 0xFE, 0x22], 5),  // after valid UTF-8 and an escape
            ([0x5B, 0xFF, 0x5D], 1),  // outside a string
            ([0x7B, 0x22, 0x61, 0xFF, 0x22, 0x3A, 0x31, 0x7D], 3),  // in a key
        ] as [([UInt8], Int)])
    func invalidUTF8(bytes: [UInt8], offset: Int) {
        let error = parseError(bytes)
        #expect(error?.offset == offset)
        #expect(error?.reason == .invalidUTF8 || error?.reason == .unexpectedCharacter(bytes[offset]))
    }

    @Test func randomRoundTripsAndFoundationAgrees() throws {
        var rng = SeededGenerator(seed: 20_250_101)
        let decoder = JSONDecoder()
        for _ in 0..<400 {
            let value = randomValue(&rng)
            let bytes = try JSONWriter.bytes(value)
            // Ours reads back what it wrote.
            #expect(try JSONReader.parse(bytes) == written(value), "\(value)")
            // Foundation reads our output as the same value (it reads integral numbers as Int).
            let foundation = try decoder.decode(JSONValue.self, from: Data(bytes))
            #expect(integralAsInt(foundation) == integralAsInt(value), "\(value)")
            // And we read Foundation's output too.
            let foundationBytes = try JSONCoding.makeEncoder().encode(value)
            #expect(try JSONReader.parse(foundationBytes) == written(value), "\(value)")
        }
    }

    @Test func prettyPrintedFoundationOutput() throws {
        var rng = SeededGenerator(seed: 7)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        for _ in 0..<100 {
            let value = randomValue(&rng)
            #expect(try JSONReader.parse(encoder.encode(value)) == written(value))
        }
    }

    @Test func errorDescription() {
        #expect(parseError("[1,]")?.description == "Unexpected character ']' at byte offset 3.")
    }
}

// MARK: JSONCoding

@Suite struct JSONCodingTests {
    let card: JSONValue = [
        "@type": "Card", "version": "1.0", "uid": "urn:uuid:1/2",
        "name": ["full": "Zoë 😀 \"Q\" Müller", "components": [["kind": "given", "value": "Zoë"]]],
        "emails": ["e1": ["address": "zoe@example.com", "pref": 1]], "score": 1.5, "photo": nil, "vip": true,
    ]

    @Test func valueAndObjectOverloads() throws {
        let data = try JSONCoding.encode(card)
        #expect(data == (try JSONCoding.makeEncoder().encode(card)))
        #expect(try JSONCoding.decode(JSONValue.self, from: data) == card)
        let object = try JSONCoding.decode(JSONObject.self, from: data)
        #expect(JSONValue.object(object) == card)
        #expect(try JSONCoding.encode(object) == data)
    }

    @Test func genericEntryPointsUseTheFastPath() throws {
        func encodeGeneric<T: Encodable>(_ value: T) throws -> Data { try JSONCoding.encode(value) }
        func decodeGeneric<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
            try JSONCoding.decode(type, from: data)
        }
        let data = try encodeGeneric(card)
        #expect(try encodeGeneric(card.objectValue!) == data)
        #expect(try decodeGeneric(JSONValue.self, data) == card)
        #expect(try decodeGeneric(JSONObject.self, data) == card.objectValue!)
        // Our errors, not Foundation's: proof the reader was used.
        #expect(throws: JSONParseError.self) { try decodeGeneric(JSONValue.self, Data("[1,]".utf8)) }
        #expect(throws: JSONWriteError.self) { try encodeGeneric(JSONValue.double(.nan)) }
    }

    @Test func objectMustBeTopLevel() {
        #expect(throws: JSONParseError(.expectedObject, offset: 2)) {
            try JSONCoding.decode(JSONObject.self, from: Data("  [1]".utf8))
        }
        #expect(throws: JSONParseError.self) { try JSONCoding.decode(JSONObject.self, from: Data("null".utf8)) }
    }

    @Test func otherTypesStillUseFoundation() throws {
        struct Wrapper: Codable, Equatable {
            var name: String
            var payload: JSONValue
            var list: [JSONValue]
        }
        let wrapper = Wrapper(name: "a/b", payload: card, list: [1, 2.5, "x", nil, [:]])
        let data = try JSONCoding.encode(wrapper)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix(#"{"list":[1,2.5,"x",null,{}],"name":"a/b","payload":{"#))
        #expect(try JSONCoding.decode(Wrapper.self, from: data) == wrapper)
        // JSONValue's own Codable conformance and the writer agree.
        let payload = try JSONCoding.decode(JSONObject.self, from: data)["payload"]
        #expect(payload == card)
    }
}

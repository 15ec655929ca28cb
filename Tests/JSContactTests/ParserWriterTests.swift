import Foundation
import JSON
import TestSupport
import Testing

@testable import JSContact

@Suite struct ParserWriterTests {
    @Test func foldsAt75OctetsWithoutSplittingUTF8() {
        let value = String(repeating: "é", count: 50) + String(repeating: "😀", count: 20) + "end"
        let property = VCardProperty(name: "NOTE", value: value)
        let folded = VCardWriter.serialize(property)
        // Split the bytes, not the String: every physical line must be valid UTF-8 on its own.
        var lines: [[UInt8]] = [[]]
        let bytes = Array(folded.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 13, index + 1 < bytes.count, bytes[index + 1] == 10 {
                lines.append([])
                index += 2
            } else {
                lines[lines.count - 1].append(bytes[index])
                index += 1
            }
        }
        #expect(lines.count > 2)
        for (number, line) in lines.enumerated() {
            #expect(line.count <= 75)
            if number > 0 { #expect(line.first == 32) }
            #expect(String(bytes: line, encoding: .utf8) != nil)
        }
        let reparsed = VCardParser.parse("BEGIN:VCARD\r\n" + folded + "\r\nEND:VCARD\r\n")
        #expect(reparsed.cards.first?.properties.first?.text == value)
    }

    @Test func unfoldsCRLFLFAndTabContinuations() {
        let text = "BEGIN:VCARD\nVERSION:4.0\nNOTE:one\n  two\n\tthree\r\nFN:X\rEND:VCARD"
        let result = VCardParser.parse(text)
        #expect(result.diagnostics.isEmpty)
        #expect(result.cards.first?.properties.map(\.name) == ["VERSION", "NOTE", "FN"])
        #expect(result.cards.first?.properties[1].text == "one twothree")
    }

    @Test func groupsParametersQuotesAndRFC6868() {
        let text = """
            BEGIN:VCARD
            VERSION:4.0
            item1.ADR;TYPE="home,work";LABEL="1 Main St^nTown ^'Old^' ^^ x";GEO="geo:1,2":;;1 Main St;Town;;;
            END:VCARD
            """
        let property = VCardParser.parse(text).cards.first?.properties[1]
        #expect(property?.group == "item1")
        #expect(property?.types == ["home", "work"])
        #expect(property?.firstParameter("LABEL") == "1 Main St\nTown \"Old\" ^ x")
        #expect(property?.firstParameter("geo") == "geo:1,2")
        #expect(property?.components == [[], [], ["1 Main St"], ["Town"], [], [], []])
        // Written back with RFC 6868 encoding and quotes where needed.
        var copy = property ?? VCardProperty(name: "X", value: "")
        copy.group = "item1"  // any change drops the source text, so the writer formats it
        #expect(
            VCardWriter.serialize(copy).replacingOccurrences(of: "\r\n ", with: "")
                == "item1.ADR;TYPE=\"home,work\";LABEL=1 Main St^nTown ^'Old^' ^ x;GEO=\"geo:1,2\":;;1 Main St;Town;;;")
    }

    @Test func escapedTextAndStructuredValues() {
        let property = VCardProperty(name: "N", value: #"Doe\, Jr;Jane\;Mary;A,B\,C;;"#)
        #expect(property.components == [["Doe, Jr"], ["Jane;Mary"], ["A", "B,C"], [], []])
        let note = VCardProperty(name: "NOTE", value: #"a\nb\\n\,c\;d\N"#)
        #expect(note.text == "a\nb\\n,c;d\n")
        #expect(VCardValueCoding.escape("a\nb\\c,d;e") == #"a\nb\\c\,d\;e"#)
    }

    @Test func vCard21QuotedPrintableBareTypesAndCharset() {
        let text = [
            "BEGIN:VCARD",
            "VERSION:2.1",
            "TEL;HOME;VOICE:+1 555",
            "LABEL;WORK;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:M=C3=BCller=0D=0AStra=",
            "=C3=9Fe 1",
            "NOTE;QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Gr=FC=DFe",
            "PHOTO;ENCODING=BASE64;TYPE=GIF:R0lGODlh",
            "AQABAAAAACw=",
            "",
            "END:VCARD",
        ].joined(separator: "\r\n")
        let result = VCardParser.parse(text)
        #expect(result.diagnostics.isEmpty)
        let properties = result.cards.first?.properties ?? []
        #expect(properties[1].parameters == [VCardParameter("TYPE", "HOME"), VCardParameter("TYPE", "VOICE")])
        #expect(properties[2].text == "Müller\nStraße 1")
        #expect(properties[3].parameters.first == VCardParameter("ENCODING", "QUOTED-PRINTABLE"))
        #expect(properties[3].text == "Grüße")
        #expect(properties[4].isInlineBinary)
        #expect(VCardValueCoding.decodeBase64(properties[4].value)?.count == 14)
        // Converted: bare types become contexts and features; the photo a data: URI.
        let card = JSContactConverter.card(from: result.cards[0])
        #expect(
            card["phones"]?.objectValue?.values.first == [
                "number": "+1 555", "contexts": ["private": true], "features": ["voice": true],
            ])
        #expect(
            card["media"]?.objectValue?.values.first?.objectValue?["uri"]
                == "data:image/gif;base64,R0lGODlhAQABAAAAACw=")
        // Written as 2.1 again: non-ASCII text goes QUOTED-PRINTABLE, base64 ends with an empty line.
        let written = VCardWriter.serialize(JSContactConverter.vCard(from: card, version: .v2_1))
        #expect(written.contains("NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Gr=C3=BC=C3=9Fe\r\n"))
        #expect(written.contains("PHOTO;TYPE=GIF;ENCODING=BASE64:R0lGODlhAQABAAAAACw=\r\n\r\n"))
    }

    @Test func version3WritesTypePrefAndEncodingB() {
        let card: JSONObject = [
            "@type": "Card", "version": "1.0", "uid": "u1", "name": ["full": "A"],
            "emails": ["e1": ["address": "a@example.com", "pref": 1, "contexts": ["work": true]]],
            "media": ["m1": ["kind": "photo", "uri": "data:image/png;base64,iVBORw0KGgo=", "mediaType": "image/png"]],
            "anniversaries": ["b": ["kind": "birth", "date": ["month": 4, "day": 15]]],
        ]
        let written = VCardWriter.serialize(JSContactConverter.vCard(from: card, version: .v3_0))
        #expect(written.contains("VERSION:3.0\r\n"))
        #expect(written.contains("EMAIL;TYPE=WORK,PREF:a@example.com\r\n"))
        #expect(written.contains("PHOTO;TYPE=PNG;ENCODING=b:iVBORw0KGgo=\r\n"))
        #expect(written.contains("BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15\r\n"))
        #expect(!written.contains("PROP-ID"))
        let back = JSContactConverter.card(from: VCardParser.parse(written).cards[0])
        // 3.0 has no PROP-ID: the entries come back under generated keys.
        for map in ["emails", "media", "anniversaries"] {
            #expect(CorpusCaseTests.matches(card[map] ?? .null, back[map] ?? .null, key: map))
        }
        // 4.0: PREF=1, a year-less date as --MMDD.
        let written4 = VCardWriter.serialize(JSContactConverter.vCard(from: card, version: .v4_0))
        #expect(written4.contains("EMAIL;TYPE=work;PREF=1;PROP-ID=e1:a@example.com\r\n"))
        #expect(written4.contains("BDAY;PROP-ID=b:--0415\r\n"))
    }

    @Test func garbageLinesGiveDiagnosticsNotFailures() {
        let text = [
            "junk before", "BEGIN:VCARD", "VERSION:3.0", "this line has no colon", ";;;", "FN:Still here",
            "ADR;TYPE=\"unterminated:;;x", " orphan?", "END:VCARD", "END:VCARD", "BEGIN:VCARD", "FN:No end",
        ].joined(separator: "\n")
        let result = VCardParser.parse(text)
        #expect(result.cards.count == 2)
        #expect(result.cards[0].properties.contains { $0.name == "FN" && $0.text == "Still here" })
        // Line 7: the unterminated quote, then the missing ':'.
        #expect(result.diagnostics.map(\.line) == [1, 4, 5, 7, 7, 10, 12])
    }

    @Test func severalCardsInOneFile() {
        let text = "BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:B\r\nEND:VCARD\r\n"
        let result = VCardParser.parse(text)
        #expect(result.cards.map { $0.properties.first?.text } == ["A", "B"])
        #expect(VCardWriter.serialize(result.cards) == text)
    }

    @Test func dateValues() {
        #expect(
            VCardDateValue.parse("19531015T231000Z")
                == .timestamp(UTCTimestamp(year: 1953, month: 10, day: 15, hour: 23, minute: 10, second: 0)))
        #expect(
            VCardDateValue.parse("2009-08-08T14:30:00-05:00")
                == .timestamp(UTCTimestamp(year: 2009, month: 8, day: 8, hour: 19, minute: 30, second: 0)))
        #expect(
            VCardDateValue.parse("20001231T230000-0200")
                == .timestamp(UTCTimestamp(year: 2001, month: 1, day: 1, hour: 1, minute: 0, second: 0)))
        #expect(VCardDateValue.parse("--0415") == .partialDate(year: nil, month: 4, day: 15))
        #expect(VCardDateValue.parse("--04-15") == .partialDate(year: nil, month: 4, day: 15))
        #expect(VCardDateValue.parse("1985-04") == .partialDate(year: 1985, month: 4, day: nil))
        #expect(VCardDateValue.parse("1985") == .partialDate(year: 1985, month: nil, day: nil))
        #expect(VCardDateValue.parse("19850412") == .partialDate(year: 1985, month: 4, day: 12))
        // Not convertible (RFC 9555 §2.2.2): month or day alone, floating date-times, junk.
        #expect(VCardDateValue.parse("--04") == nil)
        #expect(VCardDateValue.parse("---15") == nil)
        #expect(VCardDateValue.parse("1970-07-15T03:45:12") == nil)
        #expect(VCardDateValue.parse("70-7-14") == nil)
        #expect(VCardDateValue.parse("20230230") == nil)
        #expect(UTCTimestamp(utcDateTime: "2022-09-30T14:35:10Z")?.vCard4 == "20220930T143510Z")
        #expect(UTCTimestamp(utcDateTime: "2022-09-30T14:35:10+01:00") == nil)
    }

    /// Random bytes, random cuts of real files and mutated lines: never a crash, always output
    /// that parses again.
    @Test func fuzzNeverCrashes() throws {
        var generator = SeededGenerator(seed: 42)
        var samples: [String] = []
        if let corpus = corpusDirectory() {
            let directory = corpus.appendingPathComponent("calcard/resources/vcard")
            for file in (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.sorted() ?? []
            where file.hasSuffix(".vcf") {
                if let data = try? Data(contentsOf: directory.appendingPathComponent(file)) {
                    samples.append(String(decoding: data, as: UTF8.self))
                }
            }
        }
        let alphabet = Array("BEGIN:VCARD\r\nEND;=,\"\\^:.;TYPE=QUOTED-PRINTABLE=0D=\n \tN:ADR:é😀\u{0}\u{FEFF}")
        for round in 0..<400 {
            var text: String
            if round % 2 == 0, !samples.isEmpty {
                let sample = Array(samples[Int(generator.next() % UInt64(samples.count))])
                var chars = sample
                for _ in 0..<8 where !chars.isEmpty {
                    let position = Int(generator.next() % UInt64(chars.count))
                    chars[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                }
                let cut = chars.isEmpty ? 0 : Int(generator.next() % UInt64(chars.count))
                text = String(chars[..<cut])
            } else {
                text = String((0..<200).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            }
            let parsed = VCardParser.parse(text)
            for card in parsed.cards {
                let json = JSContactConverter.card(from: card)
                _ = JSContactValidation.validate(json)
                let written = VCardWriter.serialize(JSContactConverter.vCard(from: json, version: card.version))
                #expect(VCardParser.parse(written).cards.count == 1)
                _ = JSContactConverter.updatedVCard(stored: card, newCard: json)
                var changed = json
                changed["notes"] = ["n": ["note": "fuzz"]]
                _ = VCardWriter.serialize(JSContactConverter.updatedVCard(stored: card, newCard: changed))
            }
        }
    }
}

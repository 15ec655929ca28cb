import Foundation
import JMAPCore
import Testing

/// The collations of /query sorts (RFC 8620 §5.5, RFC 4790, RFC 5051).
@Suite struct CollationTests {
    @Test(arguments: [
        (Collation.octet, "B", "a", ComparisonResult.orderedAscending),
        (.octet, "a", "a", .orderedSame),
        (.octet, "ab", "a", .orderedDescending),
        (.asciiCasemap, "a", "B", .orderedAscending),
        (.asciiCasemap, "HeLLo", "hello", .orderedSame),
        (.asciiCasemap, "é", "É", .orderedDescending),
        (.asciiNumeric, "9", "10", .orderedAscending),
        (.asciiNumeric, "007", "7", .orderedSame),
        (.asciiNumeric, "12abc", "12xyz", .orderedSame),
        (.asciiNumeric, "99999999999999999999999", "abc", .orderedAscending),
        (.asciiNumeric, "abc", "xyz", .orderedSame),
        (.unicodeCasemap, "éclair", "ÉCLAIR", .orderedSame),
        (.unicodeCasemap, "Éclair", "Eclairs", .orderedDescending),
        (.unicodeCasemap, "apple", "Banana", .orderedAscending),
        // Compatibility decomposition: the Angstrom sign is Å, a circled one is 1.
        (.unicodeCasemap, "\u{212B}", "å", .orderedSame),
        (.unicodeCasemap, "①", "1", .orderedSame),
    ])
    func compares(collation: Collation, lhs: String, rhs: String, expected: ComparisonResult) {
        #expect(collation.compare(lhs, rhs) == expected)
    }

    @Test func advertisedCollationsAreTheImplementedOnes_2() {
        #expect(CoreLimits.collationAlgorithms == Collation.allCases.map(\.rawValue))
        #expect(CoreLimits().capabilityObject["collationAlgorithms"] == JSONValue(CoreLimits.collationAlgorithms))
        #expect(Collation.default == .unicodeCasemap)
    }

    @Test func comparatorOrdersValuesOfEveryType() {
        let ascending = Comparator(property: "p")
        #expect(ascending.compare(false, true) == .orderedAscending)
        #expect(ascending.compare(2, 10.5) == .orderedAscending)
        #expect(ascending.compare(nil, 0) == .orderedAscending)
        #expect(ascending.compare(5, "5") == .orderedAscending)
        #expect(Comparator(property: "p", isAscending: false).compare(2, 10) == .orderedDescending)
    }
}

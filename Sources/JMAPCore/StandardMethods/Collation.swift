import Foundation

/// The string collations /query sorts support (RFC 4790 registry names), advertised in the core
/// capability's `collationAlgorithms` (RFC 8620 §2, §5.5).
public enum Collation: String, Sendable, Hashable, CaseIterable {
    /// Octets, with ASCII letters compared case-insensitively.
    case asciiCasemap = "i;ascii-casemap"
    /// The leading digits as an unsigned number; no leading digit ranks as infinity (RFC 4790 §9.1).
    case asciiNumeric = "i;ascii-numeric"
    /// Plain UTF-8 octets.
    case octet = "i;octet"
    /// Titlecased, then NFKD-decomposed (RFC 5051): Unicode-aware and case-insensitive.
    case unicodeCasemap = "i;unicode-casemap"

    /// Used when a Comparator names none: §5.5 asks for one that is Unicode-aware and case-insensitive.
    public static let `default` = Collation.unicodeCasemap

    public func compare(_ lhs: String, _ rhs: String) -> ComparisonResult {
        switch self {
        case .octet:
            Self.compare(lhs.utf8, rhs.utf8)
        case .asciiCasemap:
            Self.compare(lhs.utf8.lazy.map(Self.asciiUppercased), rhs.utf8.lazy.map(Self.asciiUppercased))
        case .asciiNumeric:
            Self.compareNumbers(lhs, rhs)
        case .unicodeCasemap:
            Self.compare(Self.unicodeCasemapKey(lhs).utf8, Self.unicodeCasemapKey(rhs).utf8)
        }
    }

    /// Lexicographic comparison of octet strings.
    private static func compare(_ lhs: some Sequence<UInt8>, _ rhs: some Sequence<UInt8>) -> ComparisonResult {
        var left = lhs.makeIterator()
        var right = rhs.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return .orderedSame
            case (nil, _): return .orderedAscending
            case (_, nil): return .orderedDescending
            case (let a?, let b?) where a != b: return ComparisonResult(a, b)
            default: continue
            }
        }
    }

    private static func asciiUppercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 0x20 : byte
    }

    private static func compareNumbers(_ lhs: String, _ rhs: String) -> ComparisonResult {
        switch (leadingNumber(lhs), leadingNumber(rhs)) {
        case (nil, nil): .orderedSame
        case (nil, _): .orderedDescending
        case (_, nil): .orderedAscending
        case (let a?, let b?) where a.count != b.count: ComparisonResult(a.count, b.count)
        case (let a?, let b?): compare(a, b)
        }
    }

    /// The leading decimal digits without leading zeros, so that longer means larger; nil when the string
    /// does not start with a digit. Arbitrarily long numbers compare correctly.
    private static func leadingNumber(_ string: String) -> [UInt8]? {
        let digits = string.utf8.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard !digits.isEmpty else { return nil }
        return Array(digits.drop { $0 == UInt8(ascii: "0") })
    }

    /// What `unicodeCasemap` compares, octet by octet: a data type sorting many records computes it once
    /// per record instead of at every comparison. RFC 5051 takes each character's simple titlecase
    /// mapping, one character for one (a full mapping that expands, ß to Ss, leaves the character as it
    /// is), then NFKD. ASCII needs neither table: upper-casing is its titlecase and it has no decomposition.
    public static func unicodeCasemapKey(_ string: String) -> String {
        if string.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: string.utf8.map(asciiUppercased), as: UTF8.self)
        }
        var titlecased = String.UnicodeScalarView()
        for scalar in string.unicodeScalars {
            let mapping = scalar.properties.titlecaseMapping.unicodeScalars
            if mapping.count == 1 { titlecased.append(contentsOf: mapping) } else { titlecased.append(scalar) }
        }
        return String(titlecased).decomposedStringWithCompatibilityMapping
    }
}

extension ComparisonResult {
    /// How `lhs` orders against `rhs`.
    init<T: Comparable>(_ lhs: T, _ rhs: T) {
        self = lhs < rhs ? .orderedAscending : lhs > rhs ? .orderedDescending : .orderedSame
    }

    /// The opposite order, for descending sorts.
    var reversed: ComparisonResult {
        switch self {
        case .orderedAscending: .orderedDescending
        case .orderedDescending: .orderedAscending
        case .orderedSame: .orderedSame
        }
    }
}

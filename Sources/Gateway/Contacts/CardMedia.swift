import Foundation
import JMAPCore
import Store

/// Photos and logos held inline in a vCard as `data:` URIs (RFC 2397) are served as blobs (RFC 9610 §3):
/// the bytes go to the account's blob store, content-addressed, and the card names them by `blobId`
/// with their `mediaType`, so a client downloads a picture only when it shows it. On the way back a
/// `blobId` becomes a `data:` URI again; a picture the client left alone keeps its exact original URI,
/// so the vCard line is not rewritten.
struct CardMedia: Sendable {
    let blobs: BlobStore
    let accountId: String

    /// True when the card holds a picture inline: such a body may come back from the server changed.
    static func hasInlineData(_ card: JSONObject) -> Bool {
        card["media"]?.objectValue?.values.contains {
            $0.objectValue?["uri"]?.stringValue?.prefix(5).lowercased() == "data:"
        } ?? false
    }

    /// Media kinds that must hold an image (RFC 9610 §3.5 says so of photos; a logo is one too).
    static let imageKinds: Set<String> = ["photo", "logo"]

    /// `card` with every `data:` URI medium replaced by a `blobId`. A URI that does not decode, or a
    /// blob store that cannot be written, leaves the medium as it was.
    func externalized(_ card: JSONObject) -> JSONObject {
        guard case .object(var media)? = card["media"] else { return card }
        var card = card
        for (key, value) in media {
            guard case .object(var medium) = value, case .string(let uri)? = medium["uri"],
                let inline = DataURI(uri),
                let info = try? blobs.store(inline.data, type: inline.mediaType, accountId: accountId)
            else { continue }
            medium["uri"] = nil
            medium["blobId"] = .string(info.blobId)
            if medium["mediaType"] == nil { medium["mediaType"] = .string(inline.mediaType) }
            media[key] = .object(medium)
        }
        card["media"] = .object(media)
        return card
    }

    /// `card` with every `blobId` replaced by a `data:` URI. `original` is the stored card before
    /// `externalized`: a medium whose blob is unchanged gets its original URI back.
    func internalized(_ card: JSONObject, original: JSONObject = [:]) throws(SetError) -> JSONObject {
        guard case .object(var media)? = card["media"] else { return card }
        let originalMedia = original["media"]?.objectValue ?? [:]
        var card = card
        for (key, value) in media {
            guard case .object(var medium) = value, let blobValue = medium.removeValue(forKey: "blobId") else {
                continue
            }
            let path = "media/\(key)/blobId"
            guard case .string(let blobId) = blobValue, medium["uri"] == nil else {
                throw .invalidProperties([path], "A medium has either a blobId or a uri.")
            }
            let loaded: (Data, BlobInfo)?
            do { loaded = try blobs.load(blobId: blobId, accountId: accountId) } catch {
                throw .serverFail(error)
            }
            guard let (data, info) = loaded else { throw .invalidProperties([path], "No blob \(blobId).") }
            let kind = medium["kind"]?.stringValue ?? ""
            let sniffed = ImageType.sniff(data)
            if Self.imageKinds.contains(kind) && sniffed == nil {
                throw .invalidProperties([path], "A \(kind) must be an image (PNG, JPEG, GIF, WebP, BMP).")
            }
            let mediaType = sniffed ?? medium["mediaType"]?.stringValue ?? info.type
            let originalMedium = originalMedia[key]?.objectValue
            if case .string(let uri)? = originalMedium?["uri"], let inline = DataURI(uri), inline.data == data {
                medium["uri"] = .string(uri)
                // `externalized` added the URI's type; the stored card did not have it.
                if originalMedium?["mediaType"] == nil && medium["mediaType"] == .string(inline.mediaType) {
                    medium["mediaType"] = nil
                }
            } else {
                medium["uri"] = .string("data:\(mediaType);base64,\(data.base64EncodedString())")
                // The data: URI carries the type; a MEDIATYPE parameter would only repeat it.
                if medium["mediaType"] == .string(mediaType) { medium["mediaType"] = nil }
            }
            media[key] = .object(medium)
        }
        card["media"] = .object(media)
        return card
    }
}

/// A parsed `data:` URI (RFC 2397): `data:[<mediatype>][;base64],<data>`.
struct DataURI: Sendable, Hashable {
    var mediaType: String
    var data: Data

    init?(_ uri: String) {
        guard uri.prefix(5).lowercased() == "data:", let comma = uri.firstIndex(of: ",") else { return nil }
        let header = uri[uri.index(uri.startIndex, offsetBy: 5)..<comma]
        let payload = uri[uri.index(after: comma)...]
        var parameters = header.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        let isBase64 = parameters.last?.lowercased() == "base64"
        if isBase64 { parameters.removeLast() }
        let type = parameters.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        mediaType = type.isEmpty ? "text/plain" : type.lowercased()
        if isBase64 {
            let compact = payload.filter { !$0.isWhitespace }
            guard let decoded = Data(base64Encoded: String(compact), options: .ignoreUnknownCharacters) else {
                return nil
            }
            data = decoded
        } else {
            guard let decoded = String(payload).removingPercentEncoding else { return nil }
            data = Data(decoded.utf8)
        }
    }
}

/// Recognises the raster image formats cards carry by their signatures, so a photo is an image
/// whatever type the upload claimed.
enum ImageType {
    static func sniff(_ data: Data) -> String? {
        let bytes = [UInt8](data.prefix(12))
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return "image/webp" }
        if starts(Array("BM".utf8)) && bytes.count >= 6 { return "image/bmp" }
        return nil
    }
}

import Crypto
import Foundation

/// A stored blob's description.
public struct BlobInfo: Sendable, Hashable, Codable {
    public var blobId: String
    public var type: String
    public var size: Int
}

/// Uploaded blobs (RFC 8620 §6), one directory per account under the cache directory, so one
/// account can never name another's blob. Blob ids are content hashes: uploading the same bytes
/// twice stores them once. Files are written to a temporary name and renamed, so a reader never
/// sees half a blob.
public struct BlobStore: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public func store(_ data: Data, type: String, accountId: String) throws -> BlobInfo {
        let accountDirectory = try directory(for: accountId)
        try FileManager.default.createDirectory(at: accountDirectory, withIntermediateDirectories: true)
        let blobId = "B" + SHA256.hash(data: data).prefix(20).map { String(format: "%02x", $0) }.joined()
        let info = BlobInfo(blobId: blobId, type: type, size: data.count)
        let dataURL = accountDirectory.appending(path: blobId)
        if !FileManager.default.fileExists(atPath: dataURL.path) {
            try data.write(to: dataURL, options: .atomic)
        }
        try JSONEncoder().encode(info).write(to: accountDirectory.appending(path: blobId + ".json"), options: .atomic)
        return info
    }

    /// The blob's bytes and info, or nil when the account has no such blob.
    public func load(blobId: String, accountId: String) throws -> (Data, BlobInfo)? {
        guard Self.isSafeName(blobId) else { return nil }
        let accountDirectory = try directory(for: accountId)
        let dataURL = accountDirectory.appending(path: blobId)
        guard FileManager.default.fileExists(atPath: dataURL.path) else { return nil }
        let data = try Data(contentsOf: dataURL)
        let info =
            (try? JSONDecoder().decode(
                BlobInfo.self, from: Data(contentsOf: accountDirectory.appending(path: blobId + ".json"))))
            ?? BlobInfo(blobId: blobId, type: "application/octet-stream", size: data.count)
        return (data, info)
    }

    private func directory(for accountId: String) throws -> URL {
        guard Self.isSafeName(accountId) else { throw BlobStoreError.invalidAccountId }
        return directory.appending(path: accountId, directoryHint: .isDirectory)
    }

    /// Ids become file names: only the RFC 8620 Id alphabet, never `.` or `/`.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
            }
    }
}

public enum BlobStoreError: Error, Sendable {
    case invalidAccountId
}

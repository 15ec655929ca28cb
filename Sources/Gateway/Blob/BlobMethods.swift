import Crypto
import Foundation
import JMAPCore
import Store

/// Blob/upload, Blob/get and Blob/lookup (RFC 9404) over the account's blob store.
public struct BlobMethods: Sendable {
    public static let capability = "urn:ietf:params:jmap:blob"
    static let maxDataSources = 64
    static let digestAlgorithms = ["sha-256", "sha"]

    let store: BlobStore
    let limits: CoreLimits

    public init(store: BlobStore, limits: CoreLimits) {
        self.store = store
        self.limits = limits
    }

    /// The account-level capability object (RFC 9404 §3.1). No data type references blobs yet,
    /// so lookups support no type names.
    public var accountCapability: JSONObject {
        [
            "maxSizeBlobSet": .int(limits.maxSizeUpload),
            "maxDataSources": .int(Self.maxDataSources),
            "supportedTypeNames": [],
            "supportedDigestAlgorithms": JSONValue(Self.digestAlgorithms),
        ]
    }

    public func register(in registry: inout MethodRegistry<GatewayUser>) {
        registry.register(capability: Self.capability)
        registry.register(
            Method("Blob/upload", capability: Self.capability) { context, arguments in
                try upload(&context, arguments)
            })
        registry.register(
            Method("Blob/get", capability: Self.capability) { context, arguments in
                try get(context, arguments)
            })
        registry.register(
            Method("Blob/lookup", capability: Self.capability) { context, arguments in
                try lookup(context, arguments)
            })
    }

    // MARK: Blob/upload (§4.1)

    func upload(_ context: inout MethodContext<GatewayUser>, _ raw: JSONObject) throws -> JSONObject {
        var arguments = Arguments(raw)
        let accountId = try arguments.accountId()
        _ = try context.writableAccount(accountId, capability: Self.capability)
        let create = try arguments.object("create") ?? [:]
        try arguments.finish()
        if create.count > context.limits.maxObjectsInSet {
            throw MethodError.requestTooLarge("More than \(context.limits.maxObjectsInSet) blobs in one call.")
        }

        var created: JSONObject = [:]
        var notCreated: JSONObject = [:]
        for (creationId, value) in create.sorted(by: { $0.key < $1.key }) {
            do {
                let (data, type) = try assemble(value, accountId: accountId, context: context)
                let info = try store.store(data, type: type ?? "application/octet-stream", accountId: accountId)
                context.createdIds[creationId] = info.blobId
                created[creationId] = [
                    "id": .string(info.blobId), "type": JSONValue(type, JSONValue.string), "size": .int(info.size),
                ]
            } catch let error as SetError {
                notCreated[creationId] = error.json
            }
        }
        return [
            "accountId": .string(accountId),
            "created": created.isEmpty ? .null : .object(created),
            "notCreated": notCreated.isEmpty ? .null : .object(notCreated),
        ]
    }

    /// Concatenates an UploadObject's data sources; any bad source rejects the whole creation.
    private func assemble(
        _ value: JSONValue, accountId: String, context: MethodContext<GatewayUser>
    ) throws(SetError) -> (Data, String?) {
        guard case .object(let upload) = value, case .array(let sources)? = upload["data"] else {
            throw .invalidProperties(["data"], "An UploadObject needs a `data` array.")
        }
        let type: String?
        switch upload["type"] {
        case nil, .null?: type = nil
        case .string(let string)?: type = string
        default: throw .invalidProperties(["type"])
        }
        if let unknown = upload.keys.first(where: { $0 != "data" && $0 != "type" }) {
            throw .invalidProperties([unknown])
        }
        guard sources.count <= Self.maxDataSources else {
            throw .tooLarge("More than \(Self.maxDataSources) data sources.")
        }
        var data = Data()
        for (index, source) in sources.enumerated() {
            data.append(try bytes(of: source, path: "data/\(index)", accountId: accountId, context: context))
            guard data.count <= limits.maxSizeUpload else { throw .tooLarge("The blob exceeds maxSizeBlobSet.") }
        }
        return (data, type)
    }

    private func bytes(
        of source: JSONValue, path: String, accountId: String, context: MethodContext<GatewayUser>
    ) throws(SetError) -> Data {
        guard case .object(let object) = source else { throw .invalidProperties([path]) }
        if let text = object["data:asText"], object.count == 1 {
            guard case .string(let string) = text else { throw .invalidProperties([path + "/data:asText"]) }
            return Data(string.utf8)
        }
        if let base64 = object["data:asBase64"], object.count == 1 {
            guard case .string(let string) = base64, let data = Data(base64Encoded: string) else {
                throw .invalidProperties([path + "/data:asBase64"])
            }
            return data
        }
        guard case .string(let reference)? = object["blobId"],
            Set(object.keys).isSubset(of: ["blobId", "offset", "length"]),
            let blobId = context.resolve(id: reference),
            let (blob, _) = try? store.load(blobId: blobId, accountId: accountId)
        else {
            throw .invalidProperties([path], "Unknown data source or blob.")
        }
        let offset = object["offset"]?.intValue ?? 0
        let length = object["length"]?.intValue ?? (blob.count - offset)
        guard offset >= 0, length >= 0, offset + length <= blob.count else {
            throw .invalidProperties([path], "The range lies outside the blob.")
        }
        return blob.subdata(in: offset..<(offset + length))
    }

    // MARK: Blob/get (§4.2)

    func get(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) throws -> JSONObject {
        var arguments = Arguments(raw)
        let accountId = try arguments.accountId()
        _ = try context.account(accountId, capability: Self.capability)
        guard let ids = try arguments.stringArray("ids") else {
            throw MethodError.requestTooLarge("Blob/get needs explicit ids; blobs cannot be listed.")
        }
        if ids.count > context.limits.maxObjectsInGet {
            throw MethodError.requestTooLarge("More than \(context.limits.maxObjectsInGet) ids.")
        }
        let properties = try arguments.stringArray("properties") ?? ["data", "size"]
        for property in properties
        where !["data", "data:asText", "data:asBase64", "size"].contains(property)
            && !Self.digestAlgorithms.contains(where: { property == "digest:" + $0 })
        {
            throw MethodError.invalidArguments("Unknown property \(property).")
        }
        let offset = try arguments.unsignedInt("offset") ?? 0
        let length = try arguments.unsignedInt("length")
        try arguments.finish()

        var list: [JSONValue] = []
        var notFound: [String] = []
        for id in ids {
            guard let blobId = context.resolve(id: id),
                let (blob, _) = try store.load(blobId: blobId, accountId: accountId)
            else {
                notFound.append(id)
                continue
            }
            list.append(
                .object(Self.describe(blob, id: blobId, properties: properties, offset: offset, length: length)))
        }
        return ["accountId": .string(accountId), "list": .array(list), "notFound": JSONValue(notFound)]
    }

    static func describe(_ blob: Data, id: String, properties: [String], offset: Int, length: Int?) -> JSONObject {
        let start = min(offset, blob.count)
        let end = length.map { min(blob.count, start + $0) } ?? blob.count
        let range = blob.subdata(in: start..<end)
        let truncated = offset > blob.count || (length.map { offset + $0 > blob.count } ?? false)
        var object: JSONObject = ["id": .string(id)]
        if truncated { object["isTruncated"] = true }
        for property in properties {
            switch property {
            case "size":
                object["size"] = .int(blob.count)
            case "data:asBase64":
                object[property] = .string(range.base64EncodedString())
            case "data:asText", "data":
                if let text = String(validating: range, as: UTF8.self) {
                    object["data:asText"] = .string(text)
                } else {
                    object["isEncodingProblem"] = true
                    if property == "data" {
                        object["data:asBase64"] = .string(range.base64EncodedString())
                    } else {
                        object["data:asText"] = .null
                    }
                }
            case "digest:sha-256":
                object[property] = .string(Data(SHA256.hash(data: range)).base64EncodedString())
            case "digest:sha":
                object[property] = .string(Data(Insecure.SHA1.hash(data: range)).base64EncodedString())
            default:
                break
            }
        }
        return object
    }

    // MARK: Blob/lookup (§4.3)

    func lookup(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) throws -> JSONObject {
        var arguments = Arguments(raw)
        let accountId = try arguments.accountId()
        _ = try context.account(accountId, capability: Self.capability)
        let typeNames = try arguments.stringArray("typeNames") ?? []
        let ids = try arguments.stringArray("ids") ?? []
        try arguments.finish()
        if let typeName = typeNames.first {
            throw MethodError(
                "unknownDataType", description: "No data type that references blobs is named \(typeName).")
        }
        let list = ids.map { id -> JSONValue in ["id": .string(id), "matchedIds": [:]] }
        return ["accountId": .string(accountId), "list": .array(list), "notFound": []]
    }
}

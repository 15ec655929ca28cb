import JMAPCore
import Store

/// A data type whose records are DAV resources inside collections (ContactCard, CalendarEvent): how
/// its /set creates, updates and destroys one record on the server.
protocol MemberWriter: Sendable {
    /// Creates `object` in the collection it names, else in `defaultCollection`.
    func create(_ object: JSONObject, defaultCollection: String?) async throws(SetError) -> CreatedRecord
    func update(_ id: String, patch: PatchObject) async throws(SetError) -> JSONObject
    func destroy(_ id: String) async throws(SetError)
}

extension SetRequest {
    /// `Foo/set` (RFC 8620 §5.3) of a member data type, record by record through `writer`.
    func perform(
        with writer: some MemberWriter, defaultCollection: String?, dataType: DataType, store: any Store,
        context: inout MethodContext<GatewayUser>
    ) async throws(MethodError) -> SetResponse {
        let accountId = self.accountId
        return try await perform(
            context: &context,
            state: { () async throws(MethodError) -> String in
                try await store.currentState(accountId: accountId, dataType: dataType)
            },
            create: { object, _ async throws(SetError) -> CreatedRecord in
                try await writer.create(object, defaultCollection: defaultCollection)
            },
            update: { id, patch, _ async throws(SetError) -> JSONObject in
                try await writer.update(id, patch: patch)
            },
            destroy: { id, _ async throws(SetError) in
                try await writer.destroy(id)
            })
    }
}

extension CopyRequest {
    /// `Foo/copy` (RFC 8620 §5.4) of a member data type: each original, as `original` reads it from the
    /// other account (nil when it is not there), is created anew through `writer` with the client's
    /// overrides, and `destroyOriginals` runs the implicit /set when `onSuccessDestroyOriginal` asks.
    func perform(
        with writer: some MemberWriter, defaultCollection: String?, dataType: DataType, store: any Store,
        context: inout MethodContext<GatewayUser>,
        original: (String) async throws(SetError) -> JSONObject?,
        destroyOriginals: (SetRequest, inout MethodContext<GatewayUser>) async throws(MethodError) -> SetResponse
    ) async throws(MethodError) -> [MethodResponse] {
        let fromAccountId = self.fromAccountId
        let accountId = self.accountId
        let response = try await perform(
            context: &context,
            fromState: { () async throws(MethodError) -> String in
                try await store.currentState(accountId: fromAccountId, dataType: dataType)
            },
            state: { () async throws(MethodError) -> String in
                try await store.currentState(accountId: accountId, dataType: dataType)
            },
            copy: { fromId, overrides, _ async throws(SetError) -> CreatedRecord in
                guard var record = try await original(fromId) else { throw .notFound() }
                record.merge(overrides) { _, override in override }
                return try await writer.create(record, defaultCollection: defaultCollection)
            })
        return await responses(response, dataType: dataType.rawValue, context: &context, set: destroyOriginals)
    }
}

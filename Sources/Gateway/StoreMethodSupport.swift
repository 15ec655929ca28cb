import JMAPCore
import Store

/// Where the JMAP standard methods meet the cache: store errors as method errors, stored changes as
/// a /changes response.
extension MethodError {
    init(_ error: StoreError) {
        switch error {
        case .cannotCalculateChanges(let detail): self = .cannotCalculateChanges(detail)
        case .notFound(let detail): self = .serverFail("Not in the cache: \(detail)")
        case .storage(let detail): self = .serverFail(detail)
        }
    }
}

extension Store {
    /// `Foo/changes` (RFC 8620 §5.2) answered from the change log.
    func changesResponse(
        _ request: ChangesRequest, dataType: DataType
    ) async throws(MethodError) -> ChangesResponse {
        let (stored, changes) = try await changeSet(
            accountId: request.accountId, dataType: dataType, sinceState: request.sinceState,
            maxChanges: request.maxChanges)
        var response = request.response(
            newState: stored.newState, hasMoreChanges: stored.hasMoreChanges, changes: changes)
        response.oldState = stored.oldState
        return response
    }

    /// `Foo/changes` of a cached data type: the arguments read, the account checked, the answer from the
    /// change log.
    func changesMethod(
        _ context: MethodContext<GatewayUser>, _ raw: JSONObject, dataType: DataType, capability: String
    ) async throws(MethodError) -> JSONObject {
        var arguments = Arguments(raw)
        let request = try ChangesRequest(&arguments)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: capability)
        return try await changesResponse(request, dataType: dataType).arguments
    }

    /// The changes since `sinceState` from the change log, coalesced (§5.2); /queryChanges takes all of
    /// them (`maxChanges` nil) and limits its own answer.
    func changeSet(
        accountId: String, dataType: DataType, sinceState: String, maxChanges: Int?
    ) async throws(MethodError) -> (StoredChanges, ChangeSet) {
        do {
            let stored = try await changes(
                accountId: accountId, dataType: dataType, sinceState: sinceState, maxChanges: maxChanges)
            var changes = ChangeSet()
            for id in stored.created { changes.record(.created, id: id) }
            for id in stored.updated { changes.record(.updated, id: id) }
            for id in stored.destroyed { changes.record(.destroyed, id: id) }
            return (stored, changes)
        } catch {
            throw MethodError(error)
        }
    }

    /// The state of `dataType`, with a store failure as a method error.
    func currentState(accountId: String, dataType: DataType) async throws(MethodError) -> String {
        do {
            return try await state(accountId: accountId, dataType: dataType)
        } catch {
            throw MethodError(error)
        }
    }
}

extension SetError {
    /// A failure that is not the record's fault (the cache, the blob store): `serverFail` for that record.
    static func serverFail(_ error: any Error) -> SetError {
        SetError("serverFail", description: "\(error)")
    }

    /// Runs `body`, reporting any failure as `serverFail` for the record being written.
    static func failingServer<T>(_ body: () async throws -> T) async throws(SetError) -> T {
        do { return try await body() } catch { throw .serverFail(error) }
    }
}

import JMAPCore

/// Note/get, /changes, /set, /copy, /query and /queryChanges, written as a data type module would write
/// them: the standard arguments and responses come from JMAPCore; only the storage is the data type's.
struct NoteMethods: Sendable {
    let store: NoteStore

    func register(in registry: inout MethodRegistry<TestCaller>) {
        registry.register(capability: Note.capability)
        registry.register(Method("Note/get", capability: Note.capability, get))
        registry.register(Method("Note/changes", capability: Note.capability, changes))
        registry.register(Method("Note/set", capability: Note.capability, set))
        registry.register(Method(name: "Note/copy", capability: Note.capability, handler: copy))
        registry.register(Method("Note/query", capability: Note.capability, query))
        registry.register(Method("Note/queryChanges", capability: Note.capability, queryChanges))
    }

    private func get(_ context: inout MethodContext<TestCaller>, _ json: JSONObject) async throws -> JSONObject {
        let request = try read(json) { try GetRequest(&$0, context: context, knownProperties: Note.properties) }
        _ = try context.account(request.accountId, capability: Note.capability)
        let records = await store.notes(in: request.accountId, ids: request.ids)
        return try request.response(state: await store.state(of: request.accountId), records: records).arguments
    }

    private func changes(_ context: inout MethodContext<TestCaller>, _ json: JSONObject) async throws -> JSONObject {
        let request = try read(json) { try ChangesRequest(&$0) }
        _ = try context.account(request.accountId, capability: Note.capability)
        let (state, hasMoreChanges, changes) = try await store.changes(
            in: request.accountId, since: request.sinceState, maxChanges: request.maxChanges)
        return request.response(newState: state, hasMoreChanges: hasMoreChanges, changes: changes).arguments
    }

    private func set(_ context: inout MethodContext<TestCaller>, _ json: JSONObject) async throws -> JSONObject {
        let request = try read(json) { try SetRequest(&$0, context: context) }
        return try await performSet(request, &context).arguments
    }

    /// Note/set proper, also the implicit /set of Note/copy (§5.4).
    private func performSet(
        _ request: SetRequest, _ context: inout MethodContext<TestCaller>
    ) async throws(MethodError) -> SetResponse {
        _ = try context.writableAccount(request.accountId, capability: Note.capability)
        let accountId = request.accountId
        return try await request.perform(
            context: &context,
            state: { await store.state(of: accountId) },
            create: { object, _ throws(SetError) in try await store.create(object, in: accountId) },
            update: { id, patch, _ throws(SetError) in try await store.update(id, with: patch, in: accountId) },
            destroy: { id, _ throws(SetError) in try await store.destroy(id, in: accountId) }
        )
    }

    private func copy(_ context: inout MethodContext<TestCaller>, _ json: JSONObject) async throws -> [MethodResponse] {
        let request = try read(json) { try CopyRequest(&$0, context: context) }
        try request.checkAccounts(in: context, capability: Note.capability)
        let response = try await request.perform(
            context: &context,
            fromState: { await store.state(of: request.fromAccountId) },
            state: { await store.state(of: request.accountId) },
            copy: { fromId, overrides, _ throws(SetError) in
                guard let original = await store.notes(in: request.fromAccountId, ids: [fromId]).first else {
                    throw .notFound()
                }
                let copy = original.merging(overrides) { $1 }.filter { !Note.serverSet.contains($0.key) }
                return try await store.create(copy, in: request.accountId)
            }
        )
        return await request.responses(response, dataType: "Note", context: &context, set: performSet)
    }

    private func query(_ context: inout MethodContext<TestCaller>, _ json: JSONObject) async throws -> JSONObject {
        let request = try read(json) {
            try QueryRequest(&$0, sortable: Note.sortable, condition: NoteFilter.init)
        }
        _ = try context.account(request.accountId, capability: Note.capability)
        let ids = await results(in: request.accountId, filter: request.filter, sort: request.sort)
        return try request.response(
            queryState: await store.state(of: request.accountId), canCalculateChanges: true, ids: ids,
            maxLimit: Note.maxQueryLimit
        ).arguments
    }

    private func queryChanges(
        _ context: inout MethodContext<TestCaller>, _ json: JSONObject
    ) async throws -> JSONObject {
        let request = try read(json) {
            try QueryChangesRequest(&$0, sortable: Note.sortable, condition: NoteFilter.init)
        }
        _ = try context.account(request.accountId, capability: Note.capability)
        // The query state is the notes' state: it changes whenever the results may have (§5.5).
        let (state, _, changes) = try await store.changes(in: request.accountId, since: request.sinceQueryState)
        let ids = await results(in: request.accountId, filter: request.filter, sort: request.sort)
        return try request.response(newQueryState: state, changes: changes, ids: ids).arguments
    }

    /// The full results of a query: the ids of the matching notes, sorted.
    private func results(in accountId: String, filter: Filter<NoteFilter>?, sort: [Comparator]) async -> [String] {
        await store.notes(in: accountId)
            .filter { note in filter?.matches { $0.matches(note) } ?? true }
            .sorted(by: sort, id: Note.id, value: { note, comparator in note[comparator.property] })
            .map(Note.id)
    }

    /// Reads a request with `parse`, then rejects any argument it did not read.
    private func read<Request>(_ json: JSONObject, _ parse: (inout Arguments) throws -> Request) throws -> Request {
        var arguments = Arguments(json)
        let request = try parse(&arguments)
        try arguments.finish()
        return request
    }
}

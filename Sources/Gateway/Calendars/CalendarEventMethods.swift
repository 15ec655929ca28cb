import Foundation
import JMAPCore
import JSCalendar
import JSON
import Store

/// CalendarEvent/get, /changes, /query, /queryChanges and /parse (draft-ietf-jmap-calendars-27 §5),
/// answered from the cache; /set and /copy write through to the CalDAV server (`CalendarEventWriter`).
struct CalendarEventMethods: Sendable {
    let store: any Store
    let blobs: BlobStore
    let coordinator: SyncCoordinator
    /// Shared with Principal/getAvailability.
    let expansions: ExpansionCache

    /// §5.11.2: start, uid and recurrenceId must be supported, created and updated should be.
    static let sortable: Set<String> = ["start", "uid", "recurrenceId", "created", "updated"]
    /// The most occurrences one series contributes to an expanded query.
    static let maxOccurrencesPerEvent = 10_000

    func register(in registry: inout MethodRegistry<GatewayUser>) {
        registry.register(
            Method("CalendarEvent/get", capability: CalendarsCapability.uri) { context, arguments in
                try await get(context, arguments)
            })
        // §5.8: stored events only; synthetic ids never appear.
        registry.register(
            Method("CalendarEvent/changes", capability: CalendarsCapability.uri) { context, arguments in
                try await store.changesMethod(
                    context, arguments, dataType: .calendarEvent, capability: CalendarsCapability.uri)
            })
        registry.register(
            Method("CalendarEvent/query", capability: CalendarsCapability.uri) { context, arguments in
                try await query(context, arguments)
            })
        registry.register(
            Method("CalendarEvent/queryChanges", capability: CalendarsCapability.uri) { context, arguments in
                try await queryChanges(context, arguments)
            })
        registry.register(
            Method("CalendarEvent/parse", capability: CalendarsCapability.parse) { context, arguments in
                try await parse(context, arguments)
            })
        registry.register(
            Method("CalendarEvent/set", capability: CalendarsCapability.uri) { context, arguments in
                try await set(&context, arguments)
            })
        registry.register(
            Method(name: "CalendarEvent/copy", capability: CalendarsCapability.uri) { context, arguments in
                try await copy(&context, arguments)
            })
    }

    // MARK: get

    /// §5.7: stored events and occurrences by synthetic id; `utcStart`, `utcEnd` and `iCalendar` only
    /// when asked for by name.
    func get(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try GetRequest(&arguments, context: context, knownProperties: nil)
        let overridesBefore = try Self.utcDateTime(&arguments, "recurrenceOverridesBefore")
        let overridesAfter = try Self.utcDateTime(&arguments, "recurrenceOverridesAfter")
        let reduceParticipants = try arguments.bool("reduceParticipants", default: false)
        let floatingZone = try Self.timeZone(&arguments)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: CalendarsCapability.uri)
        let asked = request.properties ?? []
        let wantsUTC = asked.contains("utcStart") || asked.contains("utcEnd")
        if wantsUTC && asked.contains("recurrenceOverrides") {
            throw MethodError.invalidArguments(
                "utcStart and utcEnd cannot be asked for with recurrenceOverrides (§5.7).")
        }
        let events = CalendarEvents(store: store, accountId: request.accountId)
        do {
            let ids: [String]
            var listedState: String?
            if let requested = request.ids {
                ids = requested
            } else {
                // Read before the list, so an event created in between is newer than the state.
                listedState = try await store.state(accountId: request.accountId, dataType: .calendarEvent)
                ids = try await events.allIds()
            }
            let bases = ids.map { EventInstances.parse($0)?.base ?? $0 }
            let needsBodies = wantsUTC || bases != ids
            let (state, found) = try await events.events(ids: Array(Set(bases)), bodies: needsBodies)
            let byId = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let addresses = await coordinator.calendarAddresses(of: context.caller)
            var records: [JSONObject] = []
            for id in ids {
                var record: JSONObject
                var expandable: EventInstances.Expandable?
                var utc: (start: Date, end: Date)?
                if let (base, recurrenceId) = EventInstances.parse(id) {
                    guard let event = byId[base],
                        let occurrence = EventInstances.occurrence(of: event.event, recurrenceId: recurrenceId)
                    else { continue }
                    expandable = EventInstances.Expandable(
                        body: event.object.body, uid: event.event["uid"]?.stringValue)
                    utc = expandable?.utcRange(ofOccurrence: recurrenceId, floatingZone: floatingZone)
                    // An id whose occurrence the series does not have is not found.
                    guard utc != nil else { continue }
                    record = occurrence.merging(CalendarEvents.jmapProperties(of: event, userAddresses: addresses)) {
                        _, jmap in jmap
                    }
                    record["id"] = .string(id)
                    record["baseEventId"] = .string(base)
                } else {
                    guard let event = byId[id] else { continue }
                    record = event.event.merging(CalendarEvents.jmapProperties(of: event, userAddresses: addresses)) {
                        _, jmap in jmap
                    }
                    if wantsUTC {
                        expandable = EventInstances.Expandable(
                            body: event.object.body, uid: event.event["uid"]?.stringValue)
                        utc = expandable?.utcRange(floatingZone: floatingZone)
                    }
                    if overridesBefore != nil || overridesAfter != nil {
                        record = Self.overrides(
                            of: record, before: overridesBefore, after: overridesAfter, floatingZone: floatingZone)
                    }
                }
                if !asked.contains("iCalendar") { record["iCalendar"] = nil }
                if reduceParticipants { record = Self.reducingParticipants(record, to: addresses) }
                if wantsUTC, let utc {
                    record["utcStart"] = .string(EventInstances.utcDateTime(utc.start))
                    record["utcEnd"] = .string(EventInstances.utcDateTime(utc.end))
                }
                records.append(record)
            }
            return try request.response(state: listedState ?? state, records: records).arguments
        } catch let error as StoreError {
            throw MethodError(error)
        }
    }

    /// Only the overrides whose recurrenceId, in UTC, is before `before` and on or after `after` (§5.7).
    static func overrides(
        of event: JSONObject, before: Date?, after: Date?, floatingZone: ICalTimeZone
    ) -> JSONObject {
        guard let overrides = event["recurrenceOverrides"]?.objectValue else { return event }
        let zone =
            event["timeZone"]?.stringValue.flatMap(TimeZone.init(identifier:)).map(ICalTimeZone.iana)
            ?? floatingZone
        var kept = overrides
        for key in overrides.keys {
            guard let (local, _) = LocalDateTime.parseJSON(key) else { continue }
            let utc = zone.date(of: local)
            if let before, utc >= before { kept[key] = nil }
            if let after, utc < after { kept[key] = nil }
        }
        var result = event
        result["recurrenceOverrides"] = .object(kept)
        return result
    }

    /// §5.7 reduceParticipants: only owners and the user's own participants.
    static func reducingParticipants(_ event: JSONObject, to addresses: Set<String>) -> JSONObject {
        guard let participants = event["participants"]?.objectValue else { return event }
        var result = event
        result["participants"] = .object(
            participants.filter { _, value in
                guard let participant = value.objectValue else { return false }
                if participant["roles"]?.objectValue?["owner"] == .bool(true) { return true }
                return participant["calendarAddress"]?.stringValue.map {
                    addresses.contains(CalendarAddress.normalized($0))
                } ?? false
            })
        return result
    }

    // MARK: query

    /// §5.11, evaluated on the cache with the gateway's own recurrence expansion (RFC 5545 §3.8.5),
    /// which is right on every server, where their `<C:expand>` is not (see the lab notes).
    func query(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try QueryRequest(
            &arguments, sortable: Self.sortable, condition: CalendarEventFilterCondition.parse)
        let expand = try arguments.bool("expandRecurrences", default: false)
        let zone = try Self.timeZone(&arguments)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: CalendarsCapability.uri)
        if expand { try Self.checkExpansion(request.filter) }
        let state = try await store.currentState(accountId: request.accountId, dataType: .calendarEvent)
        let ids = try await queryIds(
            accountId: request.accountId, filter: request.filter, sort: request.sort, expand: expand, zone: zone)
        // Synthetic ids do not appear in /changes, so an expanded query's changes cannot be calculated.
        return try request.response(queryState: state, canCalculateChanges: !expand, ids: ids).arguments
    }

    /// §5.11: expansion needs one FilterCondition with both `after` and `before`, no further apart than
    /// `maxExpandedQueryDuration`.
    static func checkExpansion(_ filter: Filter<CalendarEventFilterCondition>?) throws(MethodError) {
        guard case .condition(let condition)? = filter, let after = condition.after, let before = condition.before
        else {
            throw .invalidArguments(
                "expandRecurrences needs a filter that is one FilterCondition with both after and before.")
        }
        if before.secondsSinceEpoch - after.secondsSinceEpoch > CalendarsCapability.maxExpandedQueryDays * 86_400 {
            throw MethodError(
                "expandDurationTooLarge",
                description: "At most \(CalendarsCapability.maxExpandedQueryDays) days may be expanded at once.")
        }
    }

    /// §5.12 by the simple approach RFC 8620 §5.6 allows: every event changed since `sinceQueryState`
    /// is removed, and added back at its index if it matches now. An expanded query has no changes.
    func queryChanges(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try QueryChangesRequest(
            &arguments, sortable: Self.sortable, condition: CalendarEventFilterCondition.parse)
        let expand = try arguments.bool("expandRecurrences", default: false)
        let zone = try Self.timeZone(&arguments)
        try arguments.finish()
        _ = try context.account(request.accountId, capability: CalendarsCapability.uri)
        if expand {
            throw MethodError.cannotCalculateChanges("The occurrences of an expanded query have no change log (§5.8).")
        }
        let (stored, changes) = try await store.changeSet(
            accountId: request.accountId, dataType: .calendarEvent, sinceState: request.sinceQueryState,
            maxChanges: nil)
        let ids = try await queryIds(
            accountId: request.accountId, filter: request.filter, sort: request.sort, expand: false, zone: zone)
        return try request.response(newQueryState: stored.newState, changes: changes, ids: ids).arguments
    }

    /// One result of a query: a stored event, or with expansion an occurrence.
    private struct Match {
        var id: String
        var utcStart: Date?
        var event: JSONObject
    }

    private func queryIds(
        accountId: String, filter: Filter<CalendarEventFilterCondition>?, sort: [JMAPCore.Comparator], expand: Bool,
        zone: ICalTimeZone
    ) async throws(MethodError) -> [String] {
        let conditions = filter.map(Self.conditions) ?? []
        let needsTimes =
            expand || sort.contains { $0.property == "start" }
            || conditions.contains { $0.after != nil || $0.before != nil }
        let events = CalendarEvents(store: store, accountId: accountId)
        let all: [(event: CalendarEvents.Event, expandable: EventInstances.Expandable?)]
        do {
            all =
                needsTimes
                ? try await events.expandableEvents(cache: expansions)
                : try await events.events(ids: try await events.allIds()).events.map { ($0, nil) }
        } catch {
            throw MethodError(error)
        }
        var matches: [Match] = []
        for (event, expandable) in all {
            if expand, case .condition(let condition)? = filter, let window = condition.window(in: zone) {
                matches += Self.occurrences(of: event, expandable, matching: condition, window: window, zone: zone)
                continue
            }
            let occurrences = [event.event] + Self.overriddenOccurrences(of: event.event)
            let matched =
                filter?.matches { condition in
                    guard condition.matchesContent(occurrences, calendarId: event.object.collectionId) else {
                        return false
                    }
                    guard let window = condition.window(in: zone) else { return true }
                    return expandable?.instances(in: window, limit: 1, floatingZone: zone).isEmpty == false
                } ?? true
            if matched {
                matches.append(
                    Match(id: event.id, utcStart: expandable?.utcRange(floatingZone: zone)?.start, event: event.event))
            }
        }
        return matches.sorted(by: sort, id: \.id) { match, comparator in
            switch comparator.property {
            case "start": match.utcStart.map { .int(Int($0.timeIntervalSince1970)) }
            default: match.event[comparator.property]
            }
        }.map(\.id)
    }

    /// The occurrences of `event` in `window` that match `condition`, each under its synthetic id; an
    /// event that does not recur is its own one occurrence, under its own id.
    private static func occurrences(
        of event: CalendarEvents.Event, _ expandable: EventInstances.Expandable?,
        matching condition: CalendarEventFilterCondition, window: ClosedRange<Date>, zone: ICalTimeZone
    ) -> [Match] {
        guard let expandable, condition.inCalendar.map({ $0 == event.object.collectionId }) ?? true else { return [] }
        let recurs =
            event.event["recurrenceRule"] != nil || event.event["recurrenceRules"] != nil
            || event.event["recurrenceOverrides"]?.objectValue?.isEmpty == false
        var matches: [Match] = []
        for instance in expandable.instances(in: window, limit: maxOccurrencesPerEvent, floatingZone: zone) {
            let id: String
            let occurrence: JSONObject
            if recurs {
                let recurrenceId = instance.recurrenceId.local
                guard let found = EventInstances.occurrence(of: event.event, recurrenceId: recurrenceId) else {
                    continue
                }
                id = EventInstances.syntheticId(base: event.id, recurrenceId: recurrenceId)
                occurrence = found
            } else {
                id = event.id
                occurrence = event.event
            }
            if condition.matchesContent([occurrence], calendarId: event.object.collectionId) {
                matches.append(Match(id: id, utcStart: instance.utcStart, event: occurrence))
            }
        }
        return matches
    }

    /// The overridden occurrences of a series, each as an event, for text conditions (§5.11.1).
    private static func overriddenOccurrences(of event: JSONObject) -> [JSONObject] {
        (event["recurrenceOverrides"]?.objectValue?.keys ?? [:].keys).compactMap { key in
            LocalDateTime.parseJSON(key).flatMap { EventInstances.occurrence(of: event, recurrenceId: $0.value) }
        }
    }

    private static func conditions(_ filter: Filter<CalendarEventFilterCondition>) -> [CalendarEventFilterCondition] {
        switch filter {
        case .condition(let condition): [condition]
        case .operator(_, let filters): filters.flatMap(conditions)
        }
    }

    // MARK: parse

    /// §5.13: the events of iCalendar blobs, converted and not stored.
    func parse(_ context: MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let accountId = try arguments.accountId()
        let blobIds = try arguments.stringArray("blobIds") ?? []
        let properties = try arguments.stringArray("properties").map(Set.init)
        try arguments.finish()
        _ = try context.account(accountId, capability: CalendarsCapability.parse)
        var parsed: JSONObject = [:]
        var notFound: [JSONValue] = []
        var notParsable: [JSONValue] = []
        for blobId in blobIds {
            guard let (data, _) = try? blobs.load(blobId: blobId, accountId: accountId) else {
                notFound.append(.string(blobId))
                continue
            }
            let events = Self.parsedEvents(data)
            guard !events.isEmpty else {
                notParsable.append(.string(blobId))
                continue
            }
            parsed[blobId] = .array(
                events.map { event in
                    var event = event
                    for key in ["id", "baseEventId", "calendarIds", "isDraft", "isOrigin"] { event[key] = .null }
                    guard let properties else { return .object(event) }
                    return .object(event.filter { properties.contains($0.key) })
                })
        }
        return [
            "accountId": .string(accountId),
            "parsed": parsed.isEmpty ? .null : .object(parsed),
            "notFound": notFound.isEmpty ? .null : .array(notFound),
            "notParsable": notParsable.isEmpty ? .null : .array(notParsable),
        ]
    }

    /// Every Event of an iCalendar stream; none when it is not iCalendar at all.
    static func parsedEvents(_ data: Data) -> [JSONObject] {
        let text = String(decoding: data, as: UTF8.self)
        guard text.range(of: "BEGIN:VCALENDAR", options: .caseInsensitive) != nil else { return [] }
        let group = JSCalendarConverter.jsCalendar(from: ICalParser.parse(text).calendar)
        return (group["entries"]?.arrayValue ?? []).compactMap(\.objectValue).filter {
            $0["@type"]?.stringValue == "Event"
        }
    }

    // MARK: set and copy

    /// §5.9: creates, updates and destroys events (and single occurrences) on the CalDAV server.
    func set(_ context: inout MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> JSONObject {
        var arguments = Arguments(raw)
        let request = try SetRequest(&arguments, context: context)
        let sendSchedulingMessages = try arguments.bool("sendSchedulingMessages", default: false)
        try arguments.finish()
        return try await perform(request, sendSchedulingMessages: sendSchedulingMessages, context: &context).arguments
    }

    private func perform(
        _ request: SetRequest, sendSchedulingMessages: Bool, context: inout MethodContext<GatewayUser>
    ) async throws(MethodError) -> SetResponse {
        _ = try context.writableAccount(request.accountId, capability: CalendarsCapability.uri)
        let (writer, defaultCalendar) = try await writer(
            accountId: request.accountId, caller: context.caller, sendSchedulingMessages: sendSchedulingMessages)
        return try await request.perform(
            with: writer, defaultCollection: defaultCalendar, dataType: .calendarEvent, store: store,
            context: &context)
    }

    /// §5.10 (RFC 8620 §5.4): an event of another account the user may use is created anew in this one.
    /// Accounts are checked first, so a user naming someone else's account learns nothing of it.
    func copy(_ context: inout MethodContext<GatewayUser>, _ raw: JSONObject) async throws -> [MethodResponse] {
        var arguments = Arguments(raw)
        let request = try CopyRequest(&arguments, context: context)
        try arguments.finish()
        try request.checkAccounts(in: context, capability: CalendarsCapability.uri)
        let (writer, defaultCalendar) = try await writer(
            accountId: request.accountId, caller: context.caller, sendSchedulingMessages: false)
        let originals = CalendarEvents(store: store, accountId: request.fromAccountId)
        return try await request.perform(
            with: writer, defaultCollection: defaultCalendar, dataType: .calendarEvent, store: store,
            context: &context,
            original: { fromId async throws(SetError) -> JSONObject? in
                do { return try await originals.events(ids: [fromId]).events.first?.event } catch {
                    throw .serverFail(error)
                }
            },
            destroyOriginals: { setRequest, context async throws(MethodError) -> SetResponse in
                try await perform(setRequest, sendSchedulingMessages: false, context: &context)
            })
    }

    /// A writer for the account's events, and the calendar new events go to by default.
    private func writer(accountId: String, caller: GatewayUser, sendSchedulingMessages: Bool)
        async throws(MethodError) -> (CalendarEventWriter, String?)
    {
        let calendars = try await store.collections(accountId: accountId, kind: .calendar)
        let writer = CalendarEventWriter(
            resources: ResourceWriter(
                store: store, client: coordinator.client(for: caller), accountId: accountId, collections: calendars,
                contentType: CalendarEventWriter.contentType, fileExtension: "ics"),
            userAddresses: await coordinator.calendarAddresses(of: caller),
            sendSchedulingMessages: sendSchedulingMessages)
        return (writer, StoredCollection.defaultId(calendars))
    }

    // MARK: support

    /// The `timeZone` argument (§5.7, §5.11): an IANA id, default Etc/UTC.
    static func timeZone(_ arguments: inout Arguments) throws(MethodError) -> ICalTimeZone {
        guard let name = try arguments.string("timeZone") else { return .utc }
        guard let zone = TimeZone(identifier: name) else {
            throw .invalidArguments("timeZone must be an IANA time zone id, not \(name).")
        }
        return .iana(zone)
    }

    static func utcDateTime(_ arguments: inout Arguments, _ key: String) throws(MethodError) -> Date? {
        guard let text = try arguments.string(key) else { return nil }
        guard let date = EventInstances.parseUTCDateTime(text) else {
            throw .invalidArguments("\(key) must be a UTCDateTime such as 2026-01-31T09:00:00Z.")
        }
        return date
    }
}

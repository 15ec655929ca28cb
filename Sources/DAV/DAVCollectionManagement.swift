import Foundation

/// Creating collections and changing their properties: extended MKCOL for address books (RFC 5689,
/// RFC 6352 §6.3.1), MKCALENDAR (RFC 4791 §5.3.1) and PROPPATCH (RFC 4918 §9.2). Deleting one is
/// `delete(_:ifMatch:)`.
extension DAVClient {
    /// Creates an address book with its names set in the same request, so it never exists unnamed.
    public func makeAddressBook(
        _ url: URL, displayName: String? = nil, description: String? = nil
    ) async throws(DAVError) {
        let resourceType = DAVRequestBody.Element(
            .resourceType, children: [.init(.collection), .init(.addressbook)])
        let properties =
            [resourceType]
            + DAVRequestBody.textProperties([
                (.displayName, displayName), (.addressbookDescription, description),
            ])
        try await create("MKCOL", url, root: .dav("mkcol"), properties: properties)
    }

    /// Creates a calendar. `color` is Apple's `#RRGGBB[AA]`; `order` Apple's calendar-order; `timeZone` a
    /// VCALENDAR holding one VTIMEZONE (RFC 4791 §5.2.2); `components` the component names it will accept,
    /// e.g. VEVENT. A property named in `optional` that the server refuses does not fail the creation: the
    /// calendar is made without it, and the refused properties are returned, so that the caller can keep
    /// their values elsewhere.
    @discardableResult
    public func makeCalendar(
        _ url: URL, displayName: String? = nil, description: String? = nil, color: String? = nil, order: Int? = nil,
        timeZone: String? = nil, components: [String] = ["VEVENT"], optional: Set<XMLName> = []
    ) async throws(DAVError) -> Set<XMLName> {
        var properties = DAVRequestBody.textProperties([
            (.displayName, displayName), (.calendarDescription, description), (.calendarColor, color),
            (.calendarOrder, order.map(String.init)), (.calendarTimezone, timeZone),
        ])
        if !components.isEmpty {
            properties.append(
                .init(
                    .supportedCalendarComponentSet,
                    children: components.map { .init(.caldav("comp"), attributes: ["name": $0]) }))
        }
        return try await create(
            "MKCALENDAR", url, root: .caldav("mkcalendar"), properties: properties, optional: optional)
    }

    /// Sets and removes text-valued properties (displayname, addressbook-description,
    /// calendar-description, calendar-color, calendar-order, calendar-timezone, ...). Fails with
    /// `DAVError.propertiesRejected` unless the server reports every one as set, except that properties
    /// named in `optional` may be refused: the others are then set again on their own (servers differ
    /// in whether a partly failed PROPPATCH is atomic: Xandikos applies the rest, RFC 4918 §9.2 wants
    /// none applied), and the refused ones are returned.
    @discardableResult
    public func proppatch(
        _ url: URL, set: [(XMLName, String)] = [], remove: [XMLName] = [], optional: Set<XMLName> = []
    ) async throws(DAVError) -> Set<XMLName> {
        try await proppatch(url, setting: set.map { .init($0.0, text: $0.1) }, removing: remove, optional: optional)
    }

    private func proppatch(
        _ url: URL, setting: [DAVRequestBody.Element], removing: [XMLName], optional: Set<XMLName>
    ) async throws(DAVError) -> Set<XMLName> {
        do throws(DAVError) {
            try await proppatch(url, setting: setting, removing: removing)
            return []
        } catch .propertiesRejected(let rejectedURL, let statuses) {
            guard let refused = Self.refusedOptional(statuses, optional: optional), !refused.isEmpty else {
                throw .propertiesRejected(url: rejectedURL, statuses: statuses)
            }
            try await proppatch(
                url, setting: setting.filter { !refused.contains($0.name) },
                removing: removing.filter { !refused.contains($0) })
            return refused
        }
    }

    private func proppatch(
        _ url: URL, setting: [DAVRequestBody.Element], removing: [XMLName]
    ) async throws(DAVError) {
        guard !setting.isEmpty || !removing.isEmpty else { return }
        var updates: [DAVRequestBody.Element] = []
        if !setting.isEmpty {
            updates.append(.init(.dav("set"), children: [.init(.prop, children: setting)]))
        }
        if !removing.isEmpty {
            updates.append(.init(.dav("remove"), children: [DAVRequestBody.prop(removing)]))
        }
        let response = try await send(
            "PROPPATCH", url, body: DAVRequestBody.document(.init(.dav("propertyupdate"), children: updates)),
            expecting: [200, 204, 207])
        try checkPropertyUpdate(response, url: url)
    }

    /// Reads a PROPPATCH answer: a 207 must report every property with a 2xx status.
    func checkPropertyUpdate(_ response: DAVResponse, url: URL) throws(DAVError) {
        guard response.status == 207 else { return }
        var propstats: [Multistatus.PropStat] = []
        var failure: DAVError?
        try forEachResponse(in: response) { response in
            if let status = response.failureStatus {
                failure = failure ?? DAVError.from(status: status, url: url.absoluteString)
            }
            propstats += response.propstats
        }
        if let failure { throw failure }
        let rejected = Self.rejected(propstats)
        guard rejected.isEmpty else { throw .propertiesRejected(url: url.absoluteString, statuses: rejected) }
    }

    /// MKCOL or MKCALENDAR with a `set` of properties. The answer may carry an `mkcol-response`
    /// (RFC 5689 §5.2) naming properties that could not be set. RFC 5689 makes that fail the whole
    /// request, but Xandikos creates the collection anyway and refuses `addressbook-description`,
    /// which it tries to set before the resource type: such properties are set again by PROPPATCH.
    /// When the request failed because of properties in `optional` only, nothing was made, and it is
    /// sent again without them; the properties refused either way are returned.
    @discardableResult
    private func create(
        _ method: String, _ url: URL, root: XMLName, properties: [DAVRequestBody.Element],
        optional: Set<XMLName> = []
    ) async throws(DAVError) -> Set<XMLName> {
        let body = DAVRequestBody.document(
            .init(root, children: [.init(.dav("set"), children: [.init(.prop, children: properties)])]))
        let response = try await send(method, url, body: body)
        let answer = response.body.isEmpty ? nil : try? XMLTreeParser.parse(response.body, maxSize: 1 << 20)
        let rejected = Self.rejected(
            answer?.children(.propstat).map { propstat in
                Multistatus.PropStat(
                    status: Multistatus.statusCode(propstat.child(.status)?.trimmedText) ?? 200,
                    properties: propstat.child(.prop)?.children ?? [])
            } ?? [])
        guard (200..<300).contains(response.status) else {
            guard !rejected.isEmpty else { throw DAVError.from(response) }
            guard let refused = Self.refusedOptional(rejected, optional: optional), !refused.isEmpty else {
                throw .propertiesRejected(url: url.absoluteString, statuses: rejected)
            }
            let made = try await create(
                method, url, root: root, properties: properties.filter { !refused.contains($0.name) },
                optional: optional.subtracting(refused))
            return made.union(refused)
        }
        return try await proppatch(
            url, setting: properties.filter { rejected[$0.name.description] != nil }, removing: [], optional: optional)
    }

    /// The properties a server refused, when each is in `optional`; nil when it refused any other. 424
    /// (Failed Dependency, RFC 4918 §11.4) is no refusal: the property was left alone because another
    /// one failed.
    static func refusedOptional(_ statuses: [String: Int], optional: Set<XMLName>) -> Set<XMLName>? {
        let byName = Dictionary(optional.map { ($0.description, $0) }, uniquingKeysWith: { first, _ in first })
        var refused = Set<XMLName>()
        for (name, status) in statuses where status != 424 {
            guard let property = byName[name] else { return nil }
            refused.insert(property)
        }
        return refused
    }

    /// Every property reported with a status other than 2xx, with that status.
    private static func rejected(_ propstats: [Multistatus.PropStat]) -> [String: Int] {
        var rejected: [String: Int] = [:]
        for propstat in propstats where !(200..<300).contains(propstat.status) {
            for property in propstat.properties { rejected[property.name.description] = propstat.status }
        }
        return rejected
    }
}

extension DAVRequestBody {
    /// One element per property that has a value.
    static func textProperties(_ values: [(XMLName, String?)]) -> [Element] {
        values.compactMap { name, value in value.map { Element(name, text: $0) } }
    }
}

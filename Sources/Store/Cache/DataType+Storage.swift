extension DataType {
    /// The kind of collection this type's rows belong to: the collections themselves for
    /// `AddressBook` and `Calendar`, their members for `ContactCard` and `CalendarEvent`.
    var collectionKind: StoredCollection.Kind {
        switch self {
        case .addressBook, .contactCard: .addressBook
        case .calendar, .calendarEvent: .calendar
        }
    }

    /// Whether the type's records live in the `collection` table rather than the `object` table.
    var isCollectionType: Bool {
        self == .addressBook || self == .calendar
    }
}

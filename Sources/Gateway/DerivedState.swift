import JMAPCore
import JSON

/// The state of a data type the gateway derives afresh from the DAV server instead of keeping in the cache
/// (Principal, ParticipantIdentity, CalendarEventNotification): a hash of what /get returns, so it changes
/// exactly when that does, and is the same in every gateway instance. No history is kept, so /changes can
/// only tell "nothing changed" from "something did"; the latter is `cannotCalculateChanges` (RFC 8620
/// §5.2), after which a client fetches the records again, which for these few records costs next to nothing.
enum DerivedState {
    static func of(_ records: [JSONObject]) -> String {
        let bytes = (try? JSONCoding.encode(JSONValue.array(records.map(JSONValue.object)))) ?? .init()
        return "d" + StableHash.hex(of: bytes)
    }

    /// `/changes` from `request.sinceState` to `current`.
    static func changes(_ request: ChangesRequest, current: String) throws(MethodError) -> ChangesResponse {
        guard request.sinceState == current else {
            throw .cannotCalculateChanges("Only the current state (\(current)) is known; fetch the records again.")
        }
        return request.response(newState: current, hasMoreChanges: false, changes: ChangeSet())
    }
}

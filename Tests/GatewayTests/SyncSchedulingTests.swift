import DAV
import Foundation
import Logging
import ServiceLifecycle
import Store
import TestSupport
import Testing

@testable import Gateway

/// When the cache syncs: concurrent requests share one sync, `min_sync_age` skips needless syncs, the
/// poller refreshes active accounts, and a DAV server that is down does not break reads.
extension DAVBackedTests {
    @Suite struct SyncSchedulingTests {
        typealias Fixture = DAVBackedTests.SyncIntegrationTests.Fixture

        func cardIsCached(_ fixture: Fixture, uid: String) async throws -> Bool {
            try await fixture.ids()[fixture.href(uid)] != nil
        }

        @Test func concurrentSyncsShareOneRun() async throws {
            let fixture = try await Fixture(server: .radicale, options: SyncOptions())
            defer { try? FileManager.default.removeItem(at: fixture.directory) }
            async let first = fixture.synchronizer.sync()
            async let second = fixture.synchronizer.sync()
            let (a, b) = try await (first, second)
            // One run: the very same report, down to its measured duration.
            #expect(a == b)
        }

        @Test func minSyncAgeSkipsAFreshCache() async throws {
            let uid = "sched-\(UUID().uuidString.prefix(8).lowercased())"
            let fresh = try await Fixture(
                server: .radicale, options: SyncOptions(minSyncAge: .seconds(3600)))
            defer { try? FileManager.default.removeItem(at: fresh.directory) }
            try await fresh.synchronizer.syncIfStale()
            try await fresh.put(uid, uid: uid, note: "x", precondition: .create)
            try await fresh.synchronizer.syncIfStale()
            #expect(try await !cardIsCached(fresh, uid: uid), "synced although the cache was fresh")

            let eager = try await Fixture(server: .radicale, options: SyncOptions(minSyncAge: .zero))
            defer { try? FileManager.default.removeItem(at: eager.directory) }
            try await eager.synchronizer.syncIfStale()
            #expect(try await cardIsCached(eager, uid: uid))
            try await fresh.delete(uid)
        }

        /// Each kind of collection has its own sync age: syncing calendars leaves the address books as
        /// they were, and a fresh address book cache is not synced again for a calendar request.
        @Test func syncIfStaleSyncsOnlyTheKindsAsked() async throws {
            let uid = "sched-\(UUID().uuidString.prefix(8).lowercased())"
            let fixture = try await Fixture(server: .radicale, options: SyncOptions(minSyncAge: .seconds(3600)))
            defer { try? FileManager.default.removeItem(at: fixture.directory) }
            try await fixture.synchronizer.syncIfStale(kinds: [.addressBook])
            let cached = try await fixture.store.collections(accountId: fixture.accountId)
            #expect(cached.contains { $0.kind == .addressBook })
            #expect(!cached.contains { $0.kind == .calendar })

            try await fixture.put(uid, uid: uid, note: "x", precondition: .create)
            try await fixture.synchronizer.syncIfStale(kinds: [.calendar])
            #expect(try await fixture.store.collections(accountId: fixture.accountId).contains { $0.kind == .calendar })
            try await fixture.synchronizer.syncIfStale(kinds: [.addressBook, .calendar])
            #expect(try await !cardIsCached(fixture, uid: uid), "synced although both kinds were fresh")
            _ = try await fixture.synchronizer.sync(kinds: [.addressBook])
            #expect(try await cardIsCached(fixture, uid: uid))
            try await fixture.delete(uid)
        }

        /// SIGTERM must not wait out the poll interval (an hour here): the poller's sleep ends on graceful
        /// shutdown. Fails by hanging until the test's time limit if it does not.
        @Test(.timeLimit(.minutes(1))) func pollerStopsOnGracefulShutdown() async throws {
            let fixture = try await Fixture(server: .radicale, options: SyncOptions())
            defer { try? FileManager.default.removeItem(at: fixture.directory) }
            let poller = SyncPoller(
                coordinator: fixture.coordinator, interval: .seconds(3600), logger: Logger(label: "poll"))
            let group = ServiceGroup(services: [poller], logger: Logger(label: "poll"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await Task.sleep(for: .milliseconds(50))
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }

        @Test func pollerRefreshesActiveAccounts() async throws {
            let uid = "poll-\(UUID().uuidString.prefix(8).lowercased())"
            let fixture = try await Fixture(
                server: .xandikos, options: SyncOptions(minSyncAge: .seconds(3600)))
            defer { try? FileManager.default.removeItem(at: fixture.directory) }
            _ = try await fixture.synchronizer.sync()
            try await fixture.put(uid, uid: uid, note: "x", precondition: .create)
            let poller = SyncPoller(
                coordinator: fixture.coordinator, interval: .seconds(30), logger: Logger(label: "poll"))
            await poller.pollOnce()
            #expect(try await cardIsCached(fixture, uid: uid))
            try await fixture.delete(uid)
        }

        /// Reads are answered from the cache when the server is down; an explicit sync reports the failure.
        @Test func unreachableServerDoesNotFailReads() async throws {
            let directory = FileManager.default.temporaryDirectory.appending(
                path: "down-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try SQLiteStore(path: directory.appending(path: "gateway.sqlite").path)
            let coordinator = SyncCoordinator(
                store: store, httpClient: DAVBackedTests.SyncIntegrationTests.http,
                davConfiguration: DAVClientConfiguration(timeout: .seconds(2)),
                options: SyncOptions(minSyncAge: .zero),
                logger: Logger(label: "down"))
            let principal = try #require(URL(string: "http://127.0.0.1:9/alice/"))
            let user = GatewayUser(
                username: "alice", principalURL: principal,
                credentials: .basic(username: "alice", password: "alice-pw"),
                accountCapabilities: [:])
            let synchronizer = try await coordinator.synchronizer(for: user)
            try await synchronizer.syncIfStale()
            await #expect(throws: DAVError.self) { _ = try await synchronizer.sync() }
        }
    }
}

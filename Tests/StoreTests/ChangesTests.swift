import Foundation
import Store
import Testing

/// `/changes` as RFC 8620 §5.2 defines it: coalescing, `maxChanges` paging, `cannotCalculateChanges`.
@Suite("RFC 8620 §5.2 /changes")
struct ChangesTests {
    @Test("§5.2: created and then updated since the old state is only `created`")
    func createdThenUpdatedIsCreated() async throws {
        try await withStore { store, _ in
            let before = try await store.state()
            try await store.applyCards([Fixture.card(1)])
            try await store.applyCards([Fixture.card(1, etag: "2")])
            let id = try #require(try await store.id(ofHref: Fixture.card(1).href))

            let changes = try await store.changes(since: before)
            #expect(changes.created == [id])
            #expect(changes.updated.isEmpty)
            #expect(changes.destroyed.isEmpty)
        }
    }

    @Test("§5.2: created and then destroyed since the old state is left out entirely")
    func createdThenDestroyedIsOmitted() async throws {
        try await withStore { store, _ in
            try await store.applyCards([Fixture.card(1)])
            let before = try await store.state()
            try await store.applyCards([Fixture.card(2), Fixture.card(3)])
            try await store.applyCards(removed: [Fixture.card(2).href])
            let kept = try #require(try await store.id(ofHref: Fixture.card(3).href))

            let changes = try await store.changes(since: before)
            #expect(changes.created == [kept])
            #expect(changes.updated.isEmpty)
            #expect(changes.destroyed.isEmpty)
            #expect(changes.newState != before)
        }
    }

    @Test("§5.2: updated and then destroyed since the old state is only `destroyed`")
    func updatedThenDestroyedIsDestroyed() async throws {
        try await withStore { store, _ in
            try await store.applyCards([Fixture.card(1)])
            let id = try #require(try await store.id(ofHref: Fixture.card(1).href))
            let before = try await store.state()
            try await store.applyCards([Fixture.card(1, etag: "2")])
            try await store.applyCards(removed: [Fixture.card(1).href])

            let changes = try await store.changes(since: before)
            #expect(changes.destroyed == [id])
            #expect(changes.created.isEmpty)
            #expect(changes.updated.isEmpty)
        }
    }

    @Test("§5.2: an href destroyed and then back keeps its id and is `updated` for a client that knew it")
    func destroyedThenRecreatedIsUpdated() async throws {
        try await withStore { store, _ in
            try await store.applyCards([Fixture.card(1)])
            let id = try #require(try await store.id(ofHref: Fixture.card(1).href))
            let before = try await store.state()
            try await store.applyCards(removed: [Fixture.card(1).href])
            let destroyed = try await store.state()
            try await store.applyCards([Fixture.card(1, etag: "2")])

            #expect(try await store.id(ofHref: Fixture.card(1).href) == id)
            let changes = try await store.changes(since: before)
            #expect(changes.updated == [id])
            #expect(changes.created.isEmpty && changes.destroyed.isEmpty)
            // A client that saw the destroy sees it created again.
            #expect(try await store.changes(since: destroyed).created == [id])
        }
    }

    @Test("§5.2: maxChanges pages through intermediate states until hasMoreChanges is false")
    func maxChangesPagination() async throws {
        try await withStore { store, _ in
            let initial = try await store.state()
            try await store.applyCards(Fixture.cards(1...10))
            // Ids that change again later, after a page boundary.
            try await store.applyCards([Fixture.card(2, etag: "2"), Fixture.card(11)])
            try await store.applyCards(removed: [Fixture.card(3).href])
            let current = try await store.state()
            let expected = try await store.changes(since: initial)

            var state = initial
            var created: [String] = []
            var updated: [String] = []
            var destroyed: [String] = []
            var pages = 0
            while true {
                let page = try await store.changes(
                    accountId: Fixture.alice, dataType: .contactCard, sinceState: state, maxChanges: 3
                )
                pages += 1
                #expect(page.oldState == state)
                #expect(page.created.count + page.updated.count + page.destroyed.count <= 3)
                created += page.created
                updated += page.updated
                destroyed += page.destroyed
                state = page.newState
                if !page.hasMoreChanges {
                    break
                }
                #expect(page.newState != current)
                try #require(pages < 20)
            }

            #expect(state == current)
            #expect(pages > 3)
            // Client-side, applying the pages in turn reaches the same set of live ids.
            let live = Set(try await store.objectIds(accountId: Fixture.alice, dataType: .contactCard))
            var known = Set<String>()
            known.formUnion(created)
            known.formUnion(updated)
            known.subtract(destroyed)
            #expect(known == live)
            #expect(Set(expected.created) == live)
        }
    }

    @Test("§5.2: a page never holds more ids than maxChanges, even for a single-change window")
    func maxChangesOfOne() async throws {
        try await withStore { store, _ in
            let initial = try await store.state()
            try await store.applyCards(Fixture.cards(1...2))
            let first = try await store.changes(
                accountId: Fixture.alice, dataType: .contactCard, sinceState: initial, maxChanges: 1
            )
            #expect(first.created.count == 1)
            #expect(first.hasMoreChanges)
            let second = try await store.changes(
                accountId: Fixture.alice, dataType: .contactCard, sinceState: first.newState, maxChanges: 1
            )
            #expect(second.created.count == 1)
            #expect(second.created != first.created)
            #expect(second.hasMoreChanges == false)
            #expect(second.newState == (try await store.state()))
        }
    }

    @Test("§5.2: the current state has no changes")
    func currentStateHasNoChanges() async throws {
        try await withStore { store, _ in
            try await store.applyCards(Fixture.cards(1...3))
            let current = try await store.state()
            let changes = try await store.changes(since: current)
            #expect(changes.newState == current)
            #expect(changes.hasMoreChanges == false)
            #expect(changes.created.isEmpty && changes.updated.isEmpty && changes.destroyed.isEmpty)
        }
    }

    @Test("§5.2: a state this store never issued is cannotCalculateChanges")
    func garbageStateCannotCalculate() async throws {
        try await withStore { store, _ in
            try await store.applyCards(Fixture.cards(1...3))
            let current = try await store.state()
            let parts = current.split(separator: "-")
            try #require(parts.count == 2)
            var garbage = [
                "", "0", "abc", "-", "\(parts[0])-", "\(parts[0])-x", "\(parts[0])--1", "\(parts[0])-99",
                "\(parts[0])-1-1", "\(parts[0])-99999999999999999999",
            ]
            // Another epoch by case only (an epoch without letters has no such twin).
            if parts[0].uppercased() != parts[0] { garbage.append("\(parts[0].uppercased())-1") }
            for garbage in garbage {
                await expectCannotCalculateChanges(store, since: garbage)
            }

            // A state of another cache file, even one with the same modseq, names another history.
            let other = TemporaryDatabase()
            defer { other.remove() }
            let otherStore = try other.open()
            defer { try? otherStore.close() }
            try await otherStore.registerAccount(id: Fixture.alice, principalURL: "https://dav.example/alice/")
            try await otherStore.applyCards(Fixture.cards(1...3))
            let foreign = try await otherStore.state()
            if foreign != current {
                await expectCannotCalculateChanges(store, since: foreign)
            }
        }
    }

    @Test("§5.2: a state older than the retained change log is cannotCalculateChanges")
    func prunedStateCannotCalculate() async throws {
        try await withStore { store, _ in
            let initial = try await store.state()
            try await store.applyCards(Fixture.cards(1...5))
            let afterFive = try await store.state()
            try await store.applyCards([Fixture.card(6), Fixture.card(7)])
            try await store.applyCards(removed: [Fixture.card(1).href])
            let current = try await store.state()

            // 8 changes so far; keeping the newest 3 keeps exactly those after `afterFive`.
            let deleted = try await store.pruneChanges(accountId: Fixture.alice, keepingNewest: 3)
            #expect(deleted == 5)
            await expectCannotCalculateChanges(store, since: initial)
            let changes = try await store.changes(since: afterFive)
            #expect(changes.created.count == 2)
            #expect(changes.destroyed.count == 1)
            #expect(try await store.changes(since: current).created.isEmpty)

            // Pruning everything keeps only the current state usable.
            try await store.pruneChanges(keepingNewest: 0)
            await expectCannotCalculateChanges(store, since: afterFive)
            #expect(try await store.changes(since: current).created.isEmpty)
            // Nothing else was lost.
            #expect(try await store.objectIds(accountId: Fixture.alice, dataType: .contactCard).count == 6)
        }
    }

    @Test("Retention purges destroyed rows, and an href seen again gets its derived id back")
    func pruneKeepsIdsDerivable() async throws {
        try await withStore { store, _ in
            try await store.applyCards(Fixture.cards(1...3))
            let id = try #require(try await store.id(ofHref: Fixture.card(2).href))
            try await store.applyCards(removed: [Fixture.card(2).href])
            try await store.pruneChanges(keepingNewest: 0)

            let before = try await store.state()
            try await store.applyCards([Fixture.card(2)])
            #expect(try await store.id(ofHref: Fixture.card(2).href) == id)
            #expect(try await store.changes(since: before).created == [id])
        }
    }

    @Test("§5.2: a state newer than the current one is cannotCalculateChanges")
    func futureStateCannotCalculate() async throws {
        try await withStore { store, _ in
            try await store.applyCards(Fixture.cards(1...3))
            let current = try await store.state()
            let parts = current.split(separator: "-")
            try #require(parts.count == 2)
            let modseq = try #require(Int(parts[1]))
            await expectCannotCalculateChanges(store, since: "\(parts[0])-\(modseq + 1)")
        }
    }
}

import Testing
@testable import FaultlineCheck

/// The search's data structures, checked after every mutation (swift-collections style).
@Suite struct SearchStructureTests {
    @Test func memoTableFindsExactlyWhatWasInsertedEvenWhenHashesCollide() {
        for words in 1...3 {
            var memo = MemoTable<Int32>(words: words, capacity: 4)
            var inserted: [([UInt64], Int32)] = []
            var rng = TestRandom(seed: UInt64(words))
            for _ in 0..<300 {
                let bits = (0..<words).map { _ in UInt64(rng.below(4)) }
                let state = Int32(rng.below(3))
                let hash = (UInt64(state) &+ bits.reduce(0, &+)) & 3     // a weak hash: collisions on purpose
                let fresh = !inserted.contains { $0.0 == bits && $0.1 == state }
                let added = bits.withUnsafeBufferPointer { memo.insert(hash: hash, bits: $0.baseAddress!, state: state) }
                #expect(added == fresh)
                if fresh { inserted.append((bits, state)) }
                memo.checkInvariants()
            }
            #expect(memo.count == inserted.count)
            memo.deallocate()
        }
    }

    @Test func intMapKeepsEveryKeyThroughGrowthAndCopies() {
        var map = IntMap(capacity: 2)
        var reference: [UInt64: Int32] = [:]
        var rng = TestRandom(seed: 9)
        for i in 0..<500 {
            let key = UInt64(rng.below(200)) << 32 | UInt64(rng.below(3))
            map.set(key, Int32(i)); reference[key] = Int32(i)
            map.checkInvariants()
        }
        var copy = map
        copy.set(1 << 60, 7)
        #expect(map.get(1 << 60) == nil, "a copy does not share its slots")
        for (k, v) in reference { #expect(map.get(k) == v) }
        #expect(map.count == reference.count)
    }

    @Test func kvStringsHoldEachStringOnceHoweverItWasBuilt() {
        var s = KVStrings()
        let a = s.valueID("ab"), b = s.valueID("c"), ab = s.valueID("abc"), x = s.answerID("abcab")
        let viaAppends = s.append(s.append(0, a), b)
        let viaPut = s.put(ab)
        #expect(viaAppends == viaPut, "\"ab\" + \"c\" and put \"abc\" are one node")
        let longer = s.append(viaPut, a)
        #expect(s.holds(longer, x) && !s.holds(viaPut, x))
        let justC = s.put(b)
        #expect(s.mayExtend(viaPut, to: x) && !s.mayExtend(justC, to: x))
        s.checkInvariants()
    }
}

import Testing
@testable import FaultlineCore

@Suite struct ProcessTests {
    @Test func crashLosesVolatileStateAndRestartRebuildsFromDisk() {
        let (sim, n, disks) = makeRecordingSimulation()
        sim.start()
        sim.schedule(at: .milliseconds(1), "send") { s in for i in 0..<3 { s.context(n[0]).send(.data(i), to: n[1]) } }
        sim.run(for: .milliseconds(100))
        #expect(sim.recorder(n[1]).volatileCounter == 3)
        sim.crash(n[1])
        #expect(sim.actor(n[1]) == nil)
        #expect(sim.status(of: n[1]) == .crashed)
        sim.run(for: .milliseconds(100))
        // The peer's kernel saw the FIN/RST: the survivor hears of it.
        #expect(sim.recorder(n[0]).disconnects.map(\.peer) == [n[1]])
        sim.restart(n[1])
        sim.run(for: .milliseconds(1))
        let reborn = sim.recorder(n[1])
        #expect(reborn.volatileCounter == 0, "volatile state died with the process")
        #expect(disks[1].durableCounter == 3, "the disk kept what it had")
        #expect(disks[1].boots == 2)
    }

    @Test func sendingToACrashedProcessIsRefused() {
        let (sim, n, _) = makeRecordingSimulation()
        sim.start()
        sim.crash(n[1])
        sim.schedule(at: .milliseconds(1), "send") { s in s.context(n[0]).send(.data(1), to: n[1]) }
        sim.run(for: .milliseconds(100))
        #expect(sim.recorder(n[0]).disconnects.map(\.peer) == [n[1]])
    }

    @Test func timersOfAnEarlierLifeNeverFire() {
        let (sim, n, _) = makeRecordingSimulation(count: 1)
        sim.start()
        sim.schedule(at: .zero, "timer") { s in s.context(n[0]).setTimer(after: .milliseconds(100), .tick("old")) }
        sim.schedule(at: .milliseconds(50), "crash") { s in s.crash(n[0]); s.restart(n[0]) }
        sim.run(for: .seconds(1))
        #expect(sim.recorder(n[0]).timers.isEmpty)
    }

    @Test func aPausedNodeHandlesNothingAndItsTimersFireLate() {
        let (sim, n, _) = makeRecordingSimulation()
        sim.start()
        sim.schedule(at: .zero, "timer") { s in s.context(n[1]).setTimer(after: .milliseconds(100), .tick("t")) }
        sim.schedule(at: .milliseconds(50), "pause") { s in s.pause(n[1]) }
        sim.schedule(at: .milliseconds(60), "send") { s in for i in 0..<3 { s.context(n[0]).send(.data(i), to: n[1]) } }
        sim.schedule(at: .milliseconds(300), "resume") { s in s.resume(n[1]) }
        sim.run(until: .milliseconds(299))
        #expect(sim.recorder(n[1]).timers.isEmpty)
        #expect(sim.recorder(n[1]).received.isEmpty)
        sim.run(for: .milliseconds(10))
        let r = sim.recorder(n[1])
        #expect(r.timers.map(\.time) == [.milliseconds(300)])
        #expect(r.received.map(\.message) == [.data(0), .data(1), .data(2)])
        #expect(r.received.allSatisfy { $0.time == .milliseconds(300) })
    }

    @Test func aFastClockFiresTimeoutsEarlyAndASlowOneLate() {
        let (sim, n, _) = makeRecordingSimulation(count: 2)
        sim.setClockDrift(n[0], ppm: 100_000)   // 10% fast
        sim.setClockDrift(n[1], ppm: -100_000)  // 10% slow
        sim.start()
        sim.schedule(at: .zero, "timers") { s in
            s.context(n[0]).setTimer(after: .seconds(1), .tick("fast"))
            s.context(n[1]).setTimer(after: .seconds(1), .tick("slow"))
        }
        sim.run(for: .seconds(3))
        let fast = sim.recorder(n[0]).timers[0].time, slow = sim.recorder(n[1]).timers[0].time
        #expect(fast >= SimTime(nanoseconds: 909_090_909) && fast <= SimTime(nanoseconds: 909_090_910))
        #expect(slow >= SimTime(nanoseconds: 1_111_111_111) && slow <= SimTime(nanoseconds: 1_111_111_112))
        // By its own clock, each fired on time.
        #expect(sim.recorder(n[0]).timers[0].local.nanoseconds >= 1_000_000_000)
    }

    @Test func aClockJumpForwardFiresTimersWhoseDeadlineItPassed() {
        let (sim, n, _) = makeRecordingSimulation(count: 1)
        sim.start()
        sim.schedule(at: .zero, "timers") { s in
            s.context(n[0]).setTimer(after: .seconds(1), .tick("near"))
            s.context(n[0]).setTimer(after: .seconds(10), .tick("far"))
        }
        sim.schedule(at: .milliseconds(200), "jump") { s in s.jumpClock(n[0], by: .seconds(2)) }
        sim.run(for: .seconds(20))
        let t = sim.recorder(n[0]).timers
        #expect(t.map(\.tag) == ["near", "far"])
        #expect(t[0].time == .milliseconds(200))
        // The clock read 2.2s at t=0.2s, so local 10s comes at t=8s.
        #expect(t[1].time == .seconds(8))
    }

    @Test func aClockJumpBackDelaysTimers() {
        let (sim, n, _) = makeRecordingSimulation(count: 1)
        sim.start()
        sim.schedule(at: .zero, "timer") { s in s.context(n[0]).setTimer(after: .seconds(1), .tick("t")) }
        sim.schedule(at: .milliseconds(500), "jump") { s in s.jumpClock(n[0], by: .zero - .seconds(1)) }
        sim.run(for: .seconds(5))
        #expect(sim.recorder(n[0]).timers.map(\.time) == [.seconds(2)])
    }

    @Test func cancelledTimersDoNotFireAndIOTimersIgnoreTheClock() {
        let (sim, n, _) = makeRecordingSimulation(count: 1)
        sim.setClockDrift(n[0], ppm: 400_000)
        sim.start()
        sim.schedule(at: .zero, "timers") { s in
            let id = s.context(n[0]).setTimer(after: .seconds(1), .tick("cancelled"))
            s.context(n[0]).cancelTimer(id)
            s.context(n[0]).afterIO(.milliseconds(5), .tick("fsync"))
        }
        sim.run(for: .seconds(5))
        #expect(sim.recorder(n[0]).timers.map(\.tag) == ["fsync"])
        #expect(sim.recorder(n[0]).timers[0].time == .milliseconds(5))
        #expect(sim.pendingTimerCount(n[0]) == 0)
    }
}

@Suite struct LocalClockTests {
    @Test func readingAndInverseAgreeForLongRuns() {
        var c = LocalClock(offset: .seconds(3), driftPPM: 250)
        let t = SimTime(nanoseconds: 40 * 3_600_000_000_000) // 40 hours: overflow-prone
        let local = c.local(at: t)
        #expect(local.nanoseconds == 3_000_000_000 + 40 * 3_600_000_000_000 + 40 * 3_600_000_000_000 / 1_000_000 * 250)
        let target = local + .seconds(1)
        let due = c.trueTime(whenLocalReads: target, now: t)
        #expect(c.local(at: due) >= target)
        #expect(c.local(at: due - .nanoseconds(1)) < target)
        c.jump(by: .seconds(-5), now: t)
        #expect(c.local(at: t).nanoseconds == local.nanoseconds - 5_000_000_000)
    }
}

@Suite struct EventQueueTests {
    @Test func popsInTimeThenInsertionOrder() {
        var q = EventQueue<Int>()
        var r = SeededRandom(seed: 9, stream: "q")
        var expected: [(Int64, Int)] = []
        for i in 0..<2000 {
            let t = Int64(r.below(50))
            q.push(i, at: SimTime(nanoseconds: t))
            expected.append((t, i))
            if i % 97 == 0 { q.checkInvariants() }
        }
        expected.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var got: [Int] = []
        while let e = q.pop() { got.append(e.payload) }
        #expect(got == expected.map(\.1))
    }
}

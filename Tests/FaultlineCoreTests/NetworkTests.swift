import Testing
@testable import FaultlineCore

@Suite struct NetworkTests {
    @Test func messagesOnOneConnectionArriveInTheOrderSentDespiteRandomLatency() {
        let (sim, n, _) = makeRecordingSimulation(seed: 7, latency: .uniform(.milliseconds(1), .milliseconds(50)))
        sim.start()
        sim.run(until: .zero)
        // One message a millisecond, each with its own random latency: without FIFO per
        // connection, a slow one would be overtaken by the next.
        for i in 0..<500 {
            sim.schedule(at: .milliseconds(Int64(i)), "send \(i)") { s in s.context(n[0]).send(.data(i), to: n[1]) }
        }
        sim.run(for: .seconds(1))
        let got = sim.recorder(n[1]).received.map(\.message)
        #expect(got == (0..<500).map { TestMessage.data($0) })
        // Latency was really random: not every message took the same time.
        let times = Set(sim.recorder(n[1]).received.map(\.time))
        #expect(times.count > 50)
    }

    @Test func nothingCrossesACutLinkInTheCutDirection() {
        let (sim, n, _) = makeRecordingSimulation()
        sim.start()
        sim.cut(from: n[0], to: n[1])
        sim.schedule(at: .milliseconds(1), "send") { s in
            for i in 0..<10 {
                s.context(n[0]).send(.data(i), to: n[1])
                s.context(n[0]).sendDatagram(.data(100 + i), to: n[1])
                s.context(n[1]).sendDatagram(.data(200 + i), to: n[0])
            }
        }
        sim.run(for: .seconds(1))
        #expect(sim.recorder(n[1]).received.isEmpty)
        // Datagrams honour a one-way cut: the other direction still works.
        #expect(sim.recorder(n[0]).received.map(\.message) == (200..<210).map { TestMessage.data($0) })
        // A partition is silent: nobody was told.
        #expect(sim.recorder(n[0]).disconnects.isEmpty)
    }

    @Test func messagesInFlightDieWithTheirConnectionAndTheSenderLearnsOnlyAfterHealing() {
        let (sim, n, _) = makeRecordingSimulation()
        sim.start()
        sim.schedule(at: .milliseconds(1), "send") { s in
            for i in 0..<5 { s.context(n[0]).send(.data(i), to: n[1]) }
        }
        // In flight for 10 ms: cut at 5 ms, heal at 6 ms.
        sim.schedule(at: .milliseconds(5), "cut") { s in s.cutBoth(n[0], n[1]) }
        sim.schedule(at: .milliseconds(6), "heal") { s in s.heal() }
        sim.run(for: .milliseconds(100))
        #expect(sim.recorder(n[1]).received.isEmpty)
        #expect(sim.recorder(n[0]).disconnects.isEmpty)
        #expect(sim.context(n[0]).hasConnection(to: n[1]), "a dead socket still looks open to its end")
        // The first send on the dead socket after healing draws an RST.
        sim.schedule(at: sim.now, "send again") { s in s.context(n[0]).send(.data(99), to: n[1]) }
        sim.run(for: .milliseconds(100))
        #expect(sim.recorder(n[1]).received.isEmpty)
        #expect(sim.recorder(n[0]).disconnects.map(\.peer) == [n[1]])
        // Reconnecting works and the new connection delivers.
        sim.schedule(at: sim.now, "reconnect") { s in s.context(n[0]).send(.data(100), to: n[1]) }
        sim.run(for: .milliseconds(100))
        #expect(sim.recorder(n[1]).received.map(\.message) == [.data(100)])
    }

    @Test func healingRestoresDeliveryOnANewConnection() {
        let (sim, n, _) = makeRecordingSimulation(count: 3)
        sim.start()
        sim.isolate(n[2])
        sim.schedule(at: .milliseconds(1), "send") { s in s.context(n[2]).send(.data(1), to: n[0]) }
        sim.run(for: .milliseconds(50))
        #expect(sim.recorder(n[0]).received.isEmpty)
        sim.heal()
        // The hung connect is given up by the sender's own timeout, then it retries.
        sim.schedule(at: sim.now, "retry") { s in
            s.context(n[2]).disconnect(from: n[0])
            s.context(n[2]).send(.data(2), to: n[0])
        }
        sim.run(for: .milliseconds(50))
        #expect(sim.recorder(n[0]).received.map(\.message) == [.data(2)])
    }

    @Test func splitAndBridgeCutExactlyTheLinksBetweenSides() {
        let (sim, n, _) = makeRecordingSimulation(count: 5)
        let (majority, minority) = sim.splitMajorityMinority(n)
        #expect(majority == Array(n[0..<3]) && minority == Array(n[3..<5]))
        for a in n { for b in n where a != b {
            let sameSide = majority.contains(a) == majority.contains(b)
            #expect(sim.network.isCut(from: a, to: b) == !sameSide)
        } }
        sim.heal()
        #expect(sim.network.cutLinks.isEmpty)
        sim.bridge([n[0], n[1], n[2]], [n[2], n[3], n[4]], via: n[2])
        #expect(!sim.network.isCut(from: n[0], to: n[2]) && !sim.network.isCut(from: n[4], to: n[2]))
        #expect(sim.network.isCut(from: n[0], to: n[4]) && sim.network.isCut(from: n[3], to: n[1]))
    }

    @Test func cloggedLinkDelaysButDoesNotLose() {
        let (sim, n, _) = makeRecordingSimulation()
        sim.start()
        sim.clog(from: n[0], to: n[1], until: .milliseconds(500))
        sim.schedule(at: .milliseconds(1), "send") { s in
            for i in 0..<3 { s.context(n[0]).send(.data(i), to: n[1]) }
        }
        sim.run(for: .seconds(1))
        let r = sim.recorder(n[1]).received
        #expect(r.map(\.message) == [.data(0), .data(1), .data(2)])
        #expect(r.allSatisfy { $0.time >= .milliseconds(500) })
    }

    @Test func datagramFaultsDropDuplicateAndReorderAtTheirRates() {
        let sim = Simulation<TestMessage>(seed: 3, network: Network(
            defaultLatency: .constant(.milliseconds(1)),
            datagramFaults: DatagramFaults(drop: Ratio(1, 10), duplicate: Ratio(1, 10), reorder: Ratio(1, 5))))
        let a = sim.addNode(name: "a", make: { _ in RecordingActor(disk: TestDisk()) })
        let b = sim.addNode(name: "b", make: { _ in RecordingActor(disk: TestDisk()) })
        sim.start()
        sim.schedule(at: .zero, "send") { s in for i in 0..<2000 { s.context(a).sendDatagram(.data(i), to: b) } }
        sim.run(for: .seconds(1))
        let got = sim.recorder(b).received.compactMap { if case .data(let i) = $0.message { return i } else { return nil } }
        let distinct = Set(got)
        #expect(distinct.count > 1700 && distinct.count < 1900, "about 10% dropped")
        #expect(got.count - distinct.count > 100, "about 10% duplicated")
        #expect(got != got.sorted(), "some reordered")
    }
}

@Suite struct ConnectionResetTests {
    /// A socket that drew an RST stays unusable until its owner hears so: a second send
    /// before the notice must not open a new connection behind its back, or the peer would
    /// see the second message without the first (a stream with a hole in the middle).
    @Test func aSendAfterAResetButBeforeTheNoticeIsLostToo() {
        let (sim, n, _) = makeRecordingSimulation()
        sim.start()
        sim.schedule(at: .milliseconds(1), "open") { s in s.context(n[0]).send(.data(0), to: n[1]) }
        sim.schedule(at: .milliseconds(20), "cut") { s in s.cutBoth(n[0], n[1]) }
        sim.schedule(at: .milliseconds(30), "heal") { s in s.heal() }
        sim.schedule(at: .milliseconds(40), "two sends") { s in
            s.context(n[0]).send(.data(1), to: n[1])   // draws the RST
            s.context(n[0]).send(.data(2), to: n[1])   // must not slip through on a new connection
        }
        sim.run(for: .milliseconds(200))
        #expect(sim.recorder(n[1]).received.map(\.message) == [.data(0)])
        #expect(sim.recorder(n[0]).disconnects.map(\.peer) == [n[1]], "exactly one notice")
        sim.schedule(at: sim.now, "after the notice") { s in s.context(n[0]).send(.data(3), to: n[1]) }
        sim.run(for: .milliseconds(100))
        #expect(sim.recorder(n[1]).received.map(\.message) == [.data(0), .data(3)])
    }

    @Test func aRefusedSocketStaysDeadUntilItsOwnerHearsSoEvenIfThePeerRestarts() {
        let (sim, n, _) = makeRecordingSimulation()
        sim.start()
        sim.crash(n[1])
        sim.schedule(at: .milliseconds(1), "refused") { s in s.context(n[0]).send(.data(1), to: n[1]) }
        sim.schedule(at: .milliseconds(2), "restart") { s in s.restart(n[1]) }
        sim.schedule(at: .milliseconds(3), "too early") { s in s.context(n[0]).send(.data(2), to: n[1]) }
        sim.run(for: .milliseconds(200))
        #expect(sim.recorder(n[1]).received.isEmpty)
        #expect(sim.recorder(n[0]).disconnects.map(\.peer) == [n[1]])
    }

    @Test func theClosedSideOfAConnectionCannotSlipAMessageOntoANewOneBeforeItHearsTheFIN() {
        let (sim, n, _) = makeRecordingSimulation()
        sim.start()
        sim.schedule(at: .milliseconds(1), "open") { s in s.context(n[0]).send(.data(0), to: n[1]) }
        sim.schedule(at: .milliseconds(20), "close and talk") { s in
            s.context(n[1]).send(.data(10), to: n[0])     // in flight when a closes
            s.context(n[0]).disconnect(from: n[1])
            s.context(n[1]).send(.data(11), to: n[0])     // b has not heard the FIN yet
        }
        sim.run(for: .milliseconds(200))
        #expect(sim.recorder(n[0]).received.isEmpty, "neither of b's messages may arrive")
        #expect(sim.recorder(n[1]).disconnects.map(\.peer) == [n[0]])
    }
}

/// A connect across a cut hangs as Linux's does: SYN retransmissions 1, 3, 7, 15, 31 and
/// 63 s after the first, ETIMEDOUT at 127 s.
@Suite struct HungConnectTests {
    @Test func aConnectDuringAPartitionCompletesAtTheFirstSYNRetransmissionAfterTheHeal() {
        let (sim, n, _) = makeRecordingSimulation()
        sim.start()
        sim.cutBoth(n[0], n[1])
        sim.schedule(at: .milliseconds(100), "connect and write") { s in
            for i in 0..<3 { s.context(n[0]).send(.data(i), to: n[1]) }
        }
        sim.schedule(at: .milliseconds(2_000), "heal") { s in s.heal() }
        sim.run(until: .milliseconds(3_000))
        #expect(sim.recorder(n[1]).received.isEmpty, "the retransmission at 1.1 s met the cut, the next is due at 3.1 s")
        #expect(sim.context(n[0]).hasConnection(to: n[1]), "the connecting socket is the end's")
        sim.run(until: .seconds(4))
        let got = sim.recorder(n[1]).received
        #expect(got.map(\.message) == [.data(0), .data(1), .data(2)], "the buffer follows in order")
        #expect(got.allSatisfy { $0.time == .milliseconds(3_110) }, "SYN at 3.1 s plus the 10 ms link")
        #expect(sim.recorder(n[0]).disconnects.isEmpty)
    }

    @Test func aConnectThatNeverGetsThroughFailsAfter127Seconds() {
        let (sim, n, _) = makeRecordingSimulation()
        sim.start()
        sim.isolate(n[1])
        sim.schedule(at: .seconds(1), "connect") { s in s.context(n[0]).send(.data(1), to: n[1]) }
        sim.run(until: .seconds(127))
        #expect(sim.recorder(n[0]).disconnects.isEmpty)
        sim.run(until: .seconds(200))
        #expect(sim.recorder(n[0]).disconnects.map(\.time) == [.seconds(128)], "ETIMEDOUT")
        #expect(sim.messagesLost == 1)
        sim.heal()
        sim.schedule(at: sim.now, "again") { s in s.context(n[0]).send(.data(2), to: n[1]) }
        sim.run(for: .seconds(1))
        #expect(sim.recorder(n[1]).received.map(\.message) == [.data(2)])
    }

    @Test func aProcessConnectTimeoutGivesUpBeforeTheKernelDoes() {
        let (sim, n, _) = makeRecordingSimulation(count: 3)
        sim.start()
        sim.isolate(n[1])
        sim.cutBoth(n[2], n[0])
        sim.schedule(at: .seconds(1), "connect with a 5 s timeout") { s in
            s.context(n[0]).setConnectTimeout(.seconds(5))
            s.context(n[0]).send(.data(1), to: n[1])
            s.context(n[0]).send(.data(2), to: n[2])
        }
        // The 3 s retransmission (at 4 s) still makes it to n[2] once that cut heals.
        sim.schedule(at: .milliseconds(3_500), "heal n[2]") { s in s.heal(n[2], n[0]) }
        sim.run(until: .seconds(20))
        #expect(sim.recorder(n[2]).received.map(\.message) == [.data(2)])
        #expect(sim.recorder(n[2]).received.first?.time == .milliseconds(4_010))
        #expect(sim.recorder(n[0]).disconnects.map(\.time) == [.seconds(6)], "only n[1]'s connect timed out")
        #expect(sim.recorder(n[0]).disconnects.map(\.peer) == [n[1]])
    }

    @Test func anEndThatGivesUpOrCrashesTakesItsBufferWithIt() {
        let (sim, n, _) = makeRecordingSimulation(count: 3)
        sim.start()
        sim.isolate(n[1])
        sim.schedule(at: .milliseconds(10), "two connects") { s in
            s.context(n[0]).send(.data(1), to: n[1])
            s.context(n[2]).send(.data(2), to: n[1])
        }
        sim.schedule(at: .milliseconds(500), "give up, crash") { s in
            s.context(n[0]).disconnect(from: n[1])
            s.crash(n[2])
        }
        sim.schedule(at: .milliseconds(600), "heal") { s in s.heal() }
        sim.run(until: .seconds(10))
        #expect(sim.recorder(n[1]).received.isEmpty)
        #expect(sim.recorder(n[0]).disconnects.isEmpty, "closing your own socket brings no notice")
        #expect(sim.messagesLost == 2)
    }

    @Test func aRetransmissionThatReachesACrashedPeerIsRefused() {
        let (sim, n, _) = makeRecordingSimulation()
        sim.start()
        sim.cutBoth(n[0], n[1])
        sim.schedule(at: .milliseconds(10), "connect") { s in s.context(n[0]).send(.data(1), to: n[1]) }
        sim.schedule(at: .milliseconds(500), "crash, heal") { s in s.crash(n[1]); s.heal() }
        sim.run(until: .seconds(2))
        #expect(sim.recorder(n[0]).disconnects.map(\.time) == [.milliseconds(1_030)], "RST one round trip after the SYN")
    }
}

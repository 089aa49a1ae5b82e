import Testing
@testable import FaultlineCore

@Suite struct SimDurationTests {
    @Test func readsDurationsAsPeopleWriteThem() {
        #expect(SimDuration.parse("250ms") == .milliseconds(250))
        #expect(SimDuration.parse("1.5s") == .milliseconds(1500))
        #expect(SimDuration.parse("2m") == .minutes(2))
        #expect(SimDuration.parse("1m30s") == .seconds(90))
        #expect(SimDuration.parse("10us") == .microseconds(10))
        #expect(SimDuration.parse("7ns") == .nanoseconds(7))
        #expect(SimDuration.parse("1h") == .hours(1))
        #expect(SimDuration.parse("0") == .zero)
        #expect(SimDuration.parse(" 3s ") == .seconds(3))
    }

    @Test func rejectsWhatIsNotADuration() {
        for bad in ["", "5", "ms", "1.s", ".5", "-1s", "1.5ns", "1x", "1s2", "s1", "99999999999999999999s", "1..5s"] {
            #expect(SimDuration.parse(bad) == nil, "\(bad) should not parse")
        }
    }

    @Test func printsWhatItReadsBack() {
        #expect(SimDuration.milliseconds(250).description == "250ms")
        #expect(SimDuration.milliseconds(1500).description == "1.5s")
        #expect(SimDuration.minutes(2).description == "2m")
        #expect(SimDuration.seconds(90).description == "90s")
        #expect(SimDuration.zero.description == "0s")
        var rng = SeededRandom(seed: 1, stream: "durations")
        for _ in 0..<2000 {
            let d = SimDuration(nanoseconds: rng.int(in: 0...10_000_000_000_000))
            #expect(SimDuration.parse(d.description) == d, "\(d.nanoseconds)ns printed as \(d)")
        }
    }
}

/// A min-heap of events ordered by (time, insertion sequence).
///
/// The sequence number breaks ties between events at the same nanosecond in the order
/// they were scheduled, so the order never depends on anything but the run itself.
/// An implicit binary heap in one array: no allocation per event once it has grown.
public struct EventQueue<Payload> {
    public struct Entry {
        public let time: SimTime
        public let sequence: UInt64
        public let payload: Payload
        @inlinable init(time: SimTime, sequence: UInt64, payload: Payload) {
            self.time = time; self.sequence = sequence; self.payload = payload
        }
    }

    @usableFromInline var heap: [Entry] = []
    @usableFromInline var nextSequence: UInt64 = 0

    public init() {}

    @inlinable public var count: Int { heap.count }
    @inlinable public var isEmpty: Bool { heap.isEmpty }
    /// The time of the earliest event, if any.
    @inlinable public var nextTime: SimTime? { heap.first?.time }
    /// How many events were ever pushed: the next sequence number.
    @inlinable public var pushedCount: UInt64 { nextSequence }

    @inlinable static func before(_ a: Entry, _ b: Entry) -> Bool {
        a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
    }

    @inlinable public mutating func push(_ payload: Payload, at time: SimTime) {
        let entry = Entry(time: time, sequence: nextSequence, payload: payload)
        nextSequence &+= 1
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) >> 1
            if !EventQueue.before(entry, heap[parent]) { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = entry
    }

    @inlinable public mutating func pop() -> Entry? {
        guard let last = heap.popLast() else { return nil }
        if heap.isEmpty { return last }
        let top = heap[0]
        // Sift `last` down from the root.
        let n = heap.count
        var i = 0
        while true {
            let left = 2 * i + 1
            if left >= n { break }
            let right = left + 1
            let smaller = right < n && EventQueue.before(heap[right], heap[left]) ? right : left
            if !EventQueue.before(heap[smaller], last) { break }
            heap[i] = heap[smaller]
            i = smaller
        }
        heap[i] = last
        return top
    }

    /// Debug check: every parent precedes its children.
    public func checkInvariants() {
        for i in 1..<max(1, heap.count) {
            let parent = (i - 1) >> 1
            precondition(!EventQueue.before(heap[i], heap[parent]), "heap order broken at \(i)")
        }
    }
}

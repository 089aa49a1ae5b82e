/// A min-heap of events ordered by (time, insertion sequence).
///
/// The sequence number breaks ties between events at the same nanosecond in the order
/// they were scheduled, so the order never depends on anything but the run itself.
/// The heap holds only 24-byte keys (time, sequence, slot); payloads wait in a slab of
/// reusable slots, so sifting moves small values however large a message is, and nothing
/// is allocated per event once both arrays have grown.
public struct EventQueue<Payload> {
    public struct Entry {
        public let time: SimTime
        public let sequence: UInt64
        public let payload: Payload
        @inlinable init(time: SimTime, sequence: UInt64, payload: Payload) {
            self.time = time; self.sequence = sequence; self.payload = payload
        }
    }

    @usableFromInline struct Key {
        @usableFromInline let time: Int64
        @usableFromInline let sequence: UInt64
        @usableFromInline let slot: Int32
        @inlinable init(time: Int64, sequence: UInt64, slot: Int32) {
            self.time = time; self.sequence = sequence; self.slot = slot
        }
        @inlinable func precedes(_ other: Key) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
        }
    }

    @usableFromInline var heap: [Key] = []
    @usableFromInline var slots: [Payload?] = []
    @usableFromInline var freeSlots: [Int32] = []
    @usableFromInline var nextSequence: UInt64 = 0

    public init() {}

    @inlinable public var count: Int { heap.count }
    @inlinable public var isEmpty: Bool { heap.isEmpty }
    /// The time of the earliest event, if any.
    @inlinable public var nextTime: SimTime? { heap.first.map { SimTime(nanoseconds: $0.time) } }
    /// How many events were ever pushed: the next sequence number.
    @inlinable public var pushedCount: UInt64 { nextSequence }

    @inlinable public mutating func push(_ payload: Payload, at time: SimTime) {
        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            slots[Int(reused)] = payload
        } else {
            precondition(slots.count < Int(Int32.max), "event queue slab is full")
            slot = Int32(slots.count)
            slots.append(payload)
        }
        let key = Key(time: time.nanoseconds, sequence: nextSequence, slot: slot)
        nextSequence &+= 1
        heap.append(key)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) >> 1
            if !key.precedes(heap[parent]) { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = key
    }

    @inlinable public mutating func pop() -> Entry? {
        guard let last = heap.popLast() else { return nil }
        var top = last
        if !heap.isEmpty {
            top = heap[0]
            let n = heap.count
            var i = 0
            while true {
                let left = 2 * i + 1
                if left >= n { break }
                let right = left + 1
                let smaller = right < n && heap[right].precedes(heap[left]) ? right : left
                if !heap[smaller].precedes(last) { break }
                heap[i] = heap[smaller]
                i = smaller
            }
            heap[i] = last
        }
        let payload = slots[Int(top.slot)].unsafelyUnwrapped
        slots[Int(top.slot)] = nil
        freeSlots.append(top.slot)
        return Entry(time: SimTime(nanoseconds: top.time), sequence: top.sequence, payload: payload)
    }

    /// Debug check: every parent precedes its children, and every key's slot holds a payload.
    public func checkInvariants() {
        for i in 0..<heap.count {
            precondition(slots[Int(heap[i].slot)] != nil, "heap key \(i) points at an empty slot")
            if i > 0 { precondition(!heap[i].precedes(heap[(i - 1) >> 1]), "heap order broken at \(i)") }
        }
        precondition(heap.count + freeSlots.count == slots.count, "slab slots leaked")
    }
}

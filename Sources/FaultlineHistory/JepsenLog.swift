/// Jepsen's log lines, as `jepsen.util/log-op` prints them while a test runs:
/// `INFO  jepsen.util - 3	:invoke	:cas	[1 4]` (process, type, f, value; tabs or spaces).
///
/// The etcd corpus from Knossos/Porcupine is in this form. Lines without
/// `jepsen.util -` are other log output and skipped; a line that has it must be a whole
/// op or the file is rejected with that line. The log has no times, so each op's line
/// number stands in for its time, which keeps real-time order exact.
public enum JepsenLog {
    static let marker = Array("jepsen.util -".utf8)

    public static func parse(bytes: [UInt8], file: String? = nil) throws(HistoryError) -> (History, lines: [Int]) {
        var history = History()
        var lines: [Int] = []
        var lineNumber = 0
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            if let op = try line(bytes[start..<end], number: lineNumber, file: file) {
                history.append(op); lines.append(lineNumber)
            }
            start = end + 1
        }
        return (history, lines)
    }

    static func line(_ text: ArraySlice<UInt8>, number: Int, file: String?) throws(HistoryError) -> Operation? {
        guard let at = find(marker, in: text) else { return nil }
        let rest = Array(text[(at + marker.count)...])
        var reader = EDNReader(bytes: rest, file: file)
        func fail(_ m: String) -> HistoryError { HistoryError(file: file, line: number, m) }
        func form() throws(HistoryError) -> EDN? {
            do { return try reader.next()?.form } catch { throw fail(error.message) }
        }
        guard let p = try form() else { throw fail("expected 'process :type :f value' after 'jepsen.util -'") }
        let process: Int
        switch p {
        case .int(let i) where i >= 0 && i <= Int64(Int32.max): process = Int(i)
        case .keyword: return nil                               // :nemesis ops
        default: throw fail("expected a process number after 'jepsen.util -', found \(p.kindDescription)")
        }
        guard let t = try form(), case .keyword(let tname) = t, let type = OpType(rawValue: tname) else {
            throw fail("expected :invoke, :ok, :fail or :info after process \(process)")
        }
        guard let fv = try form(), case .keyword(let f) = fv else {
            throw fail("expected the operation as a keyword (:read, :write, :cas) after :\(tname)")
        }
        let value: Value
        if let v = try form() {
            do { value = try EDNHistory.convert(v) } catch { throw fail("value: \(error.message)") }
        } else {
            value = .null
        }
        // Anything after the value is Jepsen's optional error text; it does not change the op.
        return Operation(process: process, type: type, f: f, value: value, time: Int64(number))
    }

    static func find(_ needle: [UInt8], in hay: ArraySlice<UInt8>) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = hay.startIndex
        while i + needle.count <= hay.endIndex {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}

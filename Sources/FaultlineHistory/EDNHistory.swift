/// Jepsen EDN histories: one op map per line, as Jepsen writes `history.edn`
/// (`{:process 0, :type :invoke, :f :write, :value 3, :time 1234, :index 0}`), or one
/// vector holding all the maps. `:key` and `:node` are Faultline's additions, and the
/// kv corpus's lines (`{:process 9, :type :ok, :f :get, :key "0", :value "x"}`) read the same way.
public enum EDNHistory {
    /// Parses EDN op maps. Ops whose `:process` is not an integer (Jepsen's `:nemesis`)
    /// are skipped: they are faults, not client operations. Without `:time`, an op's
    /// position stands in for it.
    public static func parse(bytes: [UInt8], file: String? = nil) throws(HistoryError) -> (History, lines: [Int]) {
        var reader = EDNReader(bytes: bytes, file: file)
        var history = History()
        var lines: [Int] = []
        while let (form, line) = try reader.next() {
            switch form {
            case .map:
                if let op = try operation(form, line: line, file: file, position: history.count) {
                    history.append(op); lines.append(line)
                }
            case .vector(let items), .list(let items):
                for item in items {
                    if let op = try operation(item, line: line, file: file, position: history.count) {
                        history.append(op); lines.append(line)
                    }
                }
            default:
                throw HistoryError(file: file, line: line, "expected an op map like {:process 0, :type :invoke, :f :read}, found \(form.kindDescription)")
            }
        }
        return (history, lines)
    }

    static func operation(_ form: EDN, line: Int, file: String?, position: Int) throws(HistoryError) -> Operation? {
        func fail(_ m: String) -> HistoryError { HistoryError(file: file, line: line, m) }
        guard case .map = form else { throw fail("expected an op map, found \(form.kindDescription)") }
        guard let p = form[keyword: "process"] else { throw fail("op map has no :process") }
        guard case .int(let process) = p else {
            if case .keyword = p { return nil }          // :nemesis and friends
            throw fail(":process must be an integer or a keyword, found \(p.kindDescription)")
        }
        guard let t = form[keyword: "type"] else { throw fail("op map has no :type") }
        guard case .keyword(let tname) = t, let type = OpType(rawValue: tname) else {
            throw fail(":type must be one of :invoke :ok :fail :info, found \(t.kindDescription)")
        }
        guard let fv = form[keyword: "f"] else { throw fail("op map has no :f") }
        let f: String
        switch fv {
        case .keyword(let s), .string(let s), .symbol(let s): f = s
        default: throw fail(":f must be a keyword, found \(fv.kindDescription)")
        }
        var key: String?
        if let k = form[keyword: "key"] {
            switch k {
            case .null: key = nil
            case .string(let s), .keyword(let s), .symbol(let s): key = s
            case .int(let i): key = String(i)
            default: throw fail(":key must be a string, keyword or integer, found \(k.kindDescription)")
            }
        }
        let value: Value
        do { value = try convert(form[keyword: "value"] ?? .null) } catch { throw fail(":value: \(error.message)") }
        var time = Int64(position)
        if let tv = form[keyword: "time"] {
            guard case .int(let ns) = tv else { throw fail(":time must be an integer (nanoseconds), found \(tv.kindDescription)") }
            time = ns
        }
        var node: String?
        if let n = form[keyword: "node"] {
            switch n {
            case .null: node = nil
            case .string(let s), .keyword(let s), .symbol(let s): node = s
            default: throw fail(":node must be a string, found \(n.kindDescription)")
            }
        }
        guard process >= Int64(Int.min) && process <= Int64(Int.max) else { throw fail(":process is out of range") }
        return Operation(process: Int(process), type: type, f: f, key: key, value: value, time: time, node: node)
    }

    /// An EDN value as a history `Value`. Keywords keep their colon (`:timed-out`) so they
    /// stay distinguishable from strings; tagged values keep their payload.
    public static func convert(_ e: EDN) throws(HistoryError) -> Value {
        switch e {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .string(let s), .symbol(let s): return .string(s)
        case .keyword(let k): return .string(":" + k)
        case .vector(let items), .list(let items), .set(let items):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try convert(item)) }
            return .list(out)
        case .tagged(_, let inner): return try convert(inner)
        case .double, .map:
            throw HistoryError("expected nil, a boolean, an integer, a string or a vector, found \(e.kindDescription)")
        }
    }

    /// The history as EDN, one op map per line, in the shape Jepsen's `history.edn` has
    /// (`:index`, `:time`, `:type`, `:process`, `:f`, `:value`), plus `:key` and `:node`
    /// when set. Keyword-looking strings (":timed-out") are written back as keywords.
    public static func export(_ history: History) -> String {
        var out = ""
        for op in history.operations {
            out += "{:index \(op.index), :time \(op.time), :type :\(op.type.rawValue), :process \(op.process), :f \(keyword(op.f))"
            if let key = op.key { out += ", :key \(Value.ednQuoted(key))" }
            out += ", :value \(ednText(op.value))"
            if let node = op.node { out += ", :node \(Value.ednQuoted(node))" }
            out += "}\n"
        }
        return out
    }

    static func keyword(_ name: String) -> String {
        let ok = !name.isEmpty && name.utf8.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
                || b == 0x2D || b == 0x5F || b == 0x3F || b == 0x21 || b == 0x2A || b == 0x2E
        } && !(name.utf8.first! >= 0x30 && name.utf8.first! <= 0x39)
        return ok ? ":" + name : Value.ednQuoted(name)
    }

    static func ednText(_ v: Value) -> String {
        switch v {
        case .string(let s) where s.hasPrefix(":") && s.count > 1 && keyword(String(s.dropFirst())) == s: return s
        case .list(let items): return "[" + items.map(ednText).joined(separator: " ") + "]"
        default: return v.description
        }
    }
}

/// The manifest of a Redis 7 multi-part AOF (`appendonly.aof.manifest` in
/// `appenddirname`): one line per file, `file <name> seq <n> type <b|h|i>`, naming at most
/// one base file, the history files awaiting deletion and the incremental files in order.
public struct AOFManifest: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var name: String
        public var seq: Int
        public init(name: String, seq: Int) { self.name = name; self.seq = seq }
    }

    public var base: Entry?
    public var incrementals: [Entry] = []
    public var history: [Entry] = []

    public init(base: Entry? = nil, incrementals: [Entry] = [], history: [Entry] = []) {
        self.base = base; self.incrementals = incrementals; self.history = history
    }

    /// `appendonly.aof.<seq>.base.rdb` for an RDB base (`aof-use-rdb-preamble yes`, the
    /// default), `appendonly.aof.<seq>.base.aof` for a RESP one.
    public static func baseName(_ filename: String, seq: Int, rdb: Bool = false) -> String {
        "\(filename).\(seq).base.\(rdb ? "rdb" : "aof")"
    }
    /// `appendonly.aof.<seq>.incr.aof`.
    public static func incrName(_ filename: String, seq: Int) -> String { "\(filename).\(seq).incr.aof" }

    /// The text Redis writes: base first, then history, then the incrementals.
    public var text: String {
        var s = ""
        if let b = base { s += "file \(b.name) seq \(b.seq) type b\n" }
        for h in history { s += "file \(h.name) seq \(h.seq) type h\n" }
        for i in incrementals { s += "file \(i.name) seq \(i.seq) type i\n" }
        return s
    }

    /// Reads a manifest; errors name the file and line and say what was expected.
    public static func parse(_ bytes: [UInt8], path: String) throws(StorageError) -> AOFManifest {
        var manifest = AOFManifest()
        let text = String(decoding: bytes, as: UTF8.self)
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(separator: " ").map(String.init)
            guard words.count % 2 == 0 else {
                throw .badFormat(path: path, line: lineNumber, expected: "key value pairs: file <name> seq <n> type <b|h|i>")
            }
            var name: String?, seq: Int?, type: String?
            var k = 0
            while k < words.count {
                switch words[k] {
                case "file": name = words[k + 1]
                case "seq": seq = Int(words[k + 1])
                case "type": type = words[k + 1]
                default: break // unknown keys are skipped, as Redis does for forward compatibility
                }
                k += 2
            }
            guard let name, !name.contains("/") else { throw .badFormat(path: path, line: lineNumber, expected: "a file name without '/'") }
            guard let seq, seq >= 1 else { throw .badFormat(path: path, line: lineNumber, expected: "seq as a positive number") }
            let entry = Entry(name: name, seq: seq)
            switch type {
            case "b":
                guard manifest.base == nil else { throw .badFormat(path: path, line: lineNumber, expected: "at most one base file") }
                manifest.base = entry
            case "h": manifest.history.append(entry)
            case "i":
                if let last = manifest.incrementals.last, last.seq >= seq {
                    throw .badFormat(path: path, line: lineNumber, expected: "incremental seq greater than \(last.seq)")
                }
                manifest.incrementals.append(entry)
            default: throw .badFormat(path: path, line: lineNumber, expected: "type b, h or i")
            }
        }
        return manifest
    }
}

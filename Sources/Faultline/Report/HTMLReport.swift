import Foundation
import FaultlineCore
import FaultlineCheck
import FaultlineHistory

/// The self-contained HTML timeline of one run: a lane per server coloured by role, fault
/// bands across the lanes they hit, a lane per client with each operation from invocation
/// to completion coloured ok / fail / info, and the first violation outlined. Inline SVG
/// and CSS only: it opens from a file with no network.
public enum HTMLReport {
    static let width = 1400.0, left = 110.0, laneHeight = 22.0, laneGap = 6.0

    public static func render(_ r: RunResult, scenario: Scenario) -> String {
        let total = max(1, r.simulatedTime.nanoseconds)
        let plot = width - left - 160
        func x(_ t: Int64) -> Double { left + Double(t) / Double(total) * plot }
        var svg: [String] = []
        var y = 30.0
        svg.append(axis(total: total, x: x, height: 0))

        // Server lanes, role segments from the samples.
        var laneY: [String: Double] = [:]
        for name in r.nodeNames {
            laneY[name] = y
            svg.append("<text x=\"\(left - 8)\" y=\"\(y + 15)\" class=\"lane\" text-anchor=\"end\">\(escape(name))</text>")
            let samples = r.roleSamples.filter { $0.node == name }
            for (k, s) in samples.enumerated() {
                let end = k + 1 < samples.count ? samples[k + 1].time.nanoseconds : total
                let w = max(0.5, x(end) - x(s.time.nanoseconds))
                svg.append("<rect class=\"role \(cssClass(s.role))\" x=\"\(f(x(s.time.nanoseconds)))\" y=\"\(y)\" width=\"\(f(w))\" height=\"\(laneHeight)\">"
                           + "<title>\(escape(name)): \(escape(s.role)) from \(s.time.sinceStart)</title></rect>")
                if w > 48 { svg.append("<text x=\"\(f(x(s.time.nanoseconds) + 3))\" y=\"\(y + 15)\" class=\"rolename\">\(escape(s.role))</text>") }
            }
            y += laneHeight + laneGap
        }
        let serversBottom = y
        // Fault bands on the lanes of the nodes they hit; faults that hit no node in
        // particular (heal, a partition of groups) span every server lane.
        for fault in r.faults {
            let start = fault.start.nanoseconds, end = (fault.end ?? SimTime(nanoseconds: total)).nanoseconds
            let w = max(2, x(end) - x(start))
            let tip = "<title>\(escape(fault.summary)) \(fault.start.sinceStart)–\(SimTime(nanoseconds: end).sinceStart)</title>"
            let lanes = fault.nodes.compactMap { laneY[$0] }
            if lanes.isEmpty {
                svg.append("<rect class=\"fault\" x=\"\(f(x(start)))\" y=\"28\" width=\"\(f(w))\" height=\"\(f(serversBottom - 30))\">\(tip)</rect>")
            }
            for ly in lanes {
                svg.append("<rect class=\"fault\" x=\"\(f(x(start)))\" y=\"\(f(ly - 2))\" width=\"\(f(w))\" height=\"\(f(laneHeight + 4))\">\(tip)</rect>")
            }
            let top = lanes.min() ?? 30
            svg.append("<text x=\"\(f(x(start) + 2))\" y=\"\(f(top - 4))\" class=\"faultlabel\">\(escape(fault.summary))</text>")
        }
        y += 10
        // Client lanes.
        let highlighted = Set(r.checks.filter { $0.result.passed == false }.flatMap { $0.result.evidence.map(\.index) })
        let pairs = (try? r.history.pairs()) ?? []
        let processes = Array(Set(pairs.map(\.process))).sorted()
        for p in processes {
            svg.append("<text x=\"\(left - 8)\" y=\"\(y + 13)\" class=\"lane\" text-anchor=\"end\">client \(p)</text>")
            for pair in pairs where pair.process == p {
                let t0 = pair.invoke.time, t1 = pair.completion?.time ?? total
                let cls = pair.outcome.rawValue + (highlighted.contains(pair.invoke.index) || pair.completion.map { highlighted.contains($0.index) } == true ? " violation" : "")
                svg.append("<rect class=\"op \(cls)\" x=\"\(f(x(t0)))\" y=\"\(y + 2)\" width=\"\(f(max(1, x(t1) - x(t0))))\" height=\"\(laneHeight - 6)\">"
                           + "<title>\(escape(pair.invoke.f)) \(escape(pair.key ?? "")) \(escape(pair.invoke.value.description)) → \(pair.outcome.rawValue)"
                           + "\(pair.completion.map { " " + escape($0.value.description) } ?? "") [\(escape(pair.completion?.node ?? ""))] #\(pair.invoke.index)</title></rect>")
            }
            y += laneHeight - 4
        }
        // The safety/liveness boundary and the first violation's moment.
        svg.append("<line class=\"phase\" x1=\"\(f(x(r.safetyEnd.nanoseconds)))\" x2=\"\(f(x(r.safetyEnd.nanoseconds)))\" y1=\"20\" y2=\"\(f(y))\"/>")
        svg.append("<text class=\"phaselabel\" x=\"\(f(x(r.safetyEnd.nanoseconds) + 3))\" y=\"\(f(y + 12))\">liveness: heal, restart, converge</text>")
        for v in r.checks where v.result.passed == false {
            if let t = v.time {
                svg.append("<line class=\"violationline\" id=\"violation-\(escape(v.result.name))\" x1=\"\(f(x(t.nanoseconds)))\" x2=\"\(f(x(t.nanoseconds)))\" y1=\"20\" y2=\"\(f(y))\"><title>\(escape(v.result.name)): \(escape(v.result.detail))</title></line>")
            }
        }
        let height = y + 30
        return page(r, scenario: scenario, svg: svg.joined(separator: "\n"), height: height)
    }

    static func axis(total: Int64, x: (Int64) -> Double, height: Double) -> String {
        var out: [String] = []
        let seconds = max(1, total / 1_000_000_000)
        let step: Int64 = seconds <= 20 ? 1 : seconds <= 60 ? 5 : seconds <= 300 ? 30 : 60
        var s: Int64 = 0
        while s * 1_000_000_000 <= total {
            let px = x(s * 1_000_000_000)
            out.append("<line class=\"tick\" x1=\"\(f(px))\" x2=\"\(f(px))\" y1=\"14\" y2=\"20\"/><text class=\"tick\" x=\"\(f(px))\" y=\"12\" text-anchor=\"middle\">\(s)s</text>")
            s += step
        }
        return out.joined()
    }

    static func page(_ r: RunResult, scenario: Scenario, svg: String, height: Double) -> String {
        let c = r.operationCounts
        var checks = ""
        for v in r.checks {
            checks += "<li class=\"\(v.result.passed == true ? "pass" : "fail")\"><b>\(v.mark) \(escape(v.result.name))</b>"
                + (v.expected == .pass ? "" : " <i>(expected \(v.expected.rawValue): \(v.met ? "as expected" : "not met"))</i>")
                + "<br>\(escape(v.result.detail))</li>\n"
        }
        let states = r.nodeStates.map { "<li>\(escape($0.node)): \(escape($0.state))</li>" }.joined()
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Faultline: \(escape(r.scenario)) seed \(r.seed)</title>
        <style>
        body { font: 14px system-ui, sans-serif; margin: 20px; color: #222; }
        h1 { font-size: 20px; } .meta { color: #555; }
        li.pass b { color: #1a7f37; } li.fail b { color: #cf222e; }
        svg text { font: 11px system-ui, sans-serif; } text.lane { font-weight: 600; }
        .role { stroke: #fff; stroke-width: 0.5; } .role.primary, .role.leader, .role.master { fill: #1f4e9e; }
        .role.backup, .role.follower, .role.replica, .role.observer { fill: #9bb7e0; }
        .role.looking, .role.candidate, .role.sentinel { fill: #e3b341; } .role.crashed, .role.down { fill: #888; }
        .role.paused { fill: #d4a72c; } .role.other { fill: #c9d1d9; }
        text.rolename { fill: #fff; pointer-events: none; }
        .fault { fill: rgba(207, 34, 46, 0.18); stroke: #cf222e; stroke-dasharray: 3 2; }
        text.faultlabel { fill: #cf222e; }
        .op.ok { fill: #2da44e; } .op.fail { fill: #cf222e; } .op.info { fill: #e3b341; }
        .op.violation { stroke: #000; stroke-width: 2.5; }
        line.phase { stroke: #555; stroke-dasharray: 6 3; } text.phaselabel { fill: #555; }
        line.violationline { stroke: #000; stroke-width: 2; } line.tick { stroke: #999; } text.tick { fill: #777; }
        .legend span { display: inline-block; padding: 1px 6px; margin-right: 6px; color: #fff; border-radius: 3px; }
        </style></head><body>
        <h1>\(escape(r.scenario))</h1>
        <p class="meta">\(escape(scenario.description))</p>
        <p class="meta">\(escape(r.system)), preset <b>\(escape(r.preset))</b>, seed \(r.seed), trace hash <code>\(r.traceHashHex)</code>,
        \(r.events) events, \(String(format: "%.1f", r.simulatedTime.secondsForReport)) s simulated.
        Operations: \(c.ok) ok, \(c.fail) fail, \(c.info) info (availability \(ScenarioCLI.percent(r.availability))).
        Verdict: <b id="verdict">\(r.expectationsMet ? "every expectation held" : "expectation not met: " + escape(r.failedExpectations.joined(separator: ", ")))</b></p>
        <ul id="checks">\(checks)</ul>
        <p class="legend"><span style="background:#1f4e9e">leader / primary</span><span style="background:#9bb7e0">follower / replica</span><span style="background:#888">crashed</span><span style="background:#2da44e">ok</span><span style="background:#cf222e">fail</span><span style="background:#e3b341">info</span> red bands: faults; outlined: the operations of the first violation</p>
        <svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))">
        \(svg)
        </svg>
        <h2>Final node states</h2><ul>\(states)</ul>
        <script>
        // Counts the operations the browser really laid out (a headless test reads it back).
        document.addEventListener('DOMContentLoaded', function () {
          var n = 0;
          document.querySelectorAll('#timeline rect.op').forEach(function (e) { if (e.getBBox().width > 0) n++; });
          document.body.setAttribute('data-rendered-ops', String(n));
        });
        </script>
        </body></html>

        """
    }

    static func cssClass(_ role: String) -> String {
        let known = ["primary", "leader", "master", "backup", "follower", "replica", "observer", "looking", "candidate", "sentinel", "crashed", "down", "paused"]
        let r = role.lowercased()
        return known.first { r.hasPrefix($0) } ?? "other"
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}

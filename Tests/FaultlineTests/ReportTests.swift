import Foundation
import Testing
@testable import Faultline

@Suite struct ReportTests {
    static func report(_ dir: URL) throws -> (path: String, html: String) {
        let scenario = TestSupport.write(TestSupport.isolatedPrimary, dir, "s.json")
        let out = dir.appendingPathComponent("r.html").path
        let r = TestSupport.cli(["report", scenario, "--out", out])
        #expect(r.code == ExitCode.success, "\(r.err)")
        return (out, try String(contentsOfFile: out, encoding: .utf8))
    }

    @Test func reportHasNodeLanesFaultBandsColouredOpsAndTheViolation() throws {
        let (_, html) = try ReportTests.report(TestSupport.temporaryDirectory("report"))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("http://") || html.contains("xmlns=\"http://www.w3.org/2000/svg\""), "no network resources")
        #expect(!html.contains("<link") && !html.contains("src="))
        for lane in ["n1", "n2", "n3"] { #expect(html.contains(">\(lane)</text>")) }
        #expect(html.contains("class=\"role primary\""))
        #expect(html.contains("class=\"role backup\""))
        #expect(html.contains("class=\"fault\""))
        #expect(html.contains("isolate n1 (primary)"))
        #expect(html.contains("class=\"op ok"))
        #expect(html.contains("violation\""), "the lost write is outlined")
        #expect(html.contains("id=\"violation-lost-writes\""))
    }

    @Test func reportRendersInHeadlessChromium() throws {
        let browser = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let browser else { print("skipping: chromium is not installed (apt-get install chromium)"); return }
        let (path, _) = try ReportTests.report(TestSupport.temporaryDirectory("chromium"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments = ["90", browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                       "--user-data-dir=" + NSTemporaryDirectory() + "faultline-chromium-\(getpid())", "--dump-dom", "file://" + path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let dom = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard let range = dom.range(of: "data-rendered-ops=\"") else {
            Issue.record("chromium did not run the report's layout check (exit \(p.terminationStatus)): \(dom.prefix(300))"); return
        }
        let count = Int(dom[range.upperBound...].prefix { $0.isNumber }) ?? 0
        #expect(count > 100, "chromium laid out \(count) operations")
        #expect(dom.contains("id=\"timeline\""))
    }
}

import Foundation
import Lexicon
import SigilTestSupport
import Testing

/// `sigil observe` as a process against the stand-in world: counts served as pages, JSON and metrics; a restart
/// resumes from the cursor (the consumer rewinds, nothing is counted twice); the report for CI; and the pages in
/// a real headless browser (Debian's chromium, driven by Selenium from the test virtual environment).
@Suite(.serialized, .tags(.process, .slow), .kinds(.process, .slow)) struct ObservatoryProcessTests {
    static let author = LexiconResolutionTests.author

    /// Polls `url` until `condition` holds for its JSON (a condition, not a sleep); the last JSON.
    func waitFor(_ url: String, timeout: Duration = .seconds(30), _ condition: (JSONValue) -> Bool) async throws -> JSONValue {
        let deadline = ContinuousClock.now + timeout
        var last: JSONValue = .null
        while ContinuousClock.now < deadline {
            if let answer = try? await fetch(url), answer.status == 200, let json = try? JSONValue(parsing: Array(answer.body.utf8)) {
                last = json
                if condition(json) { return json }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting on \(url); last: \(last.jsonString.prefix(2_000))")
        return last
    }

    static func seen(_ json: JSONValue, _ nsid: String) -> Int64? {
        json["collections"]?.arrayValue?.first { $0["nsid"]?.stringValue == nsid }?["seen"]?.integerValue
    }

    @Test func theObservatoryServesItsCountsSurvivesARestartAndReadsWellInABrowser() async throws {
        let world = try LexiconWorld()
        let data = temporaryDirectory("observe-data")
        let shots = ProcessInfo.processInfo.environment["SIGIL_SCREENSHOT_DIR"] ?? temporaryDirectory("observe-shots")
        defer {
            try? FileManager.default.removeItem(atPath: data)
            if ProcessInfo.processInfo.environment["SIGIL_SCREENSHOT_DIR"] == nil { try? FileManager.default.removeItem(atPath: shots) }
        }
        try await world.serve {
            try await world.publish(Self.author, seed: 11, schemas: [recordSchema(ObservatoryTests.post)])
            await world.setTXT(LexiconResolutionTests.txt, ["did=\(Self.author)"])
            for event in ObservatoryTests.mix { await world.emit(event) }
            let environment = ["SIGIL_DNS_SERVER": world.dns.server, "SIGIL_PLC_URL": await world.base + "/plc"]
            let arguments = ["--jetstream", "ws://127.0.0.1:\(await world.port)/subscribe", "--data", data, "--port", "0", "--insecure-loopback"]

            let first = try ServeProcess(arguments, command: "observe", environment: environment)
            let port = try await first.waitUntilListening()
            let base = "http://127.0.0.1:\(port)"
            let json = try await waitFor(base + "/observatory.json") {
                Self.seen($0, ObservatoryTests.post) == 6 && Self.seen($0, "org.nowhere.app.thing") == 1 && Self.seen($0, ObservatoryTests.like) == 1
            }
            let post = try #require(json["collections"]?.arrayValue?.first { $0["nsid"] == .string(ObservatoryTests.post) })
            #expect(post["valid"] == 3 && post["invalid"] == 3)
            #expect(post["lexicon"]?["did"] == .string(Self.author))
            let overview = try await fetch(base + "/").body
            #expect(overview.contains("href=\"/collection/com.example.feed.post\""))
            let page = try await fetch(base + "/collection/com.example.feed.post").body
            #expect(page.contains("<table class=\"violations\">") && page.contains(Self.author))
            let metrics = try await fetch(base + "/metrics").body
            #expect(metrics.contains("observatory_records_total{result=\"invalid\"} 3"), "\(metrics)")
            let notSeen = try await fetch(base + "/collection/com.example.never.seen").status
            #expect(notSeen == 404)

            // The pages in a real browser: overview, a collection link, its violation table, the search box.
            let browsed = try await browse(base, screenshots: shots)
            #expect(browsed.contains("violations: 3"), "\(browsed)")
            #expect(browsed.contains("search: com.example.feed.post"), "\(browsed)")

            kill(first.process.processIdentifier, SIGTERM)
            #expect(try await first.waitForExit() == 0)

            // Two more posts while it is down; the restart reads the stream again from its cursor (rewound).
            await world.emit(ObservatoryTests.event(2_000, ObservatoryTests.post, ["text": "while down"]))
            await world.emit(ObservatoryTests.event(2_001, ObservatoryTests.post, ["text": "and another"]))
            let second = try ServeProcess(arguments, command: "observe", environment: environment)
            let secondBase = "http://127.0.0.1:\(try await second.waitUntilListening())"
            let after = try await waitFor(secondBase + "/observatory.json") { Self.seen($0, ObservatoryTests.post) == 8 }
            #expect(Self.seen(after, ObservatoryTests.post) == 8)
            #expect(Self.seen(after, "org.nowhere.app.thing") == 1)
            #expect(await world.subscriptions.last??.isEmpty == false)
            kill(second.process.processIdentifier, SIGTERM)
            #expect(try await second.waitForExit() == 0)

            // The report for CI.
            let junit = try await runSigil(["observe", "report", "--data", data, "--format", "junit", "--since", "1h", "--fail-on-invalid"])
            #expect(junit.status == 1)
            #expect(junit.stdout.contains("<testcase classname=\"com.example.feed.post\" name=\"8 records\">"), "\(junit.stdout)")
            #expect(junit.stdout.contains("<failure message=\"3 of 8 records invalid\">"))
            let report = try await runSigil(["observe", "report", "--data", data, "--format", "json"])
            #expect(report.status == 0)
            let parsed = try JSONValue(parsing: Array(report.stdout.utf8))
            #expect(parsed["collections"]?.arrayValue?.first?["seen"] == 8)
        }
    }

    /// Drives chromium through the pages; one line per finding, screenshots in `screenshots` (each checked to be
    /// more than a blank page).
    func browse(_ base: String, screenshots: String) async throws -> String {
        try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ArrobaRepos.python)
        process.arguments = ["-c", Self.browser, base, screenshots]
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": screenshots]
        let result = try await run(process, timeout: .seconds(120))
        guard result.status == 0 else {
            throw ArrobaRepos.Failure(description: "the browser test failed: \(result.stdout) \(result.stderr.suffix(3_000))")
        }
        return result.stdout
    }

    static let browser = #"""
        import os, sys
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By

        base, shots = sys.argv[1], sys.argv[2]
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        driver.set_page_load_timeout(30)

        def shot(name):
            path = os.path.join(shots, name + ".png")
            driver.save_screenshot(path)
            size = os.path.getsize(path)
            text = driver.execute_script("return document.body.innerText")
            assert size > 8000 and len(text) > 100, f"{name} looks blank ({size} bytes, {len(text)} characters of text)"
            print(f"screenshot {name}: {size} bytes")

        try:
            driver.get(base + "/")
            assert "How the network" in driver.find_element(By.TAG_NAME, "h1").text
            shot("overview")
            driver.find_element(By.LINK_TEXT, "com.example.feed.post").click()
            assert driver.current_url.endswith("/collection/com.example.feed.post"), driver.current_url
            rows = driver.find_elements(By.CSS_SELECTOR, "table.violations tbody tr")
            print(f"violations: {len(rows)}")
            assert any("/text" in row.text for row in rows)
            shot("collection")
            box = driver.find_element(By.NAME, "q")
            box.clear()
            box.send_keys("feed.post")
            box.submit()
            found = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "table.collections tbody tr td:first-child a")]
            print("search: " + ", ".join(found))
            shot("search")
            driver.find_element(By.LINK_TEXT, "com.example.feed").click()
            shot("authority")
        finally:
            driver.quit()
        """#
}

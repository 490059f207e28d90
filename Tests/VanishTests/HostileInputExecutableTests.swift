import Foundation
import GradientData
import Testing
import TestSupport

/// Inputs written to break vanish, given to the built binary: no file outside the folder meant
/// for it, no trap, and after any failure the output folder holds exactly what it held before.
@Suite("vanish withstands hostile input (executable)")
struct HostileInputExecutableTests {
    typealias Workspace = BadInputExecutableTests.Workspace

    static let zooSmall = TestPaths.fixtures.appendingPathComponent("histories/zoo-small.json")

    /// zoo-small.json with its spec's name replaced by `name` (JSON-escaped here).
    static func history(named name: String) throws -> Data {
        let text = String(decoding: try Data(contentsOf: zooSmall), as: UTF8.self)
        let escaped = String(decoding: try JSONEncoder().encode(name), as: UTF8.self)
        return Data(text.replacingOccurrences(of: "\"name\": \"zoo-small\"", with: "\"name\": \(escaped)").utf8)
    }

    @Test func namesInsideHistoriesNeverLeaveReports() throws {
        let names = ["../../escaped", "..", ".", "", "a/b", "/tmp/escaped", ".hidden", "tab\there", String(repeating: "n", count: 300)]
        var files: [String: Data] = [:]
        for (i, name) in names.enumerated() { files["deep/er/history\(i).json"] = try Self.history(named: name) }
        let workspace = try Workspace(files)
        let cwd = workspace.root.appendingPathComponent("deep/er")
        for i in names.indices {
            let outcome = try VanishExecutable.run(["run", "--from-history", "history\(i).json", "--format", "png"], in: cwd)
            #expect(outcome.status == 2, "\(names[i]): \(outcome.stderr)")
            #expect(outcome.stderr.contains("history\(i).json: name:") && outcome.stderr.contains("give --out"), "\(outcome.stderr)")
            #expect(VanishExecutable.contents(of: workspace.root) == workspace.inputs, "\(names[i]) wrote files")
        }
        // The same history with --out is fine: the name is only data then.
        let outcome = try VanishExecutable.run(["run", "--from-history", "history0.json", "--format", "pdf", "--out", "out", "--quiet"], in: cwd)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(VanishExecutable.contents(of: cwd.appendingPathComponent("out")) == [".vanish-files", "history.csv", "history.json", "report.pdf"])
    }

    /// A spec of `networks` tiny networks (depth 2, width 4) trained for `steps` steps with `seeds` seeds each.
    static func manyRunsSpec(networks: Int, seeds: Int, steps: Int) -> Data {
        let list = (0..<networks).map { #"{"name": "net\#($0)", "activation": "\#(["relu", "sigmoid", "tanh"][$0 % 3])"}"# }
        return Data(("""
            {"name": "many", "dataset": "digits", "depth": 2, "width": 4, "steps": \(steps), "batchSize": 16,
             "optimizer": {"kind": "sgd", "learningRate": 0.1}, "seeds": [\((0..<seeds).map(String.init).joined(separator: ", "))],
             "networks": [\(list.joined(separator: ", "))]}
            """).utf8)
    }

    @Test func hundredThousandSeedsAreRefusedBeforeTraining() throws {
        let workspace = try Workspace(["seeds.json": Self.manyRunsSpec(networks: 1, seeds: 100_000, steps: 5)])
        let started = Date()
        let outcome = try VanishExecutable.run(["run", "seeds.json", "--out", "out"], in: workspace.root)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        let lines = outcome.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("seeds.json: seeds: 1 network(s) × 100000 seed(s) = 100000 runs need about "), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("more than this machine's"), "\(outcome.stderr)")
        // Refused from the sizes alone: no seed's data beyond the first was loaded, nothing trained.
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(VanishExecutable.contents(of: workspace.root) == workspace.inputs)
    }

    @Test func thousandsOfRunsAreDrawnCappedAndSaySo() throws {
        // 120 networks × 25 seeds = 3000 runs of one step: trained, then drawn within the cap.
        let workspace = try Workspace(["many.json": Self.manyRunsSpec(networks: 120, seeds: 25, steps: 1)])
        let outcome = try VanishExecutable.run(["run", "many.json", "--out", "out", "--format", "svg", "--quiet"], in: workspace.root)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let figures = workspace.root.appendingPathComponent("out/figures")
        let written = VanishExecutable.contents(of: figures)
        // Seven comparisons and three figures for each of the 12 runs drawn.
        #expect(written.count == 7 + 3 * 12, "\(written.count) figures")
        #expect(written.contains("heatmaps.svg") && written.contains("heatmap-net11-seed0.svg") && !written.contains("heatmap-net12-seed0.svg"))
        #expect(VanishExecutable.contents(of: workspace.root.appendingPathComponent("out")).contains("history.json"))
    }

    /// A spec that only a signal ends: 50 million steps of a tiny network.
    static let longSpec = BadInputExecutableTests.spec {
        $0.replacingOccurrences(of: "\"steps\": 20", with: "\"steps\": 50000000, \"recordEvery\": 100000")
    }

    /// Starts a long run into `out` (inside `workspace`), waits until training has begun, sends
    /// `signal` and returns what vanish said.
    static func interrupt(_ workspace: Workspace, out: String, with signal: Int32) throws -> VanishExecutable.Outcome {
        let folder = workspace.root.appendingPathComponent(out)
        let running = try VanishExecutable.start(["run", "long.json", "--out", out, "--quiet"], in: workspace.root)
        while running.process.isRunning && !VanishExecutable.contents(of: folder).contains(where: { $0.hasPrefix(".vanish-partial-") }) {
            usleep(20_000)
        }
        usleep(200_000)
        kill(running.process.processIdentifier, signal)
        return running.finish()
    }

    @Test(arguments: [(SIGTERM, Int32(143)), (SIGHUP, Int32(129)), (SIGINT, Int32(130))])
    func signalsStopLikeCtrlC(signal: Int32, status: Int32) throws {
        let workspace = try Workspace(["long.json": Self.longSpec, "kept/notes.txt": Data("mine".utf8)])
        // A new folder is not left behind; an existing one keeps exactly what it held.
        for out in ["new", "kept"] {
            let outcome = try Self.interrupt(workspace, out: out, with: signal)
            #expect(outcome.status == status, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("interrupted: nothing was written to \(out)"), "\(outcome.stderr)")
            #expect(VanishExecutable.contents(of: workspace.root) == workspace.inputs, "signal \(signal) left files in \(out)")
        }
    }

    @Test func staleStagingFoldersOfDeadRunsAreRemovedButNotLiveOnes() throws {
        let workspace = try Workspace([
            "out/notes.txt": Data("mine".utf8),
            "out/.vanish-partial-dead/history.json": Data("{}".utf8),
            "out/.vanish-partial-1-locked-dead/figures/a.png": Data("x".utf8),
            "out/.vanish-partial-1-locked-dead.lock": Data(),
            "out/.vanish-partial-2-live/history.json": Data("{}".utf8),
            "out/.vanish-partial-2-live.lock": Data(),
        ])
        // This process holds the live one's lock, as its own run would.
        let live = open(workspace.root.appendingPathComponent("out/.vanish-partial-2-live.lock").path, O_RDWR)
        #expect(live >= 0 && flock(live, LOCK_EX | LOCK_NB) == 0)
        defer { close(live) }
        let outcome = try VanishExecutable.run(["run", "--from-history", Self.zooSmall.path, "--out", "out", "--format", "pdf", "--quiet"],
                                               in: workspace.root)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let left = VanishExecutable.contents(of: workspace.root.appendingPathComponent("out"))
        #expect(left == [".vanish-files", ".vanish-partial-2-live", ".vanish-partial-2-live.lock", ".vanish-partial-2-live/history.json",
                         "history.csv", "history.json", "notes.txt", "report.pdf"])
    }

    @Test func commitIsAllOrNothingAndRemovesOnlyWhatVanishWrote() throws {
        let workspace = try Workspace(["out/notes.txt": Data("mine".utf8)])
        let out = workspace.root.appendingPathComponent("out")
        func run(_ format: String) throws -> VanishExecutable.Outcome {
            try VanishExecutable.run(["run", "--from-history", Self.zooSmall.path, "--out", "out", "--format", format, "--quiet"],
                                     in: workspace.root)
        }
        #expect(try run("png").status == 0)
        #expect(VanishExecutable.contents(of: out).contains("figures/heatmap-sigmoid.png"))
        // A folder where a figure goes: nothing moves, the old history survives.
        try FileManager.default.removeItem(at: out.appendingPathComponent("figures/summary.png"))
        try FileManager.default.createDirectory(at: out.appendingPathComponent("figures/summary.png"), withIntermediateDirectories: false)
        try Data("old".utf8).write(to: out.appendingPathComponent("history.json"))
        let before = VanishExecutable.contents(of: out)
        let refused = try run("png,pdf")
        #expect(refused.status == 2 && refused.stderr.contains("figures/summary.png is a folder, not a file"), "\(refused.stderr)")
        #expect(VanishExecutable.contents(of: out) == before)
        #expect(try Data(contentsOf: out.appendingPathComponent("history.json")) == Data("old".utf8))
        // The figures of the earlier run go when a run no longer writes them; the user's file stays.
        try FileManager.default.removeItem(at: out.appendingPathComponent("figures/summary.png"))
        #expect(try run("pdf").status == 0)
        #expect(VanishExecutable.contents(of: out) == [".vanish-files", "figures", "history.csv", "history.json", "notes.txt", "report.pdf"])
    }

    @Test func hugeStepsAndOutOfRangeNumbersAreNoCrash() throws {
        let history = String(decoding: try Data(contentsOf: Self.zooSmall), as: UTF8.self)
        let firstValue = try #require(history.range(of: "\"weightGradNorm\": [\n          ["))
        let valueEnd = try #require(history[firstValue.upperBound...].firstIndex(of: ","))
        func withFirstValue(_ text: String) -> Data {
            Data((history[..<firstValue.upperBound] + text + history[valueEnd...]).utf8)
        }
        let workspace = try Workspace([
            "steps.csv": Data("network,step,layer,weightGradNorm\nmlp,4611686018427387904,a,1\nmlp,4611686018427387905,a,1\n".utf8),
            "nul.csv": Data("network,step,layer,weightGradNorm\nmlp,0,a\u{0}b,1\n".utf8),
            "huge.json": withFirstValue("1e39"),
            "tiny.json": withFirstValue("1e-50"),
        ])
        try workspace.refuses(["run", "--import", "steps.csv", "--out", "out"],
                              saying: ["steps.csv, line 2: step 4611686018427387904 is larger than 9007199254740992"])
        try workspace.refuses(["render", "nul.csv", "--out", "out"], saying: ["nul.csv, line 2: column 3 holds a NUL byte"])
        for name in ["huge.json", "tiny.json"] {
            let outcome = try VanishExecutable.run(["render", name, "--out", "out-\(name)"], in: workspace.root)
            #expect(outcome.status == 0, "\(name): \(outcome.stderr)")
        }
        let read = try GradientHistory.load(contentsOf: workspace.root.appendingPathComponent("huge.json"))
        #expect(read.runs[0].stats.weightGradNorm[0][0] == .infinity)
        let tiny = try GradientHistory.load(contentsOf: workspace.root.appendingPathComponent("tiny.json"))
        #expect(tiny.runs[0].stats.weightGradNorm[0][0] == 0)
    }

    @Test func renderPutsBackWhatItMovedWhenATargetIsAFolder() throws {
        let workspace = try Workspace(["figs/notes.txt": Data("mine".utf8)])
        let figs = workspace.root.appendingPathComponent("figs")
        #expect(try VanishExecutable.run(["render", Self.zooSmall.path, "--out", "figs"], in: workspace.root).status == 0)
        // heatmaps.png is moved before summary.png: it must be put back when summary.png cannot be replaced.
        try Data("old heatmaps".utf8).write(to: figs.appendingPathComponent("heatmaps.png"))
        try FileManager.default.removeItem(at: figs.appendingPathComponent("summary.png"))
        try FileManager.default.createDirectory(at: figs.appendingPathComponent("summary.png"), withIntermediateDirectories: false)
        let before = VanishExecutable.contents(of: figs)
        let outcome = try VanishExecutable.run(["render", Self.zooSmall.path, "--out", "figs"], in: workspace.root)
        #expect(outcome.status == 2 && outcome.stderr.contains("summary.png is a folder, not a file"), "\(outcome.stderr)")
        #expect(VanishExecutable.contents(of: figs) == before)
        #expect(try Data(contentsOf: figs.appendingPathComponent("heatmaps.png")) == Data("old heatmaps".utf8))
    }

    @Test func optionsAndSpecialFilesGetTruthfulMessages() throws {
        let oneClass = (0..<100).map { "\(Double($0) / 7),\(Double($0 % 5)),0" }
        let workspace = try Workspace([
            "small.json": BadInputExecutableTests.spec(),
            "one.csv": Data((["x,y,label"] + oneClass).joined(separator: "\n").utf8),
            "one.json": BadInputExecutableTests.spec {
                $0.replacingOccurrences(of: "\"spirals\"", with: "{\"csv\": \"one.csv\", \"labelColumn\": \"last\"}")
                    .replacingOccurrences(of: "\"batchSize\": 32", with: "\"batchSize\": 8")
            },
            "big.json": Data(repeating: UInt8(ascii: " "), count: 2 << 20),
        ])
        try workspace.refuses(["run", "small.json", "--threads", "-5", "--out", "out"], saying: ["--threads must be at least 1, found -5"])
        try workspace.refuses(["train", "small.json", "--seed", "-3", "--out", "out"], saying: ["--seed must be 0 or more, found -3"])
        try workspace.refuses(["run", "small.json", "--dpi", "35.9", "--out", "out"], saying: ["--dpi 35.9 is out of range"])
        try workspace.refuses(["render", "/dev/zero", "--out", "out"], saying: ["/dev/zero: is a device, not a file"])
        try workspace.refuses(["run", "/dev/null", "--out", "out"], saying: ["/dev/null: is a device, not a file"])
        try workspace.refuses(["run", "one.json", "--out", "out"], saying: ["one.csv: every example has the label 0"])
        try workspace.refuses(["run", "big.json", "--out", "out"], saying: ["big.json: is 2097152 bytes"])
        let fifo = workspace.root.appendingPathComponent("pipe.csv")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        try Workspace(folder: workspace.root).refuses(["render", "pipe.csv", "--out", "out"], saying: ["pipe.csv: is a named pipe (FIFO)"])
    }
}

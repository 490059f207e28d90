import Foundation
import GradientData
import Testing
import TestSupport

/// Every class of bad input, given to the built `vanish` binary: exit status 2, one line that
/// names the file and the problem, and no file written anywhere.
@Suite("vanish refuses bad input (executable)")
struct BadInputExecutableTests {
    /// A folder holding `files` (name → bytes), the only things that may be in it afterwards.
    struct Workspace {
        let root: URL
        let inputs: [String]

        init(_ files: [String: Data]) throws {
            root = try TestPaths.makeTemporaryFolder("vanish-bad-input")
            for (name, data) in files {
                let url = root.appendingPathComponent(name)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
            }
            inputs = VanishExecutable.contents(of: root)
        }

        /// Runs vanish here and checks the common promise: status 2, one line on stderr holding every
        /// word of `words`, nothing on stdout, no new file or folder.
        func refuses(_ arguments: [String], saying words: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
            let outcome = try VanishExecutable.run(arguments, in: root)
            let call = arguments.joined(separator: " ")
            #expect(outcome.status == 2, "\(call): status \(outcome.status), stderr \(outcome.stderr)", sourceLocation: sourceLocation)
            #expect(outcome.stderr.hasPrefix("Error: "), "\(call): \(outcome.stderr)", sourceLocation: sourceLocation)
            #expect(outcome.stderr.filter { $0 == "\n" }.count == 1, "\(call): \(outcome.stderr)", sourceLocation: sourceLocation)
            for word in words {
                #expect(outcome.stderr.contains(word), "\(call): '\(word)' missing from \(outcome.stderr)", sourceLocation: sourceLocation)
            }
            #expect(!outcome.stderr.contains("Fatal error") && !outcome.stderr.contains("Stack dump"), sourceLocation: sourceLocation)
            #expect(outcome.stdout.isEmpty, "\(call): \(outcome.stdout)", sourceLocation: sourceLocation)
            #expect(VanishExecutable.contents(of: root) == inputs, "\(call) left files behind", sourceLocation: sourceLocation)
        }
    }

    /// A small valid spec (spirals, a few steps) with `edit` applied to its text.
    static func spec(_ edit: (String) -> String = { $0 }) -> Data {
        let text = """
            {"name": "small", "dataset": "spirals", "depth": 3, "width": 8, "batchSize": 32, "steps": 20,
             "optimizer": {"kind": "sgd", "learningRate": 0.1, "momentum": 0.9}, "seeds": [0],
             "networks": [
               {"name": "sigmoid", "activation": "sigmoid"},
               {"name": "relu", "activation": "relu", "init": "he-normal"},
               {"name": "tanh", "activation": "tanh"}]}
            """
        return Data(edit(text).utf8)
    }

    @Test func badSpecs() throws {
        let cases: [(String, Data, [String])] = [
            ("typo.json", Self.spec { $0.replacingOccurrences(of: "\"depth\"", with: "\"depht\"") },
             ["typo.json: depht: unknown key", "did you mean \"depth\"?"]),
            ("syntax.json", Self.spec { $0.replacingOccurrences(of: "\"width\": 8,", with: "\"width\": 8") },
             ["syntax.json: not valid JSON at line 1, column", "expected ',' or '}'"]),
            ("type.json", Self.spec { $0.replacingOccurrences(of: "\"depth\": 3", with: "\"depth\": \"3\"") },
             ["type.json: depth: expected an integer, found a string"]),
            ("fraction.json", Self.spec { $0.replacingOccurrences(of: "\"depth\": 3", with: "\"depth\": 2.5") },
             ["fraction.json: depth: expected an integer", "2.5"]),
            ("zero.json", Self.spec { $0.replacingOccurrences(of: "\"steps\": 20", with: "\"steps\": 0") },
             ["zero.json: steps: must be at least 1, found 0"]),
            ("rate.json", Self.spec { $0.replacingOccurrences(of: "\"learningRate\": 0.1", with: "\"learningRate\": 0") },
             ["rate.json: optimizer.learningRate: must be greater than 0"]),
            ("seeds.json", Self.spec { $0.replacingOccurrences(of: "\"seeds\": [0]", with: "\"seeds\": []") },
             ["seeds.json: seeds: needs at least one seed"]),
            ("networks.json", Self.spec { $0.components(separatedBy: "\"networks\"")[0] + "\"networks\": []}" },
             ["networks.json: networks: needs at least one network"]),
            ("twice.json", Self.spec { $0.replacingOccurrences(of: "\"seeds\": [0],", with: "\"seeds\": [0], \"depth\": 4,") },
             ["twice.json: not valid JSON at line 2, column", "key \"depth\" appears twice"]),
            ("activation.json", Self.spec { $0.replacingOccurrences(of: "\"activation\": \"tanh\"", with: "\"activation\": \"tahn\"") },
             ["activation.json: networks[2].activation: unknown activation 'tahn'", "valid: sigmoid, tanh, relu"]),
            ("init.json", Self.spec { $0.replacingOccurrences(of: "\"he-normal\"", with: "\"kaiming\"") },
             ["init.json: networks[1].init: unknown init 'kaiming'", "xavier-normal, he-normal, nielsen"]),
            ("memory.json", Self.spec { $0.replacingOccurrences(of: "\"depth\": 3", with: "\"depth\": 1000000000") },
             ["memory.json: networks[", "needs about", "of memory", "more than this machine's"]),
            ("empty.json", Data(), ["empty.json: the file is empty"]),
            ("array.json", Data("[1, 2]".utf8), ["array.json: expected an object, found an array"]),
            ("binary.json", Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]), ["binary.json: not UTF-8 text"]),
        ]
        let workspace = try Workspace(Dictionary(uniqueKeysWithValues: cases.map { ($0.0, $0.1) }))
        for (name, _, words) in cases {
            try workspace.refuses(["run", name, "--out", "out"], saying: words)
        }
        // `train` reads specs the same way; a folder and a missing name are named as such.
        try workspace.refuses(["train", "typo.json", "--out", "out"], saying: ["did you mean \"depth\"?"])
        let withFolder = try Workspace([:])
        try FileManager.default.createDirectory(at: withFolder.root.appendingPathComponent("folder.json"), withIntermediateDirectories: false)
        try Workspace(folder: withFolder.root).refuses(["run", "folder.json"], saying: ["folder.json: is a folder, not a spec file"])
        try workspace.refuses(["run", "zo"], saying: ["no spec file 'zo'", "did you mean \"zoo\"?"])
    }

    @Test func badRecurrentSpecs() throws {
        let good = """
            {"name": "t", "task": {"kind": "adding", "length": 10}, "batchSize": 8, "steps": 2,
             "optimizer": {"kind": "adam", "learningRate": 0.01}, "seeds": [0],
             "networks": [{"name": "rnn", "cell": "tanh", "hidden": 8}, {"name": "lstm", "cell": "lstm", "hidden": 8}]}
            """
        func edit(_ old: String, _ new: String) -> Data { Data(good.replacingOccurrences(of: old, with: new).utf8) }
        let workspace = try Workspace([
            "length.json": edit("\"length\": 10", "\"length\": 0"),
            "cell.json": edit("\"cell\": \"lstm\"", "\"cell\": \"lstmm\""),
            "mlp.json": edit("\"cell\": \"lstm\", \"hidden\": 8", "\"activation\": \"relu\", \"depth\": 3"),
            "both.json": edit("\"batchSize\"", "\"dataset\": \"digits\", \"batchSize\""),
        ])
        for command in ["run", "train"] {
            try workspace.refuses([command, "length.json", "--out", "out"], saying: ["length.json: task.length: must be at least 1, found 0"])
            try workspace.refuses([command, "cell.json", "--out", "out"],
                                  saying: ["cell.json: networks[1].cell: unknown cell 'lstmm'", "did you mean \"lstm\"?"])
            try workspace.refuses([command, "mlp.json", "--out", "out"],
                                  saying: ["mlp.json: networks[1].activation:", "belongs to an MLP network"])
            try workspace.refuses([command, "both.json", "--out", "out"],
                                  saying: ["both.json: dataset:", "belongs to an MLP spec"])
        }
    }

    @Test func badCSVData() throws {
        func spec(_ csv: String, batch: Int = 4) -> Data {
            Self.spec {
                $0.replacingOccurrences(of: "\"spirals\"", with: "{\"csv\": \"\(csv)\", \"labelColumn\": \"last\"}")
                    .replacingOccurrences(of: "\"batchSize\": 32", with: "\"batchSize\": \(batch)")
            }
        }
        let good = (0..<20).map { "\(Double($0) / 10),\(Double($0 % 3)),\($0 % 2)" }
        func csv(_ rows: [String]) -> Data { Data((["x,y,label"] + rows).joined(separator: "\n").utf8) }
        var ragged = good
        ragged[4] = "0.5,1"
        var text = good
        text[6] = "0.5,abc,1"
        var fraction = good
        fraction[9] = "0.5,0.25,1.5"
        let workspace = try Workspace([
            "missing.json": spec("nowhere.csv"),
            "ragged.json": spec("ragged.csv"), "ragged.csv": csv(ragged),
            "text.json": spec("text.csv"), "text.csv": csv(text),
            "fraction.json": spec("fraction.csv"), "fraction.csv": csv(fraction),
            "small.json": spec("good.csv", batch: 64), "good.csv": csv(good),
        ])
        try workspace.refuses(["run", "missing.json", "--out", "out"], saying: ["nowhere.csv: no such file"])
        try workspace.refuses(["run", "ragged.json", "--out", "out"], saying: ["ragged.csv: line 6: 2 fields, expected 3"])
        try workspace.refuses(["run", "text.json", "--out", "out"], saying: ["text.csv: line 8, column 2: 'abc' is not a number"])
        try workspace.refuses(["train", "fraction.json", "--out", "out"], saying: ["fraction.csv: line 11: label '1.5' is not a class number"])
        try workspace.refuses(["run", "small.json", "--out", "out"],
                              saying: ["good.csv: 20 examples leave 16 for training", "fewer than one batch (batchSize 64)"])
    }

    @Test func badHistories() throws {
        let history = try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("histories/zoo-small.json"))
        let text = String(decoding: history, as: UTF8.self)
        let cases: [(String, Data, [String])] = [
            ("empty.json", Data(), ["empty.json: the file is empty"]),
            ("array.json", Data("[{\"schema\": 1}]".utf8), ["array.json", "not a history file", "found an array"]),
            ("binary.json", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), ["binary.json: not UTF-8 text"]),
            ("truncated.json", history.prefix(history.count / 2), ["truncated.json: not valid JSON at line", "is the file truncated?"]),
            ("future.json", Data(text.replacingOccurrences(of: "\"schema\": 1", with: "\"schema\": 99").utf8),
             ["future.json", "history schema 99 is not supported"]),
            ("spec.json", Self.spec(), ["spec.json", "not a history file", "no \"schema\""]),
        ]
        let workspace = try Workspace(Dictionary(uniqueKeysWithValues: cases.map { ($0.0, $0.1) }))
        try FileManager.default.createDirectory(at: workspace.root.appendingPathComponent("folder"), withIntermediateDirectories: false)
        let inputs = try Workspace(folder: workspace.root)
        for (name, _, words) in cases {
            try inputs.refuses(["render", name, "--out", "out"], saying: words)
            try inputs.refuses(["run", "--from-history", name, "--out", "out"], saying: words)
        }
        // A folder is a TensorBoard log folder.
        try inputs.refuses(["render", "folder", "--out", "out"], saying: ["folder: no TensorBoard event files"])
        // Gradient logs (CSV) from other frameworks are read the same way.
        try FileManager.default.createDirectory(at: workspace.root.appendingPathComponent("folder.csv"), withIntermediateDirectories: false)
        try Data([0x6E, 0x65, 0x74, 0xFF, 0x0A]).write(to: workspace.root.appendingPathComponent("binary.csv"))
        try Data().write(to: workspace.root.appendingPathComponent("empty.csv"))
        let logs = try Workspace(folder: workspace.root)
        try logs.refuses(["render", "folder.csv", "--out", "out"], saying: ["folder.csv", "is a folder, not a file"])
        try logs.refuses(["run", "--import", "none.csv", "--out", "out"], saying: ["none.csv", "no such file"])
        try logs.refuses(["render", "binary.csv", "--out", "out"], saying: ["binary.csv", "not UTF-8 text"])
        try logs.refuses(["run", "--import", "empty.csv", "--out", "out"], saying: ["empty.csv", "empty file"])
        try logs.refuses(["render", "none.json", "--out", "out"], saying: ["none.json: no such file"])
    }

    @Test func unwritableOutputIsReportedBeforeTraining() throws {
        let workspace = try Workspace([
            "small.json": Self.spec(),
            "file.txt": Data("a file, not a folder".utf8),
            "report/figures": Data("a file where the figures folder goes".utf8),
        ])
        try workspace.refuses(["run", "small.json", "--out", "file.txt/out"],
                              saying: ["cannot create output folder file.txt/out", "is a file"])
        try workspace.refuses(["train", "small.json", "--out", "file.txt"], saying: ["cannot create output folder file.txt"])
        try workspace.refuses(["run", "small.json", "--out", "report"],
                              saying: ["cannot write into output folder report", "report/figures is a file"])
        try workspace.refuses(["run", "--from-history", TestPaths.fixtures.appendingPathComponent("histories/zoo-small.json").path,
                               "--out", "report"], saying: ["report/figures is a file"])
    }

    @Test func interruptStopsTrainingWritesNothingAndExits130() throws {
        // Long enough that only Ctrl-C ends it: 50 million steps, a row recorded every 100 000.
        let workspace = try Workspace([
            "long.json": Self.spec {
                $0.replacingOccurrences(of: "\"steps\": 20", with: "\"steps\": 50000000, \"recordEvery\": 100000")
            },
        ])
        let out = workspace.root.appendingPathComponent("out")
        let running = try VanishExecutable.start(["run", "long.json", "--out", "out", "--quiet"], in: workspace.root)
        // The staging folder appears once every input is checked and Ctrl-C is handled: training is next.
        while running.process.isRunning && !VanishExecutable.contents(of: out).contains(where: { $0.hasPrefix(".vanish-partial-") }) {
            usleep(20_000)
        }
        usleep(200_000)
        let sent = Date()
        running.process.interrupt()
        let outcome = running.finish()
        print("vanish run stopped \(Int(Date().timeIntervalSince(sent) * 1000)) ms after SIGINT")
        #expect(outcome.status == 130, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("interrupted: nothing was written to out (history.json, history.csv, report.pdf, figures/*.png not written)"))
        #expect(outcome.stdout.isEmpty)
        #expect(VanishExecutable.contents(of: workspace.root) == workspace.inputs, "the output folder was left behind")
    }

    @Test func explodingRunIsAResult() throws {
        // ReLU at learning rate 1000 overflows within a few steps; tanh at 0.05 trains on beside it.
        let workspace = try Workspace([
            "boom.json": Data("""
                {"name": "boom", "dataset": "spirals", "depth": 6, "width": 16, "batchSize": 32, "steps": 20,
                 "optimizer": {"kind": "sgd", "learningRate": 1000}, "init": "he-normal", "seeds": [0],
                 "networks": [{"name": "relu", "activation": "relu"},
                              {"name": "tanh", "activation": "tanh", "optimizer": {"kind": "sgd", "learningRate": 0.05}}]}
                """.utf8),
        ])
        let outcome = try VanishExecutable.run(["run", "boom.json", "--out", "out", "--quiet", "--format", "pdf"], in: workspace.root)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "out/history.json\nout/history.csv\nout/report.pdf\n")
        let history = try GradientHistory.load(contentsOf: workspace.root.appendingPathComponent("out/history.json"))
        let relu = try #require(history.runs.first { $0.network == "relu" })
        let diverged = try #require(relu.diverged)
        // The run stops at the step that diverged: that step is its last recorded row.
        #expect(relu.steps.last == diverged && diverged < 20)
        #expect(relu.loss.last.map { !$0.isFinite } == true || relu.stats.weightGradNorm.last?.contains { !$0.isFinite } == true)
        let tanh = try #require(history.runs.first { $0.network == "tanh" })
        #expect(tanh.diverged == nil && tanh.steps.last == 19)
        let pdf = try Data(contentsOf: workspace.root.appendingPathComponent("out/report.pdf"))
        #expect(pdf.starts(with: Data("%PDF".utf8)))
        #expect(VanishExecutable.contents(of: workspace.root.appendingPathComponent("out")) == [".vanish-files", "history.csv", "history.json", "report.pdf"])
    }

    @Test func helpListsTheExitStatuses() throws {
        for command in [[], ["run"], ["train"], ["render"]] {
            let help = try VanishExecutable.run(command + ["--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("130  interrupted (Ctrl-C): nothing was written"), "\(command)")
            #expect(help.stdout.contains("143  stopped by SIGTERM (129: SIGHUP): nothing was written"), "\(command)")
            #expect(help.stdout.contains("2    bad input or usage"), "\(command)")
        }
    }
}

extension BadInputExecutableTests.Workspace {
    /// The workspace already at `folder`, its present contents counting as the inputs.
    init(folder: URL) throws {
        root = folder
        inputs = VanishExecutable.contents(of: folder)
    }
}

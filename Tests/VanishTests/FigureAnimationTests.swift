import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics
import Testing
import TestSupport
import VanishCommands

/// Animated GIFs of figures over training: frames, timing, loop, palette fidelity and bytes, read
/// back with giflib.
@Suite("figure animations")
struct FigureAnimationTests {
    static let zoo = TestPaths.fixtures.appendingPathComponent("histories/zoo-small.json")
    static let throughTime = TestPaths.fixtures.appendingPathComponent("histories/through-time-quick.json")

    static func history(_ url: URL) throws -> GradientHistory { try GradientHistory.load(contentsOf: url) }

    /// Writes an animation into a new folder and returns its bytes.
    static func gif(_ history: GradientHistory, _ kind: FigureAnimation.Kind, network: String?, frames: Int,
                    threads: Int? = nil, dpi: Double = 72) throws -> Data {
        let folder = try TestPaths.makeTemporaryFolder("vanish-gif")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("out.gif")
        try FigureAnimation.write(history: history, kind: kind, network: network, frames: frames, to: url, dpi: dpi, threads: threads)
        return try Data(contentsOf: url)
    }

    @Test("the same bytes on every run and on one thread")
    func deterministic() throws {
        let history = try Self.history(Self.zoo)
        let first = try Self.gif(history, .fading, network: "sigmoid", frames: 10)
        let again = try Self.gif(history, .fading, network: "sigmoid", frames: 10)
        let oneThread = try Self.gif(history, .fading, network: "sigmoid", frames: 10, threads: 1)
        #expect(first == again)
        #expect(first == oneThread)
        #expect(first.prefix(6) == Data("GIF89a".utf8))
    }

    @Test("a dark 16:9 animation is 16:9 with its strip, on the dark page in every frame")
    func sizeAndTheme() throws {
        let appearance = FigureAppearance(size: .aspect(width: 16, height: 9), theme: .dark)
        let folder = try TestPaths.makeTemporaryFolder("vanish-gif")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("dark.gif")
        try FigureAnimation.write(history: try Self.history(Self.zoo), kind: .fading, network: "sigmoid", frames: 4, to: url,
                                  style: appearance.style(), dpi: 72)
        let gif = try GIFCodec.decode(try Data(contentsOf: url))
        #expect(gif.width == 720 && gif.height == 405, "\(gif.width) × \(gif.height)")
        let page = RasterImage.word(appearance.style().background ?? .white) & 0xFF_FFFF
        // The first frame is whole: its corner pixel is the page colour, not white.
        let first = try #require(gif.frames.first)
        #expect(first.width == gif.width && first.height == gif.height)
        #expect(UInt32(littleEndian: gif.palette[Int(first.indices[0])]) & 0xFF_FFFF == page)
    }

    @Test("frames at evenly spaced recorded steps, capped by what was recorded")
    func frameSteps() throws {
        let history = try Self.history(Self.zoo)
        let measurer = try CairoRenderer().measurer
        func steps(_ count: Int) throws -> [Int] {
            try FigureAnimation.frames(history: history, kind: .fading, network: "sigmoid", count: count, measurer: measurer).steps
        }
        #expect(try steps(4) == [0, 15, 30, 45])
        #expect(try steps(1) == [45])
        #expect(try steps(100) == Array(0...45))
        let scenes = try FigureAnimation.frames(history: history, kind: .filmstrip, network: "relu", count: 6, measurer: measurer).scenes
        #expect(Set(scenes.map { "\($0.width)x\($0.height)" }).count == 1, "every frame has one size")
    }

    @Test("delays keep 12 fps on time and hold the last frame")
    func delays() {
        let delays = FigureAnimation.delaysCentiseconds(count: 60, fps: 12)
        #expect(delays.prefix(3) == [8, 9, 8])
        #expect(delays.dropLast().reduce(0, +) == 492, "59 frames at 12 fps: 4.92 s")
        #expect(delays.last == 8 + FigureAnimation.holdCentiseconds)
        #expect(FigureAnimation.delaysCentiseconds(count: 5, fps: 10) == [10, 10, 10, 10, 210])
    }

    @Test("giflib reads back the frame count, delays, loop and palette")
    func readBack() throws {
        let history = try Self.history(Self.zoo)
        let gif = try GIFCodec.decode(try Self.gif(history, .heatmap, network: "tanh", frames: 12))
        #expect(gif.frames.count == 12)
        #expect(gif.loopCount == 0, "NETSCAPE2.0 loops forever")
        #expect(gif.frames.map(\.delayCentiseconds) == FigureAnimation.delaysCentiseconds(count: 12, fps: 12))
        #expect(gif.palette.count == 256)
        #expect(gif.frames[0].width == gif.width && gif.frames[0].height == gif.height, "the first frame is whole")
        #expect(gif.frames.dropFirst().allSatisfy { $0.width * $0.height < gif.width * gif.height }, "later frames hold what changed")
        // The colour map's entries the heatmap shows lead the palette, in the map's order.
        var style = FigureStyle.standard
        style.pixelsPerPoint = 1
        let mapEntries = FigureAnimation.leadingColors(style).prefix(FigureAnimation.colorMapEntries).map { RasterImage.word($0) }
        let leadingRun = gif.palette.prefix { mapEntries.contains($0) }
        #expect(leadingRun.count >= 20, "\(leadingRun.count) map entries lead")
        let order = leadingRun.compactMap { mapEntries.firstIndex(of: $0) }
        #expect(order == order.sorted())
    }

    /// How far a frame's pixels stray from the still PNG of the same scene (the figure cut at the
    /// same step, with the same strip), decoded with the project's PNG reader.
    static func fidelity(_ kind: FigureAnimation.Kind, _ url: URL, network: String, frames: Int)
        throws -> [(maxChannel: Int, shareOver6: Double, leadingExact: Bool)]
    {
        let history = try Self.history(url)
        let renderer = try CairoRenderer()
        var style = FigureStyle.standard
        style.pixelsPerPoint = 1
        let plan = try FigureAnimation.frames(history: history, kind: kind, network: network, count: frames, style: style,
                                              measurer: renderer.measurer)
        let gif = try GIFCodec.decode(try Self.gif(history, kind, network: network, frames: frames))
        let leading = Set(FigureAnimation.leadingColors(style).map { RasterImage.word($0) })
        var out: [(maxChannel: Int, shareOver6: Double, leadingExact: Bool)] = []
        try gif.forEachComposedFrame { n, frame in
            guard n == 0 || n == frames / 2 || n == frames - 1 else { return }
            let still = try PNGCodec.decode(try renderer.png(plan.scenes[n], dpi: 72))
            #expect(still.width == frame.width && still.height == frame.height)
            var worst = 0, over = 0, exact = true
            for i in stride(from: 0, to: still.pixels.count, by: 4) {
                var d = 0
                for c in 0..<3 { d = max(d, abs(Int(still.pixels[i + c]) - Int(frame.pixels[i + c]))) }
                worst = max(worst, d)
                if d > 6 { over += 1 }
                let word = UInt32(still.pixels[i]) | UInt32(still.pixels[i + 1]) << 8 | UInt32(still.pixels[i + 2]) << 16 | 0xFF00_0000
                if leading.contains(UInt32(littleEndian: word)), d != 0 { exact = false }
            }
            out.append((worst, Double(over) / Double(still.pixels.count / 4), exact))
        }
        return out
    }

    @Test("a heatmap frame matches the still PNG of its step: colour-map and figure colours exact, few pixels off by more than 6 levels")
    func heatmapFidelity() throws {
        let results = try Self.fidelity(.heatmap, Self.zoo, network: "sigmoid", frames: 9)
        #expect(results.count == 3)
        for r in results {
            #expect(r.leadingExact, "a pixel in one of the palette's leading colours changed")
            // Measured on zoo-small at 72 dpi: at most 20 levels, 0.15 % of pixels over 6.
            #expect(r.shareOver6 < 0.005, "\(r)")
            #expect(r.maxChannel <= 32, "\(r)")
        }
    }

    @Test("a fading-diagram frame matches the still PNG of its step within the stated bounds")
    func fadingFidelity() throws {
        let results = try Self.fidelity(.fading, Self.zoo, network: "sigmoid", frames: 9)
        #expect(results.count == 3)
        for r in results {
            #expect(r.leadingExact, "a pixel in one of the palette's leading colours changed")
            // Measured: at most 28 levels, 1.4 % of pixels over 6 (translucent layers blend into many colours).
            #expect(r.shareOver6 < 0.02, "\(r)")
            #expect(r.maxChannel <= 40, "\(r)")
        }
    }

    @Test("every kind animates; the time heatmap from a recurrent history")
    func everyKind() throws {
        let zoo = try Self.history(Self.zoo)
        for kind in [FigureAnimation.Kind.fading, .heatmap, .filmstrip, .profile] {
            let gif = try GIFCodec.decode(try Self.gif(zoo, kind, network: kind == .profile ? nil : "relu", frames: 5))
            #expect(gif.frames.count == 5, "\(kind)")
        }
        let recurrent = try Self.history(Self.throughTime)
        let gif = try GIFCodec.decode(try Self.gif(recurrent, .timeHeatmap, network: "lstm", frames: 50))
        #expect(gif.frames.count == 30, "capped by the 30 recorded steps")
    }

    @Test("bad options, kinds, networks and paths are refused before anything is written")
    func refusals() throws {
        let zoo = try Self.history(Self.zoo)
        let folder = try TestPaths.makeTemporaryFolder("vanish-gif")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("out.gif")
        func refused(_ words: [String], _ body: () throws -> Void) {
            do {
                try body()
                Issue.record("not refused: \(words)")
            } catch {
                for word in words { #expect("\(error)".contains(word), "\(error)") }
            }
        }
        refused(["--frames", "0"]) { try FigureAnimation.write(history: zoo, kind: .fading, network: "sigmoid", frames: 0, to: url) }
        refused(["--fps", "0"]) { try FigureAnimation.write(history: zoo, kind: .fading, network: "sigmoid", fps: 0, to: url) }
        refused(["sigmod", "did you mean \"sigmoid\""]) { try FigureAnimation.write(history: zoo, kind: .fading, network: "sigmod", to: url) }
        refused(["--network", "sigmoid, tanh"]) { try FigureAnimation.write(history: zoo, kind: .fading, network: nil, to: url) }
        refused(["time-heatmap", "fading"]) { try FigureAnimation.write(history: zoo, kind: .timeHeatmap, network: "sigmoid", to: url) }
        refused(["fadng", "did you mean \"fading\""]) { _ = try FigureAnimation.Kind.named("fadng") }
        refused(["missing", "does not exist"]) {
            try FigureAnimation.write(history: zoo, kind: .fading, network: "sigmoid", to: folder.appendingPathComponent("missing/out.gif"))
        }
        #expect(VanishExecutable.contents(of: folder).isEmpty)
    }
}

/// `vanish figure … --out NAME.gif` as a user runs it.
@Suite("vanish figure to a GIF (executable)")
struct AnimateExecutableTests {
    @Test("writes a GIF and says what it wrote")
    func writes() throws {
        let folder = try TestPaths.makeTemporaryFolder("vanish-animate")
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try VanishExecutable.run(["figure", "fading", FigureAnimationTests.zoo.path, "--network", "sigmoid",
                                                "--frames", "6", "--dpi", "72", "--out", "fading.gif"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "wrote fading.gif\n", "\(outcome.stdout)")
        #expect(outcome.stderr.hasPrefix("6 frames, steps 0–45"), "\(outcome.stderr)")
        let gif = try GIFCodec.decode(try Data(contentsOf: folder.appendingPathComponent("fading.gif")))
        #expect(gif.frames.count == 6)
    }

    @Test("bad input: one line, status 2, no file", arguments: [
        (["figure", "fading", "ZOO", "--network", "sigmoid", "--frames", "0", "--out", "a.gif"], "--frames must be at least 1"),
        (["figure", "wobble", "ZOO", "--network", "sigmoid", "--out", "a.gif"], "figure 'wobble' does not animate"),
        (["figure", "curves", "ZOO", "--out", "a.gif"], "animated (.gif): fading, heatmap"),
        (["figure", "fading", "ZOO", "--network", "sigmod", "--out", "a.gif"], "no network 'sigmod'"),
        (["figure", "fading", "ZOO", "--network", "sigmoid", "--out", "no/such/folder/a.gif"], "does not exist"),
        (["figure", "fading", "ZOO", "--network", "sigmoid", "--fps", "99", "--out", "a.gif"], "--fps must be 1 to 50"),
        (["figure", "fading", "missing.json", "--network", "sigmoid", "--out", "a.gif"], "missing.json"),
        (["figure", "time-heatmap", "ZOO", "--network", "sigmoid", "--out", "a.gif"], "valid kinds here"),
        (["figure", "fading", "ZOO", "--network", "sigmoid", "--step", "10", "--out", "a.gif"], "--step and --at choose a still"),
        (["figure", "fading", "ZOO", "--network", "sigmoid", "--frames", "5", "--out", "a.png"], "apply to an animation"),
        (["figure", "fading", "ZOO", "--network", "sigmoid", "--size", "0x0", "--out", "a.gif"], "0x0"),
        (["figure", "fading", "ZOO", "--network", "sigmoid", "--theme", "neon", "--out", "a.gif"], "neon"),
    ])
    func refuses(arguments: [String], words: String) throws {
        let folder = try TestPaths.makeTemporaryFolder("vanish-animate")
        defer { try? FileManager.default.removeItem(at: folder) }
        let args = arguments.map { $0 == "ZOO" ? FigureAnimationTests.zoo.path : $0 }
        let outcome = try VanishExecutable.run(args, in: folder)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("Error: ") && outcome.stderr.filter { $0 == "\n" }.count == 1, "\(outcome.stderr)")
        #expect(outcome.stderr.contains(words), "\(outcome.stderr)")
        #expect(VanishExecutable.contents(of: folder).isEmpty, "left a file behind")
    }
}

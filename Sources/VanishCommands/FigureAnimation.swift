import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics

/// A figure animated over training, written as a looping GIF: each frame is the figure drawn from
/// the history cut at one recorded step (`GradientHistory.truncated(atStep:)`), with a step
/// counter and progress bar under it, and the last frame held.
///
/// Frames render in parallel with Cairo; one palette serves every frame (`IndexedPalette`: the
/// colour map's entries first, then the figure's own text, line and background colours, then the
/// frames' most frequent other colours), each pixel taking its nearest palette colour without
/// dithering. giflib writes the file. The bytes depend only on the inputs, not on `threads`.
public enum FigureAnimation {
    /// The figures that animate.
    public enum Kind: String, CaseIterable, Sendable {
        /// One network's fading-layer diagram.
        case fading
        /// One network's gradient heatmap, on the colour scale of the whole run.
        case heatmap
        /// One network's film strip (initialisation, 10 %, 50 % and the step reached).
        case filmstrip
        /// The gradient profile of every network (or of `--network`'s).
        case profile
        /// One recurrent run's time heatmap, on the colour scale of the whole run.
        case timeHeatmap = "time-heatmap"

        /// The kind called `name`, or an error listing the valid names.
        public static func named(_ name: String) throws -> Kind {
            if let kind = Kind(rawValue: name) { return kind }
            let names = allCases.map(\.rawValue)
            throw RenderError.badOption("figure '\(name)' does not animate; animated (.gif): \(names.joined(separator: ", "))"
                + NameSuggestion.hint(for: name, among: names))
        }

        var isRecurrent: Bool { self == .timeHeatmap }
    }

    public static let defaultFrames = 60
    public static let defaultFPS = 12
    /// GIF delays are whole hundredths of a second, and viewers slow delays under 2 of them: at most 50 frames per second.
    public static let fpsRange = 1...50
    /// How long the last frame stays before the animation starts again, beyond its own delay.
    public static let holdCentiseconds = 200
    /// How many evenly spaced entries of the 256-entry colour map lead the palette (both ends included).
    public static let colorMapEntries = 128

    /// What `write` wrote.
    public struct Summary: Hashable, Sendable {
        public var path: String
        /// The training step each frame shows, in order.
        public var steps: [Int]
        /// The GIF's size in bytes.
        public var bytes: Int
        /// Width and height in pixels.
        public var width: Int
        public var height: Int
        public var paletteSize: Int

        /// `60 frames, steps 0–45, 1440 × 936 px, 212 colours, 1.2 MB`.
        public var details: String {
            let size = bytes >= 1_000_000 ? NumberText.fixed(Double(bytes) / 1e6, digits: 1) + " MB"
                                          : NumberText.fixed(Double(bytes) / 1e3, digits: 0) + " kB"
            return "\(steps.count) frame\(steps.count == 1 ? "" : "s"), steps \(steps.first ?? 0)–\(steps.last ?? 0), "
                + "\(width) × \(height) px, \(paletteSize) colours, \(size)"
        }
    }

    /// The frames of one animation, as scenes: the steps they show and what each looks like.
    public struct Frames: Sendable {
        public var steps: [Int]
        public var scenes: [Scene]
        /// The colours the palette starts with (colour-map entries first).
        public var leadingColors: [Color]
    }

    /// Animates `kind` for `history` and writes it to `url` (a `.gif` path) atomically.
    ///
    /// `frames` evenly spaced recorded steps (fewer if fewer are recorded) are shown at `fps`;
    /// `network` and `seed` pick the run (needed unless the history has one network, or for `profile`).
    /// Nothing is written when an option, the history or the path is wrong.
    @discardableResult
    public static func write(
        history: GradientHistory, kind: Kind, network: String?, seed: Int? = nil, frames: Int = defaultFrames,
        fps: Int = defaultFPS, to url: URL, style: FigureStyle = .standard, dpi: Double = CairoRenderer.defaultDPI,
        threads: Int? = nil, source: String = "the history"
    ) throws -> Summary {
        try checkOptions(frames: frames, fps: fps, dpi: dpi, threads: threads)
        try checkDestination(url)
        let renderer = try CairoRenderer()
        var style = style
        style.pixelsPerPoint = max(1, dpi / 72)
        let plan = try Self.frames(history: history, kind: kind, network: network, seed: seed, count: frames, style: style,
                                   measurer: renderer.measurer, threads: threads, source: source)
        let animation = try encode(plan, fps: fps, dpi: dpi, renderer: renderer, threads: threads)
        let data = try GIFCodec.encode(animation, concurrently: threads != 1)
        try AtomicFile.write(data, to: url)
        return Summary(path: url.relativePath, steps: plan.steps, bytes: data.count, width: animation.width, height: animation.height,
                       paletteSize: animation.palette.count)
    }

    /// Refuses a frame count, rate, resolution or thread count out of range, in the words of the CLI's options.
    public static func checkOptions(frames: Int, fps: Int, dpi: Double, threads: Int?) throws {
        guard frames >= 1 else { throw RenderError.badOption("--frames must be at least 1, found \(frames)") }
        guard fpsRange.contains(fps) else {
            throw RenderError.badOption("--fps must be \(fpsRange.lowerBound) to \(fpsRange.upperBound) (GIF delays are hundredths of a second), found \(fps)")
        }
        try RenderRequest.checkDPI(dpi)
        if let threads, threads < 1 { throw RenderError.badOption("--threads must be at least 1, found \(threads)") }
    }

    /// Refuses a path that is not a `.gif` in an existing, writable folder, before any frame is drawn.
    public static func checkDestination(_ url: URL) throws {
        guard url.pathExtension.lowercased() == "gif" else {
            throw RenderError.badOption("cannot write \(url.path): an animation is written as .gif")
        }
        if let problem = AtomicFile.problem(writing: url) { throw RenderError.badOption("cannot write \(url.path): \(problem)") }
    }

    // MARK: - Frames

    /// The scenes of the animation's frames (figure plus progress strip), all of one size.
    public static func frames(
        history: GradientHistory, kind: Kind, network: String?, seed: Int? = nil, count: Int = defaultFrames,
        style: FigureStyle = .standard, measurer: TextMeasurer, threads: Int? = nil, source: String = "the history"
    ) throws -> Frames {
        guard count >= 1 else { throw RenderError.badOption("--frames must be at least 1, found \(count)") }
        let chosen = try runIndices(history, kind: kind, network: network, seed: seed, source: source)
        let steps = try frameSteps(history.runs[chosen[0]], kind: kind, count: count, source: source)
        // Colour scales are the whole run's, as in the still figure at the end: colours keep their meaning from frame to frame.
        let shown = RunSelection(FigureRun.all(in: history)).shown.map(\.run)
        let heatmapScale = GradientHeatmap.sharedScale(shown)
        let timeScale = TimeHeatmap.sharedScale(shown)
        // Heatmaps keep the whole run's step axis: the data grows along a still axis.
        let whole = history.runs[chosen[0]]
        let axis = Array(whole.steps.prefix(kind.isRecurrent ? min(whole.steps.count, whole.time?.hiddenGradNorm.count ?? 0)
                                                              : min(whole.steps.count, whole.stats.weightGradNorm.count)))
        @Sendable func figure(_ cut: GradientHistory, style: FigureStyle) -> Scene {
            let runs = FigureRun.all(in: cut)
            let run = runs[chosen[0]]
            var scene: Scene
            switch kind {
            case .fading: scene = FadingLayerDiagram.scene(run, style: style, measurer: measurer)
            case .heatmap: scene = GradientHeatmap.scene(run, scale: heatmapScale, stepAxis: axis, style: style, measurer: measurer)
            case .filmstrip: scene = FadingLayerDiagram.filmStrip(run, style: style, measurer: measurer)
            case .profile: scene = GradientProfile.scene(chosen.map { runs[$0] }, style: style, measurer: measurer)
            case .timeHeatmap: scene = TimeHeatmap.scene(run, scale: timeScale, stepAxis: axis, style: style, measurer: measurer)
            }
            scene.background = style.background
            return scene
        }
        // A size asked for is the whole frame's: the figure is laid out in what the progress strip leaves.
        var frameStyle = style
        if style.canvas != nil {
            let whole = figure(history, style: style)
            frameStyle.canvas = .points(width: whole.width, height: max(whole.height / 2, whole.height - ProgressStrip.height(style: style)))
        }
        let figures = parallelMap(steps.count, threads: threads) { [frameStyle] i -> Scene in
            figure(history.truncated(atStep: steps[i]), style: frameStyle)
        }
        let width = figures.map(\.width).max() ?? 0, height = figures.map(\.height).max() ?? 0
        let scenes = figures.enumerated().map { i, figure in
            ProgressStrip.framed(figure, canvasWidth: width, figureHeight: height, step: steps[i], firstStep: steps[0],
                                 lastStep: steps[steps.count - 1], style: style, measurer: measurer)
        }
        return Frames(steps: steps, scenes: scenes, leadingColors: leadingColors(style))
    }

    /// The palette's first colours: evenly spaced colour-map entries, the map's special colours,
    /// then the figure's background, text, axis, grid and network colours.
    public static func leadingColors(_ style: FigureStyle) -> [Color] {
        let map = style.colorMap.colors
        let entries = min(colorMapEntries, map.count)
        let sampled = (0..<entries).map { i in map[entries > 1 ? (i * (map.count - 1) + (entries - 1) / 2) / (entries - 1) : 0] }
        return sampled + [style.colorMap.underflowColor, style.colorMap.nonFiniteColor, .white, style.textColor,
                          style.mutedTextColor, style.axisColor, style.gridColor] + style.palette
    }

    /// The history's runs the animation draws: one network's run (its first seed, or `seed`), or for
    /// `profile` without a network every run a comparison draws.
    static func runIndices(_ history: GradientHistory, kind: Kind, network: String?, seed: Int?, source: String) throws -> [Int] {
        guard !history.runs.isEmpty else { throw RenderError.badOption("\(source) holds no runs to animate") }
        if kind.isRecurrent != history.spec.isRecurrent {
            let valid = Kind.allCases.filter { $0.isRecurrent == history.spec.isRecurrent }.map(\.rawValue).joined(separator: ", ")
            let what = history.spec.isRecurrent ? "recurrent runs" : "no recurrent runs"
            throw RenderError.badOption("\(kind.rawValue) cannot be drawn: \(source) holds \(what); valid kinds here: \(valid)")
        }
        var names: [String] = []
        for run in history.runs where !names.contains(run.network) { names.append(run.network) }
        guard let network else {
            if kind == .profile && seed == nil { return RunSelection(FigureRun.all(in: history)).shownIndices }
            guard names.count == 1 else {
                throw RenderError.badOption("--network is needed for \(kind.rawValue): \(source) holds \(names.joined(separator: ", "))")
            }
            return [try seedIndex(history, network: names[0], seed: seed, source: source)]
        }
        let files = FigureRun.all(in: history)
        // A network's name as in the spec, or as in its figures' file names (`sigmoid-batchnorm`).
        guard let name = names.first(where: { $0 == network })
            ?? files.first(where: { $0.fileName == network || $0.run.network.lowercased() == network.lowercased() })?.run.network
        else {
            throw RenderError.badOption("no network '\(network)' in \(source); networks: \(names.joined(separator: ", "))"
                + NameSuggestion.hint(for: network, among: names))
        }
        return [try seedIndex(history, network: name, seed: seed, source: source)]
    }

    static func seedIndex(_ history: GradientHistory, network: String, seed: Int?, source: String) throws -> Int {
        let indices = history.runs.indices.filter { history.runs[$0].network == network }
        guard let seed else { return indices[0] }
        guard let index = indices.first(where: { history.runs[$0].seed == seed }) else {
            let seeds = indices.map { String(history.runs[$0].seed) }.joined(separator: ", ")
            throw RenderError.badOption("network \(network) has no seed \(seed) in \(source); seeds: \(seeds)")
        }
        return index
    }

    /// `count` recorded steps of `run`, evenly spaced from the first to the last (all of them if fewer are recorded).
    static func frameSteps(_ run: RunHistory, kind: Kind, count: Int, source: String) throws -> [Int] {
        let rows = kind.isRecurrent ? min(run.steps.count, run.time?.hiddenGradNorm.count ?? 0)
                                    : min(run.steps.count, run.stats.weightGradNorm.count)
        guard rows > 0 else { throw RenderError.badOption("\(run.network) has no recorded steps to animate in \(source)") }
        let n = min(count, rows)
        guard n > 1 else { return [run.steps[rows - 1]] }
        // Spacing ≥ 1 row, so rounding never picks a row twice.
        return (0..<n).map { run.steps[Int((Double($0) * Double(rows - 1) / Double(n - 1)).rounded())] }
    }

    // MARK: - Pixels

    /// The frames rendered, quantised to one palette, and cut to what changed since the frame before.
    public static func encode(_ frames: Frames, fps: Int, dpi: Double, renderer: CairoRenderer, threads: Int? = nil) throws -> GIFAnimation {
        let images = try parallelMap(frames.scenes.count, threads: threads) { i in
            Result { try renderer.image(frames.scenes[i], dpi: dpi) }
        }.map { try $0.get() }
        guard let first = images.first, images.allSatisfy({ $0.width == first.width && $0.height == first.height }) else {
            throw RenderError.badOption("the animation's frames differ in size")
        }
        // One entry is kept back for "unchanged since the last frame" (or for transparent pixels, if any).
        let palette = IndexedPalette(leading: frames.leadingColors, images: images, capacity: 255)
        var colors = palette.colors
        let unchanged = palette.transparentIndex ?? colors.count
        if palette.transparentIndex == nil { colors.append(UInt32(littleEndian: 0xFF00_0000)) }
        let indices = parallelMap(images.count, threads: threads) { palette.indices(images[$0]) }
        let delays = delaysCentiseconds(count: images.count, fps: fps)
        let gifFrames = parallelMap(images.count, threads: threads) { i in
            changedRegion(indices[i], previous: i > 0 ? indices[i - 1] : nil, width: first.width, height: first.height,
                          delay: delays[i], unchangedIndex: unchanged, hasTransparentPixels: palette.transparentIndex != nil)
        }
        return GIFAnimation(width: first.width, height: first.height, palette: colors, frames: gifFrames, loopCount: 0)
    }

    /// Each frame's delay in hundredths of a second: 100 / fps rounded so the total stays on time
    /// (12 fps: 8, 9, 8, 8, 9, 8, …), the last frame held `holdCentiseconds` longer.
    public static func delaysCentiseconds(count: Int, fps: Int) -> [Int] {
        var delays = (0..<count).map { k in (100 * (k + 1) + fps / 2) / fps - (100 * k + fps / 2) / fps }
        if !delays.isEmpty { delays[delays.count - 1] += holdCentiseconds }
        return delays
    }

    /// The smallest rectangle holding every pixel that differs from `previous` (the whole frame
    /// for the first), its unchanged pixels set to `unchangedIndex` (transparent: the previous
    /// frame shows through). Long runs of one index are what LZW packs best.
    ///
    /// Frames with transparent pixels of their own are whole and cleared after showing, their
    /// transparent pixels already `unchangedIndex`: drawn over the previous frame, it would show through.
    static func changedRegion(_ pixels: [UInt8], previous: [UInt8]?, width: Int, height: Int, delay: Int,
                              unchangedIndex: Int, hasTransparentPixels: Bool) -> GIFFrame {
        guard let previous, !hasTransparentPixels else {
            return GIFFrame(left: 0, top: 0, width: width, height: height, indices: pixels, delayCentiseconds: delay,
                            transparentIndex: hasTransparentPixels ? unchangedIndex : nil, clearsAfter: hasTransparentPixels)
        }
        var minX = width, minY = height, maxX = -1, maxY = -1
        for y in 0..<height {
            let row = y * width
            var x0 = 0
            while x0 < width && pixels[row + x0] == previous[row + x0] { x0 += 1 }
            guard x0 < width else { continue }
            var x1 = width - 1
            while pixels[row + x1] == previous[row + x1] { x1 -= 1 }
            minX = min(minX, x0); maxX = max(maxX, x1)
            minY = min(minY, y); maxY = y
        }
        // Nothing changed: one unchanged pixel keeps the frame (and its delay) in the file.
        if maxX < 0 { minX = 0; maxX = 0; minY = 0; maxY = 0 }
        let w = maxX - minX + 1, h = maxY - minY + 1
        let keep = UInt8(unchangedIndex)
        var region = [UInt8](repeating: keep, count: w * h)
        for y in 0..<h {
            let from = (minY + y) * width + minX
            for x in 0..<w where pixels[from + x] != previous[from + x] { region[y * w + x] = pixels[from + x] }
        }
        return GIFFrame(left: minX, top: minY, width: w, height: h, indices: region, delayCentiseconds: delay,
                        transparentIndex: unchangedIndex)
    }

    /// `job(i)` for every i, on `threads` threads (all cores when nil), results in order.
    static func parallelMap<T>(_ count: Int, threads: Int?, _ job: @Sendable (Int) -> T) -> [T] {
        let workers = min(threads ?? ProcessInfo.processInfo.activeProcessorCount, count)
        if workers <= 1 { return (0..<count).map(job) }
        let parts = Concurrently.map(workers) { w in stride(from: w, to: count, by: workers).map { ($0, job($0)) } }
        var out = [T?](repeating: nil, count: count)
        for part in parts { for (i, value) in part { out[i] = value } }
        return out.compactMap { $0 }
    }
}

import GradientData
import Graphics

/// A figure with the file name it is saved under (without extension).
public struct NamedFigure: Hashable, Sendable {
    /// `heatmap-sigmoid`, `profile`, …: file-safe, unique within one history.
    public var name: String
    /// What the figure shows, in a few words (for indexes and captions).
    public var caption: String
    /// The figure itself, at its natural size in points.
    public var scene: Scene

    public init(name: String, caption: String, scene: Scene) {
        self.name = name
        self.caption = caption
        self.scene = scene
    }
}

/// Every figure of a history, each a pure function of it.
///
/// The order is the order of a report: comparisons first, then one group per run.
public enum FigureCatalog {
    /// The kinds of figure, for selecting some of them.
    public enum Kind: String, CaseIterable, Sendable {
        case heatmaps, heatmap, fading, fadingRun, filmStrip, profile, profileDelta, curves, saturation, summary
        case depthSweep, deltaBars, deltaCurves
        case sweepAccuracy, sweepGradientFactor, sweepFading
        case timeHeatmaps, timeHeatmap, timeProfile, memory
        case fadingTime, fadingTimeRun, filmStripTime
    }

    /// The kinds `history` has data for: an imported log may lack the loss, ‖δ‖ or saturation.
    ///
    /// A trained history records all of them; even one without steps draws every figure (empty).
    public static func available(in history: GradientHistory) -> Set<Kind> {
        var kinds = Set(Kind.allCases)
        guard history.spec.importedFrom != nil else { return kinds }
        let runs = history.runs
        if !runs.contains(where: { !$0.loss.isEmpty }) { kinds.remove(.curves) }
        if !runs.contains(where: { !$0.stats.deltaNorm.isEmpty }) { kinds.remove(.profileDelta) }
        if !runs.contains(where: { !SaturationStrip.statistic($0).values.isEmpty }) { kinds.remove(.saturation) }
        return kinds
    }

    /// A figure not yet laid out: its name and caption, and the job that lays out its scene.
    public struct Job: Sendable {
        public var name: String
        public var caption: String
        /// The run a per-network figure draws (its file name ends `-` + its `fileName`); nil for a comparison.
        public var run: FigureRun?
        /// The name without the run: the kind of figure as `vanish figure` takes it (`heatmap`, `fading`, `profile`).
        public var kindName: String {
            guard let run, name.hasSuffix("-" + run.fileName) else { return name }
            return String(name.dropLast(run.fileName.count + 1))
        }
        /// Lays out the scene; a pure function, to be run on any thread.
        public var scene: @Sendable () -> Scene
    }

    /// All figures of `history` (of the selected kinds it has data for), in report order.
    public static func figures(
        for history: GradientHistory, kinds: Set<Kind> = Set(Kind.allCases),
        style: FigureStyle = .standard, measurer: TextMeasurer
    ) -> [NamedFigure] {
        jobs(for: history, kinds: kinds, style: style, measurer: measurer).map { NamedFigure(name: $0.name, caption: $0.caption, scene: $0.scene()) }
    }

    /// The figures of `figures(for:kinds:style:measurer:)`, in the same order, each as a job that lays it out.
    public static func jobs(
        for history: GradientHistory, kinds: Set<Kind> = Set(Kind.allCases),
        style: FigureStyle = .standard, measurer: TextMeasurer
    ) -> [Job] {
        jobs(for: history, kinds: kinds, style: style, measurer: measurer, enlarging: true)
    }

    /// The larger pages, as multiples of the one asked for, that a figure whose labels collide is tried on.
    static let enlargements = [1.25, 1.5, 1.75, 2, 2.5, 3, 4]

    /// `enlarging`: a figure that is crowded, or whose labels collide or leave the page, at the canvas asked for is laid
    /// out on the smallest larger page (same shape, same type) where none does, and scaled down to the
    /// size asked for: smaller type, but every label readable and apart.
    static func jobs(
        for history: GradientHistory, kinds: Set<Kind>, style: FigureStyle, measurer: TextMeasurer, enlarging: Bool
    ) -> [Job] {
        let allRuns = FigureRun.all(in: history)
        let kinds = kinds.intersection(available(in: history))
        var out: [Job] = []
        func add(_ kind: Kind, _ name: String, _ caption: String, run: FigureRun? = nil, _ make: @escaping @Sendable () -> Scene) {
            guard kinds.contains(kind) else { return }
            out.append(Job(name: name, caption: caption, run: run) {
                var scene = make()
                if enlarging, style.canvas != nil, scene.crowded || FigureLayout.labelsCollide(scene, measurer: measurer) {
                    for factor in enlargements {
                        var larger = style
                        larger.canvas = .points(width: scene.width * factor, height: scene.height * factor)
                        guard let job = jobs(for: history, kinds: [kind], style: larger, measurer: measurer, enlarging: false)
                            .first(where: { $0.name == name }) else { break }
                        let big = job.scene()
                        if !big.crowded && !FigureLayout.labelsCollide(big, measurer: measurer) {
                            scene = FigureLayout.scaled(big, toFit: (scene.width, scene.height))
                            scene.enlargement = factor
                            break
                        }
                    }
                }
                scene.background = style.background
                return scene
            })
        }
        // Thousands of runs cannot be drawn legibly (nor within a page): a capped selection is, and says so.
        let selection = RunSelection(allRuns)
        let runs = selection.shown
        func addComparison(_ kind: Kind, _ name: String, _ caption: String, _ make: @escaping @Sendable () -> Scene) {
            add(kind, name, caption) { selection.annotate(make(), style: style, measurer: measurer) }
        }
        // Recurrent runs fade through time, not through layers: their own figures tell it.
        if history.spec.isRecurrent {
            addComparison(.timeHeatmaps, "time-heatmaps", "‖∂L/∂h_t‖ relative to the last step, per time step and training step, one colour scale") {
                TimeHeatmap.smallMultiples(runs, style: style, measurer: measurer)
            }
            addComparison(.fadingTime, "fading-time", "gradient reaching each time step at initialisation and at the end, all networks") {
                FadingTimeDiagram.smallMultiples(runs, style: style, measurer: measurer)
            }
            addComparison(.timeProfile, "time-profile", "gradient against time lag at the start and the end, with the Elman bound") {
                TimeProfile.scene(runs, style: style, measurer: measurer)
            }
            addComparison(.memory, "memory", "memory gate over training and the test metric") {
                MemoryAndLearning.scene(runs, style: style, measurer: measurer)
            }
            addComparison(.curves, "curves", "training loss and test metric") {
                TrainingCurves.scene(runs, style: style, measurer: measurer)
            }
            let timeScale = TimeHeatmap.sharedScale(runs.map(\.run))
            for run in runs {
                add(.timeHeatmap, "time-heatmap-\(run.fileName)", "‖∂L/∂h_t‖ relative to the last step: \(run.label)", run: run) {
                    TimeHeatmap.scene(run, scale: timeScale, style: style, measurer: measurer)
                }
                add(.fadingTimeRun, "fading-time-\(run.fileName)", "gradient reaching each time step at the end of training: \(run.label)", run: run) {
                    FadingTimeDiagram.scene(run, style: style, measurer: measurer)
                }
                add(.filmStripTime, "filmstrip-time-\(run.fileName)", "gradient reaching each time step over training: \(run.label)", run: run) {
                    FadingTimeDiagram.filmStrip(run, style: style, measurer: measurer)
                }
            }
            return out
        }
        // A grid of settings: the sweep's figures tell its story, not one set per run.
        if EdgeOfChaos.isAnySweep(history) {
            add(.sweepAccuracy, "sweep-accuracy", "final test accuracy over the sweep's grid, with the edge of chaos where theory applies") {
                EdgeOfChaos.accuracyScene(history, style: style, measurer: measurer)
            }
            if EdgeOfChaos.isSweep(history) {
                add(.sweepGradientFactor, "sweep-gradient-factor", "per-layer gradient factor at initialisation against σ_w², measured and √χ₁") {
                    EdgeOfChaos.factorScene(history, style: style, measurer: measurer)
                }
                if EdgeOfChaos.sides(history) != nil {
                    add(.sweepFading, "sweep-fading", "gradient reaching each layer at initialisation, one network on each side of the edge") {
                        EdgeOfChaos.fadingScene(history, style: style, measurer: measurer)
                    }
                }
            }
            return out
        }
        // A sweep's runs differ in depth only: one figure tells its story, not one set per run.
        if DepthSweep.isSweep(history) {
            add(.depthSweep, "depth-sweep", "layer 1's share of the output layer's gradient against depth, median and seed band") {
                DepthSweep.scene(history, style: style, measurer: measurer)
            }
            return out
        }
        if LayerDeltaBars.comparesInitialisations(runs) {
            addComparison(.deltaBars, "delta-bars", "‖δ‖ of each hidden layer at initialisation") {
                LayerDeltaBars.scene(runs, reference: LayerDeltaReference.matching(runs), style: style, measurer: measurer)
            }
            addComparison(.deltaCurves, "delta-curves", "‖δ‖ of each hidden layer over training") {
                LayerDeltaCurves.scene(runs, style: style, measurer: measurer)
            }
        }
        addComparison(.heatmaps, "heatmaps", "‖dL/dW‖ per layer and step, all networks on one colour scale") {
            GradientHeatmap.smallMultiples(runs, style: style, measurer: measurer)
        }
        addComparison(.fading, "fading", "gradient reaching each layer at the end of training, all networks") {
            FadingLayerDiagram.smallMultiples(runs, style: style, measurer: measurer)
        }
        addComparison(.profile, "profile", "‖dL/dW‖ against layer at the start and the end, with the sigmoid bound") {
            GradientProfile.scene(runs, quantity: .weightGradient, style: style, measurer: measurer)
        }
        addComparison(.profileDelta, "profile-delta", "‖δ‖ against layer at the start and the end, with the sigmoid bound") {
            GradientProfile.scene(runs, quantity: .delta, style: style, measurer: measurer)
        }
        addComparison(.curves, "curves", "training loss and test accuracy") {
            TrainingCurves.scene(runs, style: style, measurer: measurer)
        }
        addComparison(.saturation, "saturation", "saturated or dead units per layer and step") {
            SaturationStrip.scene(runs, style: style, measurer: measurer)
        }
        addComparison(.summary, "summary", "final loss, accuracy, gradient ratio and divergence per network") {
            SummaryTable.scene(runs, style: style, measurer: measurer)
        }
        // Per-run figures share the comparison's colour scale, so panels stay comparable.
        let scale = GradientHeatmap.sharedScale(runs.map(\.run))
        for run in runs {
            add(.heatmap, "heatmap-\(run.fileName)", "‖dL/dW‖ per layer and step: \(run.label)", run: run) {
                GradientHeatmap.scene(run, scale: scale, style: style, measurer: measurer)
            }
            add(.fadingRun, "fading-\(run.fileName)", "gradient reaching each layer at the end of training: \(run.label)", run: run) {
                FadingLayerDiagram.scene(run, style: style, measurer: measurer)
            }
            add(.filmStrip, "filmstrip-\(run.fileName)", "gradient reaching each layer over training: \(run.label)", run: run) {
                FadingLayerDiagram.filmStrip(run, style: style, measurer: measurer)
            }
        }
        return out
    }
}

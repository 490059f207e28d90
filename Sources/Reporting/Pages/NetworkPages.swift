import Figures
import GradientData
import Graphics

/// Two pages per network: where its gradient goes (heatmap, fading diagram, film strip),
/// then why (profile, saturation) and what it learned (curves).
enum NetworkPages {
    /// `scale`: the comparison page's colour scale (`GradientHeatmap.sharedScale` of all runs), which the heatmap shares.
    static func pages(
        _ run: FigureRun, finding: RunFinding, findings: Findings, scale: LogScale,
        design: ReportDesign, measurer: TextMeasurer
    ) -> [Page] {
        let style = design.figureStyle
        let gap = 22.0

        var first = Page(design: design, measurer: measurer)
        header(&first, run, finding: finding, part: "where the gradient goes")
        var top = first.cursor
        let half = (first.column.width - gap) / 2
        let rowHeight = (first.bottom - top) * 0.5
        first.figure(GradientHeatmap.scene(run, scale: scale, style: style, measurer: measurer),
                     caption: [TextSpan("‖dL/dW‖ of each layer (up) at each step (right), on the comparison page's colour scale.", .caption)],
                     in: Rect(x: first.column.x, y: top, width: half, height: rowHeight))
        first.figure(FadingLayerDiagram.scene(run, style: style, measurer: measurer),
                     caption: [TextSpan("The network at the end of training: each layer as solid as its gradient, relative to the output layer.", .caption)],
                     in: Rect(x: first.column.x + half + gap, y: top, width: half, height: rowHeight))
        top += rowHeight + 8
        first.figure(FadingLayerDiagram.filmStrip(run, style: style, measurer: measurer),
                     caption: [TextSpan("The same diagram over training: at initialisation, after 10 % and 50 % of the steps, and at the end.", .caption)],
                     in: Rect(x: first.column.x, y: top, width: first.column.width, height: first.bottom - top))

        // An imported log may lack the loss or the saturation: those figures are left out, the rest moves up.
        let hasCurves = !run.run.loss.isEmpty
        let saturationStat = SaturationStrip.statistic(run.run)
        let hasSaturation = !saturationStat.values.isEmpty
        var second = Page(design: design, measurer: measurer)
        header(&second, run, finding: finding, part: hasCurves ? "why, and what it learned" : "why")
        top = second.cursor
        // Left: the two wide figures stacked; right: saturation and the notes.
        let left = second.column.width * 0.56
        let right = second.column.width - left - gap
        let rightX = second.column.x + left + gap
        let upper = (second.bottom - top) * 0.5
        let guide = GradientProfile.guideRun([run]) != nil ? "; the dashed line falls by 0.25 per layer, the sigmoid's limit." : "."
        second.figure(GradientProfile.scene([run], style: style, measurer: measurer),
                      caption: [TextSpan("Gradient size by layer (log scale), at the start and the end" + guide, .caption)],
                      in: Rect(x: second.column.x, y: top, width: left, height: upper))
        if hasCurves {
            second.figure(TrainingCurves.scene([run], style: style, measurer: measurer),
                          caption: [TextSpan(run.run.testAccuracy.isEmpty ? "Training loss (log scale) at every logged step."
                                                                          : "Training loss (log scale) and test accuracy after each epoch.", .caption)],
                          in: Rect(x: second.column.x, y: top + upper + 8, width: left, height: second.bottom - top - upper - 8))
        }
        second.column = (rightX, right)
        second.cursor = top
        if hasSaturation {
            let saturation = second.figure(
                SaturationStrip.scene([run], style: style, measurer: measurer),
                caption: [TextSpan(saturationStat.name == "dead units"
                                   ? "Share of dead units (zero for every example of a batch) per layer and step."
                                   : "Share of saturated units (slope almost zero) per layer and step.", .caption)],
                in: Rect(x: rightX, y: top, width: right, height: upper), maxScale: 0.5)
            second.cursor = saturation.maxY + 16
        }
        second.text("What to notice", .subheading, gapAfter: 4)
        for note in Explanation.networkNotes(finding, findings) {
            second.paragraph(note, gapAfter: 5)
        }
        return [first, second]
    }

    /// The network's name, what it is, its key numbers, and a badge if it diverged.
    static func header(_ page: inout Page, _ run: FigureRun, finding: RunFinding, part: String) {
        let design = page.design
        let y = page.cursor
        let chip = design.headingSize * 0.8
        page.scene.fill(.rectangle(Rect(x: page.column.x, y: y + design.headingSize * 0.15, width: chip, height: chip)),
                        design.figureStyle.networkColor(run.colorIndex))
        page.column.x += chip + 8
        page.column.width -= chip + 8
        page.text("\(run.label): \(part)", .heading, gapAfter: 2)
        page.column.x -= chip + 8
        page.column.width += chip + 8
        if let d = finding.diverged {
            let text = "diverged at step \(d)"
            var s = design.style(.strong)
            s.size = design.bodySize - 1
            page.badge(text, at: Point(page.column.x + page.column.width - page.measurer.measure(text, style: s).width - 12, y))
        }
        var facts = [TextSpan(SettingsDescription.architecture(finding.settings) + ". ", .caption)]
        if let a = finding.finalTestAccuracy {
            facts.append(TextSpan("Test accuracy \(Phrases.accuracy(a)). ", .caption))
        }
        if let r = finding.ratioAtEnd, r.isFinite, r > 0 {
            let amount = r < 0.01 ? NumberFormat.scientific(r, digits: 1) : Phrases.ratio(r)
            facts.append(TextSpan("Layer 1 receives \(amount) \(Phrases.isMultiple(r) ? "" : "of ")the output layer's gradient at the end.", .caption))
        }
        page.paragraph(facts, gapAfter: 4)
        page.scene.stroke(.polyline([Point(page.column.x, page.cursor), Point(page.column.x + page.column.width, page.cursor)]),
                          StrokeStyle(color: design.ruleColor, width: 0.8))
        page.cursor += 10
    }
}

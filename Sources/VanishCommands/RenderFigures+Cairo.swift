import CairoBackend
import Foundation
import GradientData
import Graphics

extension RenderFigures {
    /// Writes every figure of the request's history with the Cairo backend (DejaVu Sans text).
    public static func run(_ request: RenderRequest, cancellation: CancellationFlag? = nil) throws -> [String] {
        let renderer = try CairoRenderer()
        return try run(request, measurer: renderer.measurer, cancellation: cancellation, encode: encoder(renderer))
    }

    /// Encodes a figure's scene with `renderer`: PNG at the dpi, SVG, or a one-page PDF.
    public static func encoder(_ renderer: CairoRenderer) -> Encoder {
        { scene, format, dpi in
            switch format {
            case .png: return try renderer.png(scene, dpi: dpi)
            case .svg: return try renderer.svg(scene)
            case .pdf: return try renderer.pdf(pages: [scene], metadata: PDFMetadata(title: "vanish figure"))
            }
        }
    }
}

extension SingleFigure {
    /// Draws and writes the request's figure with the Cairo backend (DejaVu Sans text).
    public static func run(_ request: FigureRequest, note: (String) -> Void = HistoryInput.printNote) throws -> String {
        let renderer = try CairoRenderer()
        return try run(request, measurer: renderer.measurer, encode: RenderFigures.encoder(renderer), note: note)
    }
}

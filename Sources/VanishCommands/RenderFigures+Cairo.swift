import CairoBackend
import Foundation
import GradientData
import Graphics

extension RenderFigures {
    /// Writes every figure of the request's history with the Cairo backend (DejaVu Sans text).
    public static func run(_ request: RenderRequest, cancellation: CancellationFlag? = nil) throws -> [String] {
        let renderer = try CairoRenderer()
        return try run(request, measurer: renderer.measurer, cancellation: cancellation) { scene, format, dpi in
            switch format {
            case .png: return try renderer.png(scene, dpi: dpi)
            case .svg: return try renderer.svg(scene)
            case .pdf: return try renderer.pdf(pages: [scene], metadata: PDFMetadata(title: "vanish figure"))
            }
        }
    }
}

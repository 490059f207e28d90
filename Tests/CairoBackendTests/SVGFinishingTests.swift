@testable import CairoBackend
import Foundation
import Graphics
import Testing

/// `SVGFinishing` changes only the numbers of ids and of references to them, and marks images.
@Suite struct SVGFinishingTests {
    static func finish(_ svg: String, drawn: [ImageInterpolation] = []) -> String {
        String(decoding: SVGFinishing.finish(Data(svg.utf8), drawn: drawn), as: UTF8.self)
    }

    @Test func idsAndReferencesAreNumberedPerKindInOrderOfFirstAppearance() {
        let svg = """
            <symbol id="glyph4-7"/><symbol id="glyph4-2"/><symbol id="glyph9-7"/><filter id="alpha"/>
            <use xlink:href="#surface88"/><g id="surface17" clip-path="url(#clip3)"><path d="M 12 3 L 17 88"/></g>
            <clipPath id="clip3"/><g id="surface88" filter="url(#alpha)" style="fill:url(#pattern12);"/>
            <use xlink:href="#glyph9-7"/><use xlink:href="#glyph4-2"/><pattern id="pattern12"/>
            """
        let expected = """
            <symbol id="glyph0-7"/><symbol id="glyph0-2"/><symbol id="glyph1-7"/><filter id="alpha"/>
            <use xlink:href="#surface0"/><g id="surface1" clip-path="url(#clip0)"><path d="M 12 3 L 17 88"/></g>
            <clipPath id="clip0"/><g id="surface0" filter="url(#alpha)" style="fill:url(#pattern0);"/>
            <use xlink:href="#glyph1-7"/><use xlink:href="#glyph0-2"/><pattern id="pattern0"/>
            """
        #expect(Self.finish(svg) == expected)
        #expect(Self.finish(expected) == expected)
    }

    @Test func textThatOnlyLooksLikeAnIDIsLeftAlone() {
        let svg = ##"<g id="surface5"><text>id="surface5" #surface5 url(#)</text><a href="#top"/><b id=""/></g>"##
        #expect(Self.finish(svg) == ##"<g id="surface0"><text>id="surface5" #surface5 url(#)</text><a href="#top"/><b id=""/></g>"##)
        #expect(Self.finish(##"<g id="surface5"##) == ##"<g id="surface0"##)
        #expect(Self.finish("") == "")
    }

    @Test func nearestImagesAreMarkedWhenTheCountsAgree() {
        let svg = #"<image id="image9" width="2"/><image id="image4" width="3"/>"#
        let marked = #"<image image-rendering="optimizeSpeed" style="image-rendering:pixelated" id="image0" width="2"/><image id="image1" width="3"/>"#
        #expect(Self.finish(svg, drawn: [.nearest, .smooth]) == marked)
        #expect(Self.finish(svg, drawn: [.nearest]) == #"<image id="image0" width="2"/><image id="image1" width="3"/>"#)
    }
}

import Foundation

/// Memory for figures' pixels and groups' layers, kept from one to the next (a few blocks, for
/// the threads drawing at once and groups within groups), so that each does not ask the system
/// for fresh pages that it zeroes and maps in one by one.
final class PixelMemory: @unchecked Sendable {
    static let shared = PixelMemory()
    /// Blocks kept; more are freed when given back.
    static let kept = 4

    struct Block {
        let pointer: UnsafeMutableRawPointer
        let size: Int
    }

    private let lock = NSLock()
    private var blocks: [Block] = []
    /// Whether new blocks are zeroed (for users that give their blocks back zeroed, like
    /// `SolidFills`' coverage cells).
    let zeroed: Bool

    init(zeroed: Bool = false) { self.zeroed = zeroed }

    /// A block of at least `size` bytes, its contents undefined (zero if `zeroed` and its users
    /// give blocks back zeroed); give it back when done.
    func take(_ size: Int) -> Block {
        lock.lock()
        // The smallest block kept that is large enough; else the largest, made larger.
        let fitting = blocks.indices.filter { blocks[$0].size >= size }
        let index = fitting.min { blocks[$0].size < blocks[$1].size } ?? blocks.indices.max { blocks[$0].size < blocks[$1].size }
        let block = index.map { blocks.remove(at: $0) }
        lock.unlock()
        if let block, block.size >= size { return block }
        block?.pointer.deallocate()
        // Cairo needs 4-byte alignment; malloc's own (16) keeps it from asking for more.
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 16)
        if zeroed { pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(size, 1)) }
        return Block(pointer: pointer, size: max(size, 1))
    }

    func give(_ block: Block) {
        lock.lock()
        defer { lock.unlock() }
        if blocks.count < Self.kept { blocks.append(block) } else { block.pointer.deallocate() }
    }
}

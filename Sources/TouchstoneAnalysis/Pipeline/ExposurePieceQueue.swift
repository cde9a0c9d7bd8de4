import Foundation

/// Exposure pieces parsed ahead of the fold that takes them in file order.
///
/// The fold into the unit index is serial (unit numbers follow first appearance), so when
/// pieces were parsed a round at a time and then folded, the other cores idled through every
/// fold. Here helper threads parse the next pieces
/// while the caller folds; a caller whose next piece is not ready parses an unclaimed one
/// itself rather than wait. Pieces are parsed independently and folded in order, so the
/// result (unit numbers, variant numbers, the first error) is that of one sequential pass.
///
/// At most `ahead` pieces are parsed and not yet taken, which bounds the memory of parsed rows.
/// `@unchecked Sendable`: every field is read and written under `condition`, except `parse`,
/// which is immutable.
final class ExposurePieceQueue: @unchecked Sendable {
    let count: Int
    private let ahead: Int
    private let parse: @Sendable (Int) -> ExposurePiece
    private let condition = NSCondition()
    private var parsed: [ExposurePiece?]
    /// Pieces below this index are claimed (being parsed, parsed, or taken).
    private var nextToClaim = 0
    /// Pieces below this index are taken by the caller.
    private var taken = 0
    private var finished = false
    private let helpers = DispatchGroup()

    /// Starts `helperThreads` helpers parsing pieces `0..<count` with `parse`; ``finish()``
    /// must follow, also when the caller stops early.
    init(count: Int, helperThreads: Int, ahead: Int, parse: @escaping @Sendable (Int) -> ExposurePiece) {
        self.count = count
        self.ahead = max(1, ahead)
        self.parse = parse
        parsed = Array(repeating: nil, count: count)
        for _ in 0..<max(0, helperThreads) {
            helpers.enter()
            DispatchQueue.global().async { [self] in
                help()
                helpers.leave()
            }
        }
    }

    /// Under the lock: the next piece to parse, if the window allows one.
    private func claimLocked() -> Int? {
        guard !finished, nextToClaim < count, nextToClaim < taken + ahead else { return nil }
        defer { nextToClaim += 1 }
        return nextToClaim
    }

    /// Called and returning with the lock held: parses claimed piece `index` without it.
    private func parseLocked(_ index: Int) {
        condition.unlock()
        let piece = parse(index)
        condition.lock()
        parsed[index] = piece
        condition.broadcast()
    }

    private func help() {
        condition.lock()
        while true {
            if let index = claimLocked() {
                parseLocked(index)
            } else if finished || nextToClaim >= count {
                condition.unlock()
                return
            } else {
                condition.wait()
            }
        }
    }

    /// Piece `index`, which must be the next in order (0, 1, 2, …): waits for it, or parses
    /// pieces itself while it is not ready.
    func take(_ index: Int) -> ExposurePiece {
        condition.lock()
        defer { condition.unlock() }
        precondition(index == taken && index < count, "pieces are taken once each, in order")
        while true {
            if let piece = parsed[index] {
                parsed[index] = nil
                taken += 1
                // The window moved: a helper may claim another piece.
                condition.broadcast()
                return piece
            }
            if let claimed = claimLocked() {
                parseLocked(claimed)
            } else {
                condition.wait()
            }
        }
    }

    /// Stops the helpers (a piece being parsed is finished) and waits for them to leave; the
    /// caller must call it before the inputs `parse` reads go away.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
        helpers.wait()
    }
}

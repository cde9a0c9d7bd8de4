import Foundation
import Synchronization
import Testing
@testable import TouchstoneAnalysis

/// The queue hands every piece over once, in order, never runs more than `ahead` pieces past
/// the caller, and lets its helpers go when the caller stops early.
@Suite("Exposure pieces parsed ahead of the fold")
struct ExposurePieceQueueTests {
    /// A piece whose `earliest` records which piece it is.
    static func piece(_ number: Int) -> ExposurePiece {
        var piece = ExposurePiece()
        piece.earliest = Int64(number)
        return piece
    }

    @Test("every piece is parsed once and taken in order", arguments: [(0, 1), (1, 1), (1, 4), (3, 2), (2, 64)])
    func inOrder(helpers: Int, ahead: Int) {
        let count = 200
        let parsedCount = Mutex([Int](repeating: 0, count: count))
        let mostAhead = Mutex(0)
        let takenSoFar = Mutex(0)
        let queue = ExposurePieceQueue(count: count, helperThreads: helpers, ahead: ahead) { number in
            parsedCount.withLock { $0[number] += 1 }
            let lead = number - takenSoFar.withLock { $0 }
            mostAhead.withLock { $0 = max($0, lead) }
            // Uneven work, so helpers and the caller overtake each other.
            if number % 7 == 0 { usleep(200) }
            return Self.piece(number)
        }
        var order: [Int64] = []
        for number in 0..<count {
            order.append(queue.take(number).earliest)
            takenSoFar.withLock { $0 = number + 1 }
        }
        queue.finish()
        #expect(order == (0..<count).map(Int64.init))
        #expect(parsedCount.withLock { $0 } == [Int](repeating: 1, count: count))
        // A piece is claimed only while fewer than `ahead` wait untaken; `takenSoFar` is set
        // just after `take` returns, so it may lag the queue's own count by one.
        #expect(mostAhead.withLock { $0 } <= ahead)
    }

    @Test("a caller that stops early (an error in a piece) lets the helpers go")
    func stopsEarly() {
        let parsed = Mutex(0)
        let queue = ExposurePieceQueue(count: 1_000, helperThreads: 3, ahead: 4) { number in
            parsed.withLock { $0 += 1 }
            return Self.piece(number)
        }
        for number in 0..<10 { #expect(queue.take(number).earliest == Int64(number)) }
        queue.finish()
        let afterFinish = parsed.withLock { $0 }
        // Nothing beyond the window was parsed, and nothing is parsed after `finish`.
        #expect(afterFinish <= 10 + 4)
        usleep(20_000)
        #expect(parsed.withLock { $0 } == afterFinish)
    }
}

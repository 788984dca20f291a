import Foundation

/// A blocking FIFO handed from async callers to the database threads.
///
/// `@unchecked Sendable`: every stored property is read and written only while `condition` is locked.
final class RequestQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var isClosed = false

    /// Appends `element` and wakes a waiting thread. Returns false (and drops it) once the queue is closed.
    func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isClosed else { return false }
        items.append(element)
        condition.signal()
        return true
    }

    /// Blocks until at least one element is queued, then takes up to `limit` of them in order.
    /// Returns nil once the queue is closed and drained.
    func popBatch(limit: Int) -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !isClosed { condition.wait() }
        guard !items.isEmpty else { return nil }
        let count = min(limit, items.count)
        let batch = Array(items.prefix(count))
        items.removeFirst(count)
        if !items.isEmpty { condition.signal() }
        return batch
    }

    /// Refuses further elements and wakes every waiting thread; queued elements are still handed out.
    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }
}
